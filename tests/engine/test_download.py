"""Model downloads against a local server that behaves like the Hugging Face hub (never the internet).

The server answers ``/{repo}/resolve/{revision}/{file}`` the way huggingface.co does for an LFS
file: a 302 redirect carrying ``X-Linked-Size``, ``X-Linked-Etag`` (the sha256) and
``X-Repo-Commit``, to a "CDN" URL on another host name (``localhost`` instead of ``127.0.0.1``)
that serves the bytes with ``Content-Length``, ``ETag`` and ``Range`` support.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import engine.download
from engine.download import (
    CatalogueEntry,
    DownloadCancelled,
    DownloadError,
    download_model,
    find_entry,
    hub_url,
    load_catalogue,
)

PAYLOAD = bytes(range(256)) * 1024  # 256 KiB
SHA = hashlib.sha256(PAYLOAD).hexdigest()
REPO, FILE, COMMIT = "someone/Tiny-GGUF", "tiny-Q4_K_M.gguf", "a" * 40


class HubHandler(BaseHTTPRequestHandler):
    """The hub's resolve endpoint (redirects) and its CDN (serves bytes, honours Range)."""

    server: HubServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        srv = self.server
        srv.requests.append((self.path.split("?")[0], self.headers.get("Range"),
                             self.headers.get("Authorization")))
        if self.path == f"/{REPO}/resolve/main/{FILE}":
            self.send_response(302)
            self.send_header("Location", f"{srv.cdn}/cdn/{SHA}?expires=1")
            self.send_header("X-Linked-Size", str(srv.linked_size or len(srv.body)))
            self.send_header("X-Linked-Etag", f'"{srv.linked_sha or SHA}"')
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("ETag", f'"{srv.linked_sha or SHA}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith(f"/cdn/{SHA}"):
            self._serve_bytes()
        else:
            self.send_error(404)

    def _serve_bytes(self) -> None:
        srv = self.server
        body, start = srv.body, 0
        rng = self.headers.get("Range")
        if rng and srv.honour_range:
            start = int(rng.removeprefix("bytes=").split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.send_header("ETag", f'"{SHA}"')
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if srv.drop_after is not None:  # send part of the body, then hang up
            self.wfile.write(body[start:max(start, srv.drop_after)])
            self.wfile.flush()
            srv.drop_after = None
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        for i in range(start, len(body), 16384):
            self.wfile.write(body[i:i + 16384])


class HubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), HubHandler)
        self.body = PAYLOAD
        self.requests: list[tuple[str, str | None, str | None]] = []
        self.drop_after: int | None = None
        self.honour_range = True
        self.linked_sha: str | None = None
        self.linked_size: int | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def cdn(self) -> str:
        return f"http://localhost:{self.server_address[1]}"


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    server = HubServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the app's default; downloads must still work
    monkeypatch.delenv("HF_TOKEN", raising=False)
    yield server
    server.shutdown()
    server.server_close()


def entry(sha256: str | None = SHA, size: int | None = len(PAYLOAD)) -> CatalogueEntry:
    return CatalogueEntry(name="tiny", title="Tiny", repo=REPO, filename=FILE, size=size,
                          sha256=sha256, verified=True)


RESOLVE, CDN = f"/{REPO}/resolve/main/{FILE}", f"/cdn/{SHA}"


def test_download_follows_the_hub_redirect_and_verifies(hub: HubServer, tmp_path: Path) -> None:
    """A download goes resolve -> CDN, lands in the models dir with the right bytes, progress hits 100 %."""
    seen: list[tuple[int, int | None]] = []
    path = download_model(entry(), tmp_path / "models", progress=lambda d, t: seen.append((d, t)),
                          chunk_size=32768)
    assert path == tmp_path / "models" / FILE
    assert path.read_bytes() == PAYLOAD
    assert seen[0] == (0, len(PAYLOAD)) and seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert len(seen) == 1 + len(PAYLOAD) // 32768
    assert not (tmp_path / "models" / f"{FILE}.part").exists()
    assert hub.requests == [(RESOLVE, None, None), (CDN, None, None)]


def test_download_works_while_the_hub_is_switched_offline(hub: HubServer, tmp_path: Path) -> None:
    """HF_HUB_OFFLINE=1 does not block the explicit download, and stays on for everything else."""
    import huggingface_hub.constants

    assert download_model(entry(), tmp_path).read_bytes() == PAYLOAD
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert huggingface_hub.constants.HF_HUB_OFFLINE is True


def test_interrupted_download_resumes_with_range(hub: HubServer, tmp_path: Path) -> None:
    """A dropped connection keeps the partial file; the next call asks only for the rest."""
    hub.drop_after = 100_000
    with pytest.raises(DownloadError, match="run the download again to resume"):
        download_model(entry(), tmp_path, chunk_size=8192)
    part = tmp_path / f"{FILE}.part"
    kept = part.stat().st_size
    assert 0 < kept <= 100_000 and part.read_bytes() == PAYLOAD[:kept]
    assert not (tmp_path / FILE).exists()
    hub.requests.clear()
    path = download_model(entry(), tmp_path, chunk_size=8192)
    assert path.read_bytes() == PAYLOAD
    # The Range header travels through the redirect to the CDN.
    assert hub.requests == [(RESOLVE, f"bytes={kept}-", None), (CDN, f"bytes={kept}-", None)]


def test_server_ignoring_range_restarts_cleanly(hub: HubServer, tmp_path: Path) -> None:
    """When the server answers a range request with the whole file, the file is not doubled."""
    (tmp_path / f"{FILE}.part").write_bytes(PAYLOAD[:5000])
    hub.honour_range = False
    assert download_model(entry(), tmp_path).read_bytes() == PAYLOAD


def test_corrupt_download_is_deleted(hub: HubServer, tmp_path: Path) -> None:
    """Bytes that fail the sha256 check leave neither the file nor a partial file behind."""
    hub.body = PAYLOAD[:-1] + b"\x00"
    with pytest.raises(DownloadError,
                       match=r"corrupt \(its sha256 checksum does not match\); it was deleted"):
        download_model(entry(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_other_file_on_the_server_is_refused_before_downloading(hub: HubServer,
                                                                tmp_path: Path) -> None:
    """When the hub's X-Linked-Etag is another sha256, nothing is written."""
    hub.linked_sha = "f" * 64
    with pytest.raises(DownloadError, match=f"has sha256 {'f' * 64}, expected {SHA}"):
        download_model(entry(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_wrong_size_is_deleted(hub: HubServer, tmp_path: Path) -> None:
    """A file of the wrong length is rejected even when no sha256 is known."""
    with pytest.raises(DownloadError, match=f"expected {len(PAYLOAD) + 1}"):
        download_model(entry(sha256=None, size=len(PAYLOAD) + 1), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cancel_stops_and_keeps_partial(hub: HubServer, tmp_path: Path) -> None:
    """Setting the cancel event stops after the current chunk; a later call finishes the file."""
    cancel = threading.Event()

    def progress(done: int, total: int | None) -> None:
        if done >= 65536:
            cancel.set()

    with pytest.raises(DownloadCancelled, match="cancelled after 65536 bytes"):
        download_model(entry(), tmp_path, progress=progress, cancel=cancel, chunk_size=16384)
    part = tmp_path / f"{FILE}.part"
    assert part.stat().st_size == 65536
    assert not (tmp_path / FILE).exists()
    assert download_model(entry(), tmp_path).read_bytes() == PAYLOAD
    assert hub.requests[-1] == (CDN, "bytes=65536-", None)


def test_existing_good_file_is_not_downloaded_again(hub: HubServer, tmp_path: Path) -> None:
    """A file already present with the right checksum makes no request."""
    (tmp_path / FILE).write_bytes(PAYLOAD)
    assert download_model(entry(), tmp_path) == tmp_path / FILE
    assert hub.requests == []


def test_token_goes_to_the_hub_but_not_to_the_cdn(hub: HubServer, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """HF_TOKEN is sent to the endpoint; the redirect to another host drops it."""
    monkeypatch.setenv("HF_TOKEN", "hf_test")
    download_model(entry(), tmp_path)
    assert hub.requests == [(RESOLVE, None, "Bearer hf_test"), (CDN, None, None)]


def test_not_enough_disk_space_is_refused(hub: HubServer, tmp_path: Path) -> None:
    """A model larger than the free disk space fails before a byte is written."""
    hub.linked_size = 1 << 60
    with pytest.raises(DownloadError, match="not enough free disk space"):
        download_model(entry(size=1 << 60), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_missing_file_is_a_clear_error(hub: HubServer, tmp_path: Path) -> None:
    """A 404 names the URL and leaves nothing behind."""
    bad = CatalogueEntry(name="x", title="x", repo=REPO, filename="nope.gguf")
    with pytest.raises(DownloadError, match="not on the server: .*nope.gguf"):
        download_model(bad, tmp_path)
    assert list(tmp_path.iterdir()) == []


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    """With nothing listening, the error says the model server cannot be reached."""
    with pytest.raises(DownloadError, match="^cannot reach the model server: 127.0.0.1 .*internet"):
        download_model(entry(), tmp_path, endpoint=f"http://127.0.0.1:{_closed_port()}", timeout=5)
    assert list(tmp_path.iterdir()) == []


def test_hub_url_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """URLs follow {endpoint}/{repo}/resolve/{revision}/{file}, HF_ENDPOINT picking the server."""
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert hub_url("a/b", "m 1.gguf", "abc") == "https://huggingface.co/a/b/resolve/abc/m%201.gguf"
    monkeypatch.setenv("HF_ENDPOINT", "http://mirror.local/")
    assert hub_url("a/b", "m.gguf") == "http://mirror.local/a/b/resolve/main/m.gguf"


def test_catalogue_entries_are_complete() -> None:
    """Every catalogue entry is a pinned, verified GGUF file with an exact size and sha256."""
    entries = load_catalogue()
    assert [e.name for e in entries] == ["llama-3.2-3b", "smollm2-1.7b", "qwen2.5-3b",
                                         "phi-3.5-mini", "llama-3.1-8b"]
    assert [e.name for e in entries if e.recommended] == ["llama-3.2-3b"]
    for e in entries:
        assert e.filename.endswith("-Q4_K_M.gguf") and e.repo.startswith("bartowski/")
        assert len(e.revision) == 40 and int(e.revision, 16) >= 0
        assert e.verified and e.size and e.size > 1e9
        assert e.sha256 and len(e.sha256) == 64 and int(e.sha256, 16) >= 0
    assert len({e.sha256 for e in entries}) == len(entries)
    assert find_entry("LLAMA-3.2-3B").filename == "Llama-3.2-3B-Instruct-Q4_K_M.gguf"
    assert find_entry("SmolLM2-1.7B-Instruct-Q4_K_M.gguf").name == "smollm2-1.7b"
    with pytest.raises(DownloadError, match="choose one of: llama-3.2-3b, smollm2-1.7b"):
        find_entry("gpt-5")


def test_models_command_downloads_and_then_lists_the_model(
        hub: HubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`lodger models --download NAME` puts the file in <data>/models, where `lodger models` finds it."""
    from lodger.cli import main
    from tests.engine.test_models import write_gguf

    gguf_bytes = write_gguf(tmp_path / "src.gguf").read_bytes()
    hub.body = gguf_bytes
    sha = hashlib.sha256(gguf_bytes).hexdigest()
    hub.linked_sha = sha
    catalogue = tmp_path / "models.json"
    catalogue.write_text(json.dumps({"models": [{
        "name": "tiny", "title": "Tiny", "repo": REPO, "filename": FILE, "revision": "main",
        "size": len(gguf_bytes), "sha256": sha, "verified": True}]}))
    monkeypatch.setattr(engine.download, "CATALOGUE", catalogue)
    data = tmp_path / "data"
    assert main(["models", "--download", "tiny", "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert f"Downloaded {data / 'models' / FILE}" in out
    assert (data / "models" / FILE).read_bytes() == gguf_bytes
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert main(["models", "--json", "--data-dir", str(data)]) == 0
    listed = json.loads(capsys.readouterr().out)["models"]
    assert [(m["name"], m["source"], m["architecture"]) for m in listed if m["source"] == "lodger"] \
        == [(FILE, "lodger", "qwen2")]


def test_models_command_without_network_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """With no server reachable the command exits 1 with a message, not a traceback."""
    from lodger.cli import main

    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    assert main(["models", "--download", "smollm2-1.7b", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "lodger models: cannot reach the model server: 127.0.0.1" in err
    assert "Traceback" not in err
    assert list((tmp_path / "models").iterdir()) == []
