"""Building an ``Answerer`` over a workspace: the composition used by the CLI and the app.

The model is optional and loaded lazily: with ``use_llm=False`` llama.cpp is never imported. A
model that cannot be loaded becomes a clear message, and answers fall back to code-rendered and
extractive ones.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.agenda import Agenda
from engine.answer import Answerer
from engine.intent import reader_for
from engine.llm import LlamaChatModel, ModelError, ModelOptions
from engine.retrieval import Retriever
from indexing.workspace import Workspace

log = logging.getLogger("lodger.engine")


def resolve_zone(name: str | None) -> tzinfo:
    """The user's zone: the given IANA name, else the system zone.

    Raises:
        ValueError: for an unknown zone name.
    """
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {name!r} (use a name like Europe/Berlin)") from exc
    try:
        from tzlocal import get_localzone

        return get_localzone()
    except Exception:  # no zone configured on this system
        return ZoneInfo("UTC")


def parse_now(text: str | None, zone: tzinfo) -> datetime:
    """``--now``: ISO 8601; a time without offset is read in the user's zone. Default: now."""
    if not text:
        return datetime.now(zone)
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(zone)


def make_model(ws: Workspace, model_path: str | None = None) -> LlamaChatModel:
    s = ws.settings
    return LlamaChatModel(ModelOptions(path=model_path or s.model_path, n_ctx=s.n_ctx,
                                       n_threads=s.n_threads, n_gpu_layers=s.n_gpu_layers))


def make_answerer(ws: Workspace, zone: tzinfo, use_llm: bool = True,
                  model_path: str | None = None) -> tuple[Answerer, str | None]:
    """An answerer over ``ws``; returns it and a warning when the model could not be set up."""
    llm = None
    warning = None
    if use_llm:
        try:
            llm = make_model(ws, model_path)
        except ModelError as exc:
            warning = f"Language model unavailable: {exc}. Answering without it."
            log.warning("%s", warning)
    agenda = Agenda(ws.store, zone, ws.settings.user_addresses)
    retriever = Retriever(ws.store, ws.vectors, ws.embedder)
    min_params = int(ws.settings.extras.get("llm_min_params", 1_000_000_000))
    reader = reader_for(ws.embedder, ws.data_dir / "embedder")
    return Answerer(agenda, retriever, llm, min_params=min_params,
                    reader=reader), warning
