"""``lodger ask``: one question, answered on the terminal or as one JSON object."""

from __future__ import annotations

import argparse
import json
import os
import sys

from engine.answer import Answer
from engine.llm import ModelError
from engine.session import make_answerer, parse_now, resolve_zone
from indexing.workspace import Workspace


def run_ask(args: argparse.Namespace) -> int:
    try:
        zone = resolve_zone(args.tz)
    except ValueError as exc:
        print(f"lodger ask: {exc}", file=sys.stderr)
        return 2
    ws = Workspace.open(args.data_dir, getattr(args, "embedder", None))
    if not args.tz and ws.settings.timezone:
        zone = resolve_zone(ws.settings.timezone)
    try:
        now = parse_now(args.now, zone)
    except ValueError:
        print(f"lodger ask: --now {args.now!r} is not an ISO 8601 time", file=sys.stderr)
        return 2
    answerer, warning = make_answerer(ws, zone, use_llm=not args.no_llm, model_path=args.model)
    if warning:
        print(warning, file=sys.stderr)
    try:
        final = _run(answerer, args.question, now, stream=not args.json)
    except ModelError as exc:
        print(f"Language model unavailable: {exc}. Answering without it.", file=sys.stderr)
        answerer.llm = None
        final = _run(answerer, args.question, now, stream=not args.json)
    if args.json:
        print(json.dumps(final.to_json(), ensure_ascii=False))
    else:
        _print_sources(final)
    if answerer.llm is not None:
        answerer.llm.close()
    ws.close()
    return 0


def _run(answerer, question: str, now, stream: bool) -> Answer:  # noqa: ANN001
    final = None
    for event in answerer.ask(question, now):
        if isinstance(event, Answer):
            final = event
        elif stream:
            sys.stdout.write(event)
            sys.stdout.flush()
    if stream:
        sys.stdout.write("\n")
    assert final is not None
    return final


def _print_sources(ans: Answer) -> None:
    if not ans.sources:
        return
    print("\nSources:")
    for i, s in enumerate(ans.sources, 1):
        print(f"  [{i}] {source_line(s)}")


def source_line(s) -> str:  # noqa: ANN001 - an engine.retrieval.Source
    """One readable line per source: what it is, the file (with ~ for home) and where in it.

    Mail shows its Message-ID (what opens it), notes their line; calendar UIDs are long opaque
    strings, so an event shows its file only.
    """
    path = s.path
    home = os.path.expanduser("~")
    if home not in ("", "/") and path.startswith(home + os.sep):
        path = "~" + path[len(home):]
    where = ""
    if s.kind == "email" and s.locator:
        where = f" <{s.locator.strip('<>')}>"
    elif s.kind in ("note", "todo") and s.locator:
        where = f":{s.locator.removeprefix('L')}" if s.locator.startswith("L") else ""
    kind = {"email": "mail", "calendar": "event", "note": "note", "todo": "to-do"}.get(s.kind,
                                                                                    s.kind)
    return f"{s.title} ({kind}) — {path}{where}"
