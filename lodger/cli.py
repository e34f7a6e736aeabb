"""The ``lodger`` command line: index, status, watch, ask, brief, mcp, gui, models, self-test.

Everything the desktop app does can be done headless from here; the app is only another face on
the same core. Heavy modules (torch, chromadb, llama.cpp, Qt) are imported inside the commands that
need them so that ``lodger --help`` is instant.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import time

from engine.demo import DEMO_DIR
from indexing.paths import set_offline_mode


def _add_data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None,
                   help="where Lodger keeps its index (default: $LODGER_DATA_DIR or the "
                        "platform's user data dir)")


def _add_embedder(p: argparse.ArgumentParser) -> None:
    p.add_argument("--embedder", choices=["minilm", "hash"], default=None,
                   help=argparse.SUPPRESS)  # 'hash' is a fast fake for tests


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lodger", description="A private assistant for your own mail, notes and calendars.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="index files and folders (incremental)")
    p.add_argument("paths", nargs="*", help="files or folders (default: the folders in settings)")
    p.add_argument("--demo", action="store_true", help="index the bundled demo data")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_data_dir(p)
    _add_embedder(p)

    p = sub.add_parser("status", help="what is indexed")
    _add_data_dir(p)

    p = sub.add_parser("watch", help="index, then keep the index up to date as files change")
    p.add_argument("paths", nargs="*")
    _add_data_dir(p)
    _add_embedder(p)

    p = sub.add_parser("ask", help="ask a question about your data")
    p.add_argument("question")
    p.add_argument("--now", default=None, help="answer as if it were this time (ISO 8601)")
    p.add_argument("--tz", default=None, help="your time zone, e.g. Europe/Berlin")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--no-llm", action="store_true", help="answer without the language model")
    p.add_argument("--model", default=None, help="a GGUF model file to use")
    _add_data_dir(p)
    _add_embedder(p)

    p = sub.add_parser("brief", help="today's and tomorrow's events, due tasks, promises and "
                                     "mail waiting on you, every line cited")
    p.add_argument("--now", default=None, help="as if it were this time (ISO 8601)")
    p.add_argument("--tz", default=None, help="your time zone, e.g. Europe/Berlin")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--days", type=int, default=2,
                   help="how many days to cover, from today (default 2: today and tomorrow)")
    _add_data_dir(p)

    p = sub.add_parser("mcp", help="serve Lodger's answers to other AI tools (Model Context "
                                   "Protocol over stdio; read-only)")
    p.add_argument("--now", default=None, help="answer as if it were this time (ISO 8601)")
    p.add_argument("--tz", default=None, help="your time zone, e.g. Europe/Berlin")
    p.add_argument("--llm", action="store_true",
                   help="phrase recall answers with Lodger's own model (default: the calling AI "
                        "phrases; Lodger returns facts and quotes)")
    _add_data_dir(p)
    _add_embedder(p)

    for name, text in (("gui", "start the desktop app (or show the running one)"),
                       ("quick-ask", "show or hide the quick-ask box of the running app (bind "
                                     "this to a desktop shortcut); starts the app if needed")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--demo", action="store_true",
                       help="add the bundled demo data to the indexed folders")
        p.add_argument("--tray", action="store_true",
                       help="start in the tray without opening the window (for autostart)")
        p.add_argument("--no-llm", action="store_true", help="answer without the language model")
        # Hidden: the screenshot driver and bench/gui.py (see app/screenshots.py).
        p.add_argument("--ask", action="append", default=[], help=argparse.SUPPRESS)
        p.add_argument("--screenshot", metavar="DIR", default=None, help=argparse.SUPPRESS)
        p.add_argument("--timing", metavar="FILE", default=None, help=argparse.SUPPRESS)
        _add_data_dir(p)
        _add_embedder(p)

    p = sub.add_parser("models", help="list GGUF models on this computer, or download one")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--scan", nargs="+", default=[], metavar="DIR", help="also look in these folders")
    p.add_argument("--download", metavar="NAME", help="download a model from the catalogue")
    _add_data_dir(p)

    p = sub.add_parser("self-test", help="load the model, index the demo data, answer a question")
    _add_embedder(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one ``lodger`` command; returns its exit status."""
    try:
        try:
            return _main(argv)
        finally:
            if sys.stdout is not None:  # None in a windowed app on Windows
                sys.stdout.flush()  # piped output is buffered: a closed pipe must show up here
    except BrokenPipeError:
        return _closed_pipe()


def _main(argv: list[str] | None) -> int:
    set_offline_mode()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--lodger-probe-vectors"]:  # the start-up check's child in a frozen app
        from indexing.integrity import probe_main

        return probe_main(argv[1:])
    if argv[:1] == ["--lodger-build-embedder"]:  # the embedder build's child in a frozen app
        from indexing.embedder_build import main as build_main

        return build_main(argv[1:])
    if argv[:1] == ["--self-test"]:  # the installer's smoke test: `lodger --self-test`
        argv = ["self-test", *argv[1:]]
    args = build_parser().parse_args(argv)
    handler = {
        "index": cmd_index, "status": cmd_status, "watch": cmd_watch, "ask": cmd_ask,
        "gui": cmd_gui, "quick-ask": cmd_gui, "models": cmd_models, "self-test": cmd_self_test,
        "brief": cmd_brief, "mcp": cmd_mcp,
    }[args.command]
    try:
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _closed_pipe() -> int:
    """The reader of our output went away (``lodger ask ... | head``): stop quietly, as a
    Unix tool killed by SIGPIPE does. Python ignores SIGPIPE (sockets and the GUI need that),
    so the write raised instead; stdout now points at /dev/null so that the flush at exit does
    not raise again (the recipe in Python's signal docs)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout: nothing left to flush
        pass
    return 128 + getattr(signal, "SIGPIPE", 13)  # 141, the status of a tool killed by SIGPIPE


def _open(args: argparse.Namespace):  # noqa: ANN202 - returns a Workspace
    from indexing.workspace import Workspace

    return Workspace.open(args.data_dir, getattr(args, "embedder", None))


def _roots(args: argparse.Namespace, ws) -> list[str]:  # noqa: ANN001
    roots = [os.path.abspath(p) for p in args.paths]
    if getattr(args, "demo", False):
        roots.append(str(DEMO_DIR))
    if not roots:
        roots = list(ws.settings.folders)
    return roots


def print_summary(summary, out=sys.stdout) -> None:  # noqa: ANN001
    s = summary
    print(f"Indexed in {s.seconds:.1f} s: {s.files_seen} files seen, {s.files_changed} changed, "
          f"{s.files_unchanged} unchanged, {s.files_removed} removed", file=out)
    print(f"  {s.documents} documents written ({s.messages} messages), {s.events} events, "
          f"{s.tasks} tasks, {s.chunks} chunks ({s.embedded} embedded in "
          f"{s.embed_seconds:.1f} s)", file=out)
    if s.skipped:
        print(f"  {len(s.skipped)} skipped:", file=out)
        for sk in s.skipped[:200]:
            print(f"    {sk.path}: {sk.reason}", file=out)
        if len(s.skipped) > 200:
            print(f"    ... and {len(s.skipped) - 200} more (see lodger.log)", file=out)
    # Left out on purpose, not errors: counted, not listed (thousands of images would flood it).
    not_read = getattr(s, "not_read", None) or {}
    if not_read:
        total = sum(not_read.values())
        kinds = sorted(not_read.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{ext} {n:,}" for ext, n in kinds[:8])
        more = ", …" if len(kinds) > 8 else ""
        noun = "file" if total == 1 else "files"
        print(f"  Not read: {total:,} {noun} of other types ({shown}{more})", file=out)
    left_out = getattr(s, "left_out_messages", None) or {}
    if left_out:
        total = sum(left_out.values())
        why = ", ".join(f"{n:,} {reason}" for reason, n in
                        sorted(left_out.items(), key=lambda kv: (-kv[1], kv[0])))
        noun = "message" if total == 1 else "messages"
        print(f"  Left out: {total:,} {noun} marked spam or deleted ({why})", file=out)
    folders = getattr(s, "left_out_folders", None) or []
    if folders:
        names = ", ".join(os.path.basename(f.rstrip(os.sep)) or f for f in folders[:8])
        more = f" and {len(folders) - 8} more" if len(folders) > 8 else ""
        noun = "folder" if len(folders) == 1 else "folders"
        print(f"  Not read: {len(folders)} junk mail {noun} ({names}{more})", file=out)
    if s.files_seen and not s.files_changed and not s.files_removed:
        print("  nothing changed", file=out)


def cmd_index(args: argparse.Namespace) -> int:
    ws = _open(args)
    roots = _roots(args, ws)
    if not roots:
        print("Nothing to index: give one or more folders, e.g. `lodger index ~/Mail ~/Notes`.",
              file=sys.stderr)
        return 2
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=0, unit="file", file=sys.stderr, leave=False)

    def progress(done: int, total: int, path: str) -> None:
        if bar is not None:
            bar.total = total
            bar.n = done
            bar.set_postfix_str(os.path.basename(path)[-30:], refresh=False)
            bar.refresh()

    try:
        summary = ws.indexer().index(roots, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    ws.remember(roots)
    print_summary(summary)
    ws.close()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    import sqlite3

    from indexing.paths import ensure_data_dir, resolve_data_dir
    from indexing.settings import Settings
    from indexing.store import Store

    root = ensure_data_dir(resolve_data_dir(args.data_dir))
    try:
        store = Store(root / "lodger.db")
    except sqlite3.DatabaseError as exc:
        print(f"lodger status: {root / 'lodger.db'} cannot be read ({exc}). The next "
              "`lodger index` or `lodger gui` sets it aside and starts a fresh index; your own "
              "files are not touched.", file=sys.stderr)
        return 1
    settings = Settings.load(root)
    c = store.counts()
    print(f"Data dir: {root}")
    print(f"Folders: {', '.join(settings.folders) or '(none)'}")
    addresses = ", ".join(settings.user_addresses)
    label = "Your address" if len(settings.user_addresses) == 1 else "Your addresses"
    how = str(settings.extras.get("addresses_how") or "")
    if not addresses:
        print(f"{label}: (unknown: no mail shows it yet; set it in Settings)")
    elif settings.addresses_guessed:
        print(f"{label}: {addresses} (guessed from {how or 'your mail'}; you can correct it in "
              "Settings)")
    else:
        print(f"{label}: {addresses} (set by you)")
    print(f"Files: {c['files']} ({c['files_with_errors']} with errors)")
    kinds = ", ".join(f"{c.get('documents_' + k, 0)} {k}" for k in
                      ("email", "note", "calendar", "todo"))
    print(f"Documents: {c['documents']} ({kinds})")
    print(f"Events: {c['events']}  Tasks: {c['tasks']}  Chunks: {c['chunks']}  "
          f"People: {store.people.count()}")
    last = store.query("SELECT max(indexed_at) FROM files")[0][0]
    print(f"Last indexed: {last or 'never'} (UTC)")
    for r in store.query("SELECT path, error FROM files WHERE error IS NOT NULL AND error != ''"
                         " ORDER BY path LIMIT 50"):
        print(f"  error: {r['path']}: {r['error']}")
    store.close()
    return 0


def cmd_watch(args: argparse.Namespace) -> int:
    from indexing.watcher import FolderWatcher

    ws = _open(args)
    roots = _roots(args, ws)
    if not roots:
        print("Nothing to watch: give one or more folders.", file=sys.stderr)
        return 2
    indexer = ws.indexer()
    print_summary(indexer.index(roots))  # reconciliation scan at start
    ws.remember(roots)

    def on_batch(paths: set[str]) -> None:
        s = indexer.index_paths(sorted(paths))
        print(f"[{time.strftime('%H:%M:%S')}] {len(paths)} changed: {s.documents} documents, "
              f"{s.files_removed} removed, {len(s.skipped)} skipped", flush=True)
        for sk in s.skipped:
            print(f"    {sk.path}: {sk.reason}", flush=True)

    watcher = FolderWatcher(roots, on_batch, rescan=lambda: print_summary(indexer.index(roots)))
    watcher.start()
    print(f"Watching {', '.join(roots)} (Ctrl+C to stop)", flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        ws.close()
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from lodger.ask_cli import run_ask

    return run_ask(args)


def cmd_brief(args: argparse.Namespace) -> int:
    """``lodger brief``: events, due tasks, promises and waiting mail, computed from the stores.

    Reads only ``lodger.db`` and the settings (no embedder, no vector index, no model), so it is
    instant; zone and clock as for ``lodger ask``.
    """
    import json
    import sqlite3

    from engine.agenda import Agenda
    from engine.brief import MAX_DAYS, build_brief, render_brief
    from engine.session import parse_now, resolve_zone
    from indexing.paths import resolve_data_dir
    from indexing.settings import Settings
    from indexing.store import Store

    root = resolve_data_dir(args.data_dir)
    if not (root / "lodger.db").is_file():
        print(f"lodger brief: nothing is indexed in {root}: run `lodger index FOLDER` (or "
              "`lodger index --demo`) first.", file=sys.stderr)
        return 2
    if not 1 <= args.days <= MAX_DAYS:
        print(f"lodger brief: --days must be 1 to {MAX_DAYS}", file=sys.stderr)
        return 2
    settings = Settings.load(root)
    try:
        zone = resolve_zone(args.tz or settings.timezone or None)
    except ValueError as exc:
        print(f"lodger brief: {exc}", file=sys.stderr)
        return 2
    try:
        now = parse_now(args.now, zone)
    except ValueError:
        print(f"lodger brief: --now {args.now!r} is not an ISO 8601 time", file=sys.stderr)
        return 2
    try:
        store = Store(root / "lodger.db")
    except sqlite3.DatabaseError as exc:
        print(f"lodger brief: {root / 'lodger.db'} cannot be read ({exc}).", file=sys.stderr)
        return 1
    try:
        brief = build_brief(Agenda(store, zone, settings.user_addresses), store, now, args.days)
    finally:
        store.close()
    if args.json:
        print(json.dumps(brief.to_json(), ensure_ascii=False))
        return 0
    from lodger.ask_cli import source_line

    print(render_brief(brief))
    sources = [e.source for e in brief.entries()]
    if sources:
        print("\nSources:")
        for i, source in enumerate(sources, 1):
            print(f"  [{i}] {source_line(source)}")
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    from lodger.mcp_server import run_mcp

    return run_mcp(args)


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from app.main import run_app
    except ImportError as exc:
        print(f"The desktop app is not available: {exc}", file=sys.stderr)
        return 2
    return run_app(args)


def cmd_models(args: argparse.Namespace) -> int:
    from lodger.models_cli import run_models_command

    return run_models_command(args)


def cmd_self_test(args: argparse.Namespace) -> int:
    """Load the model, index the demo data into a temporary dir, answer a schedule question.

    The installer's smoke test (``lodger --self-test``): it exercises every bundled part (parsers,
    embedder, vector store, llama.cpp, the default model) and fails loudly, with exit status 1,
    when one is missing or the answer is wrong.
    """
    import tempfile
    import traceback
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 25, 9, 0, tzinfo=zone)  # the demo data's reference time
    question = "What's on my schedule tomorrow?"
    t0 = time.monotonic()
    try:
        from engine.answer import Answer
        from engine.session import make_answerer
        from indexing.workspace import Workspace

        with tempfile.TemporaryDirectory(prefix="lodger-self-test-") as tmp:
            ws = Workspace.open(tmp, args.embedder)
            try:
                summary = ws.indexer().index([str(DEMO_DIR)])
                print(f"indexed {summary.files_seen} demo files: {summary.events} events, "
                      f"{summary.tasks} tasks, {summary.chunks} chunks "
                      f"(embedder {ws.embedder.name}, {getattr(ws.embedder, 'backend', '-')})")
                answerer, warning = make_answerer(ws, zone, use_llm=True)
                if warning or answerer.llm is None:
                    print(f"self-test: FAILED: {warning}", file=sys.stderr)
                    return 1
                reply = "".join(answerer.llm.stream([{"role": "user", "content": "Say hello."}],
                                                    max_tokens=8))
                print(f"model {answerer.llm.name} loaded (GPU layers: "
                      f"{getattr(answerer.llm, 'gpu_layers', '?')}); it says: {reply.strip()!r}")
                final = None
                for event in answerer.ask(question, now):
                    if isinstance(event, Answer):
                        final = event
                text = final.text if final is not None else ""
                print(f"Q: {question} (as of {now:%a %Y-%m-%d %H:%M %Z})\nA: {text}")
                answerer.llm.close()
            finally:
                ws.close()
    except Exception as exc:  # a missing library or data file in a bundle shows up here
        traceback.print_exc()
        print(f"self-test: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    # The demo calendar has a dentist appointment tomorrow at 14:30 (assets/demo_FACTS.md).
    if not summary.events or "Dentist" not in text or "14:30" not in text:
        print("self-test: FAILED: the demo schedule answer is wrong (expected the dentist "
              "appointment at 14:30)", file=sys.stderr)
        return 1
    print(f"self-test: ok ({time.monotonic() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
