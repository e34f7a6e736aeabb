"""Downloading a recommended model: the one thing Lodger does online, and only when asked.

Lodger runs with ``HF_HUB_OFFLINE=1`` (``indexing.paths.set_offline_mode``) so that no library goes
online behind the user's back. A download is an explicit user action, so it must work anyway, and
it must not open the door for anything else. ``huggingface_hub`` reads ``HF_HUB_OFFLINE`` once,
into a process-wide constant that every library in the process shares: switching it off for one
download would let the embedder or transformers go online from another thread meanwhile, and
``hf_hub_download`` cannot be cancelled from outside either. So the download is a small HTTP
client of its own (httpx, which huggingface_hub itself uses) against the hub's URL layout,
``{HF_ENDPOINT}/{repo}/resolve/{revision}/{filename}``; it opens one connection, to the configured
endpoint (and the CDN it redirects to), for this one call, and leaves the offline switch alone.

* Bytes go to ``<file>.part`` next to the target; a later call resumes from it with a ``Range``
  request (a server that ignores the range sends the file from the start, which is handled).
* The hub's ``X-Linked-Size`` and ``X-Linked-Etag`` (the LFS sha256) are checked against the
  catalogue before the body is read, so a wrong file is refused without downloading gigabytes.
* Free disk space is checked before the first byte is written.
* A ``threading.Event`` is checked between chunks, so a download can be cancelled at once (the
  partial file stays for a later resume).
* When the file is complete its size and sha256 are checked; a mismatch deletes it and raises, so
  no file that claims to be the model is ever left half right.
* ``HF_TOKEN``, when set, is sent to the endpoint (httpx drops it on redirects to another host).
* Every failure is a ``DownloadError`` whose message a user can act on.

The catalogue of recommended models is ``assets/models.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

DEFAULT_ENDPOINT = "https://huggingface.co"
CATALOGUE = Path(__file__).resolve().parent.parent / "assets" / "models.json"
CHUNK = 1 << 20
DISK_MARGIN = 200 << 20  # keep this much free after a download
Progress = Callable[[int, "int | None"], None]
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DownloadError(Exception):
    """A download failed; the message says why and what to do."""


class DownloadCancelled(DownloadError):
    """The user cancelled; the partial file is kept so the next call resumes."""


@dataclass(frozen=True)
class CatalogueEntry:
    """One recommended model file on the hub."""

    name: str
    title: str
    repo: str
    filename: str
    revision: str = "main"
    size: int | None = None
    sha256: str | None = None
    verified: bool = False
    license: str = ""
    recommended: bool = False


def load_catalogue(path: str | os.PathLike[str] | None = None) -> list[CatalogueEntry]:
    """The recommended models in ``assets/models.json`` (or ``path``)."""
    data = json.loads(Path(path or CATALOGUE).read_text(encoding="utf-8"))
    fields = set(CatalogueEntry.__dataclass_fields__)
    return [CatalogueEntry(**{k: v for k, v in m.items() if k in fields}) for m in data["models"]]


def find_entry(name: str, catalogue: list[CatalogueEntry] | None = None) -> CatalogueEntry:
    """The catalogue entry called ``name`` (or with that file name), case-insensitively.

    Raises:
        DownloadError: no such entry; the message lists the names there are.
    """
    entries = load_catalogue() if catalogue is None else catalogue
    wanted = name.strip().lower()
    for entry in entries:
        if wanted in (entry.name.lower(), entry.filename.lower()):
            return entry
    names = ", ".join(e.name for e in entries)
    raise DownloadError(f"no model called {name!r} in the catalogue (choose one of: {names})")


def hub_url(repo: str, filename: str, revision: str = "main", endpoint: str | None = None) -> str:
    """The hub's download URL for one file; ``HF_ENDPOINT`` selects a mirror or a test server."""
    base = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    return f"{base}/{repo}/resolve/{quote(revision, safe='')}/{quote(filename)}"


def sha256_of(path: str | os.PathLike[str]) -> str:
    """The hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _check(path: Path, size: int | None, sha256: str | None) -> str | None:
    """Why ``path`` is not the expected file, or None when it is."""
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        return f"it has {actual_size} bytes, expected {size}"
    if sha256 and sha256_of(path) != sha256.lower():
        return "its sha256 checksum does not match"
    return None


def _gb(n: int) -> str:
    return f"{n / 1e9:.1f} GB"


def download_file(url: str, dest: str | os.PathLike[str], size: int | None = None,
                  sha256: str | None = None, progress: Progress | None = None,
                  cancel: threading.Event | None = None, timeout: float = 30.0,
                  chunk_size: int = CHUNK) -> Path:
    """Download ``url`` to ``dest``, resuming from ``dest.part``; verify size and sha256.

    Args:
        url: the file's URL (redirects are followed, as the hub redirects to its CDN).
        dest: where the finished file goes.
        size: expected byte count, if known.
        sha256: expected hex digest, if known; without it only the size is checked.
        progress: called with (bytes done, total bytes or None) once at the start and after
            every chunk.
        cancel: when set, the download stops after the current chunk.
        timeout: seconds to wait for the server to connect or send data.
        chunk_size: bytes read between progress calls and cancel checks.

    Returns:
        The path of the finished, verified file.

    Raises:
        DownloadCancelled: ``cancel`` was set.
        DownloadError: the server cannot be reached, refuses, drops the connection, offers a
            different file, the disk is too full, or the file does not match its size or
            checksum (the bad file is deleted).
    """
    dest = Path(dest)
    if dest.exists() and _check(dest, size, sha256) is None:
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {dest.parent}: {exc.strerror or exc}") from exc
    part = dest.with_name(dest.name + ".part")
    done = part.stat().st_size if part.exists() else 0
    if size is not None and done > size:  # not a prefix of this file: start again
        part.unlink()
        done = 0
    if not (size is not None and done == size):
        _fetch(url, part, done, size, sha256, progress, cancel, timeout, chunk_size)
    problem = _check(part, size, sha256)
    if problem:
        part.unlink(missing_ok=True)
        raise DownloadError(f"the downloaded file {dest.name} is corrupt ({problem}); it was "
                            "deleted, try again")
    os.replace(part, dest)
    return dest


def _check_disk_space(folder: Path, needed: int) -> None:
    free = shutil.disk_usage(folder).free
    if needed > 0 and free < needed + DISK_MARGIN:
        raise DownloadError(f"not enough free disk space in {folder}: the model needs "
                            f"{_gb(needed)} more, {_gb(free)} is free")


def _headers() -> dict[str, str]:
    token = os.environ.get("HF_TOKEN", "").strip()
    return {"Authorization": f"Bearer {token}"} if token else {}


def _linked(response: httpx.Response, key: str) -> str | None:
    """A hub header (``X-Linked-Size``...) from the final response or a redirect before it."""
    for r in (response, *reversed(response.history)):
        if key in r.headers:
            return r.headers[key].strip().strip('"').removeprefix("W/").strip('"')
    return None


def _offered_problem(response: httpx.Response, size: int | None, sha256: str | None) -> str | None:
    """Why the file the server offers is not the one expected, from its headers alone."""
    linked_size = _linked(response, "X-Linked-Size")
    if size is not None and linked_size and linked_size.isdigit() and int(linked_size) != size:
        return f"the server's file has {linked_size} bytes, expected {size}"
    etag = (_linked(response, "X-Linked-Etag") or "").lower()
    if sha256 and _SHA256.match(etag) and etag != sha256.lower():
        return f"the server's file has sha256 {etag}, expected {sha256.lower()}"
    return None


def _fetch(url: str, part: Path, done: int, size: int | None, sha256: str | None,
           progress: Progress | None, cancel: threading.Event | None, timeout: float,
           chunk_size: int) -> int:
    """Append the rest of ``url`` to ``part``, starting at byte ``done``; returns the bytes held."""
    headers = _headers()
    if done:
        headers["Range"] = f"bytes={done}-"
    server = httpx.URL(url).host
    try:
        with httpx.Client(follow_redirects=True, timeout=timeout) as client, \
                client.stream("GET", url, headers=headers) as response:
            if response.status_code == 416 and done:  # our partial file is no prefix: restart
                part.unlink()
                return _fetch(url, part, 0, size, sha256, progress, cancel, timeout, chunk_size)
            _raise_for_status(response, url)
            problem = _offered_problem(response, size, sha256)
            if problem:
                raise DownloadError(f"{url} is not the expected model file ({problem}); nothing "
                                    "was downloaded")
            if done and response.status_code != 206:  # the server ignored the range
                done = 0
            length = response.headers.get("Content-Length")
            total = done + int(length) if length and length.isdigit() else size
            _check_disk_space(part.parent, max(total or 0, size or 0) - done)
            if progress is not None:
                progress(done, total)
            with open(part, "ab" if done else "wb") as fh:
                for block in response.iter_bytes(chunk_size):
                    fh.write(block)
                    done += len(block)
                    if progress is not None:
                        progress(done, total)
                    if cancel is not None and cancel.is_set():
                        raise DownloadCancelled(
                            f"download cancelled after {done} bytes; run it again to resume")
            if total is not None and done < total:
                raise DownloadError(f"the connection to {server} was lost after {done} of "
                                    f"{total} bytes; run the download again to resume")
            return done
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        raise DownloadError(f"cannot reach the model server: {server} ({exc}); check your "
                            "internet connection (or HF_ENDPOINT, if you use a mirror)") from exc
    except (httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError,
            httpx.WriteError) as exc:
        got = part.stat().st_size if part.exists() else 0
        raise DownloadError(f"the connection to {server} was lost after {got} bytes ({exc}); "
                            "run the download again to resume") from exc
    except httpx.HTTPError as exc:
        raise DownloadError(f"download from {server} failed: {exc}") from exc
    except OSError as exc:
        raise DownloadError(f"cannot write {part}: {exc.strerror or exc}") from exc


def _raise_for_status(response: httpx.Response, url: str) -> None:
    code = response.status_code
    if code < 400:
        return
    if code in (401, 403):
        raise DownloadError(f"the model server refused access to {url} (HTTP {code}); the model "
                            "may need a licence accepted on its web page and HF_TOKEN set")
    if code == 404:
        raise DownloadError(f"the model file is not on the server: {url} (HTTP 404)")
    raise DownloadError(f"the model server answered HTTP {code} for {url}; try again later")


def download_model(entry: CatalogueEntry, models_dir: str | os.PathLike[str],
                   progress: Progress | None = None, cancel: threading.Event | None = None,
                   endpoint: str | None = None, timeout: float = 30.0,
                   chunk_size: int = CHUNK) -> Path:
    """Download one catalogue model into ``models_dir`` (Lodger's ``<data_dir>/models``).

    ``find_models`` lists that folder first, so the model shows up as soon as this returns.
    See ``download_file`` for the arguments and errors.
    """
    url = hub_url(entry.repo, entry.filename, entry.revision, endpoint)
    return download_file(url, Path(models_dir) / Path(entry.filename).name, entry.size,
                         entry.sha256, progress, cancel, timeout, chunk_size)


def download_catalogue_model(name: str, models_dir: str | os.PathLike[str],
                             progress: Progress | None = None,
                             cancel: threading.Event | None = None) -> Path:
    """``lodger models --download NAME``: look ``name`` up in the catalogue and download it."""
    return download_model(find_entry(name), models_dir, progress, cancel)
