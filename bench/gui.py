"""Desktop app responsiveness: time to first paint, quick-ask popup latency, GUI stalls.

Usage: python bench/gui.py [--embedder minilm|hash] [--runs N] [--json OUT] [--xvfb]

1. Time to first paint: ``lodger gui --demo`` is started as a process (N runs); the app writes the
   wall-clock time of its window's first paint (hidden ``--timing`` option). Goal: <= 1.5 s.
2. GUI-thread stall while indexing the demo data: in a fresh process, the app is started on a
   fresh data dir with the demo folder; a 10 ms QTimer heartbeat measures the longest gap while
   the indexing lane opens the workspace (chromadb, the embedder) and indexes. Goal: <= 100 ms.
   Measured twice: with the embedder already prepared (every start but the first), and on the
   very first start, when the real embedder is exported to ONNX once (torch is imported then).
3. Quick-ask latency with the app running: from the toggle (what the hotkey or `lodger quick-ask`
   triggers) to the popup's first paint, N times. Goal: <= 150 ms.

Runs offscreen, or under Xvfb with ``--xvfb``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

HEARTBEAT_MS = 10


def first_paint_times(runs: int, embedder: str, tmp: Path) -> list[float]:
    """Seconds from process start (Popen) to the window's first paint, per run."""
    out = []
    data = tmp / "paint-data"
    for i in range(runs):
        timing = tmp / f"timing-{i}.json"
        args = [sys.executable, "-m", "lodger.cli", "gui", "--demo", "--data-dir", str(data),
                "--embedder", embedder, "--timing", str(timing)]
        t0 = time.time()
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            deadline = time.time() + 60
            while not timing.exists() and time.time() < deadline and proc.poll() is None:
                time.sleep(0.01)
            time.sleep(0.05)  # let the file be complete
            if timing.exists():
                out.append(json.loads(timing.read_text())["first_paint"] - t0)
        finally:
            proc.terminate()  # SIGTERM: the app quits cleanly
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
    return out


def baseline_stall(seconds: float = 3.0) -> float:
    """The longest heartbeat gap (ms) while another thread only runs plain Python: what the GIL
    and this machine's load cost anyway, for reading the figures below."""
    from PySide6.QtCore import QCoreApplication, QTimer

    app = QCoreApplication.instance() or QCoreApplication([])
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000 - HEARTBEAT_MS)
        last[0] = now

    def busy() -> None:
        end = time.perf_counter() + seconds
        x = 0
        while time.perf_counter() < end:
            x += 1

    timer = QTimer()
    timer.setInterval(HEARTBEAT_MS)
    timer.timeout.connect(beat)
    timer.start()
    worker = threading.Thread(target=busy)
    worker.start()
    while worker.is_alive():
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return round(max(gaps), 1) if gaps else 0.0


def phase(embedder: str, runs: int, data: Path) -> dict:
    """Run ``in_process`` in a fresh interpreter (nothing imported yet, as at a real start)."""
    out = data.parent / f"{data.name}.json"
    code = ("import sys, json; sys.path.insert(0, sys.argv[1] + '/bench'); import gui as g; "
            "r = g.in_process(sys.argv[2], int(sys.argv[3]), g.Path(sys.argv[4])); "
            "g.Path(sys.argv[5]).write_text(json.dumps(r))")
    subprocess.run([sys.executable, "-c", code, str(ROOT), embedder, str(runs), str(data),
                    str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=900, check=True)
    return json.loads(out.read_text())


def in_process(embedder: str, runs: int, data: Path) -> dict:
    """Start the app here on ``data`` (with the demo folder); measure GUI stalls while it opens
    the workspace and indexes, then the quick-ask popup's latency."""
    from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from app.backend import Backend
    from app.shell import LodgerApp
    from engine.demo import DEMO_DIR
    from indexing.settings import Settings

    qapp = QApplication.instance() or QApplication([])
    data.mkdir(parents=True, exist_ok=True)
    Settings(folders=[str(DEMO_DIR)]).save(data)
    backend = Backend(data, embedder=embedder, watch=False, use_llm=False)
    lodger = LodgerApp(qapp, backend, open_file=lambda path, line=0: None, use_tray=False,
                       use_hotkey=False)
    clock = QElapsedTimer()
    clock.start()
    gaps: list[float] = []  # while the workspace opens (imports, chromadb, the embedder)
    indexing_gaps: list[float] = []  # after it is open: indexing the demo folder
    last = [clock.nsecsElapsed()]

    def beat() -> None:
        now = clock.nsecsElapsed()
        (indexing_gaps if backend.ws is not None else gaps).append(
            (now - last[0]) / 1e6 - HEARTBEAT_MS)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(beat)
    t0 = time.perf_counter()
    lodger.start()
    heartbeat.start()
    # Wait until the workspace is open and the first indexing run is over.
    seen_busy = [False]
    backend.index_busy.connect(lambda busy: seen_busy.__setitem__(0, seen_busy[0] or busy))
    deadline = time.perf_counter() + 600
    while time.perf_counter() < deadline:
        qapp.processEvents()
        if backend.open_error or (backend.ws is not None and seen_busy[0]
                                  and not backend.indexing):
            break
        time.sleep(0.001)
    index_s = time.perf_counter() - t0
    heartbeat.stop()
    counts = backend.ws.store.counts() if backend.ws is not None else {}

    class PaintClock(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.at: float | None = None

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and self.at is None:
                self.at = time.perf_counter()
            return False

    latencies = []
    popup = lodger.popup
    watcher = PaintClock()
    popup.installEventFilter(watcher)
    for _ in range(runs):
        popup.hide()
        for _ in range(5):
            qapp.processEvents()
        watcher.at = None
        start = time.perf_counter()
        lodger.toggle_quick_ask()
        while watcher.at is None and time.perf_counter() - start < 5:
            qapp.processEvents()  # returns once the paint that began has been flushed
        if watcher.at is not None:
            latencies.append((time.perf_counter() - start) * 1000)
    lodger.shutdown()
    everything = sorted(gaps + indexing_gaps)
    return {
        "index_seconds": round(index_s, 2), "open_error": backend.open_error,
        "chunks": counts.get("chunks"), "heartbeats": len(everything),
        "stall_max_ms": _max(everything), "stall_p99_ms": _p99(everything),
        "stall_opening_max_ms": _max(gaps), "stall_indexing_max_ms": _max(indexing_gaps),
        "stall_indexing_p99_ms": _p99(indexing_gaps),
        "quick_ask_ms": [round(x, 1) for x in latencies],
    }


def _max(values: list[float]) -> float | None:
    return round(max(values), 1) if values else None


def _p99(values: list[float]) -> float | None:
    return round(sorted(values)[max(int(len(values) * 0.99) - 1, 0)], 1) if values else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embedder", default="minilm", choices=["minilm", "hash"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", default=None, metavar="OUT")
    ap.add_argument("--xvfb", action="store_true",
                    help="run under xvfb-run (a real X server) instead of offscreen")
    args = ap.parse_args()
    if args.xvfb and not os.environ.get("LODGER_BENCH_XVFB"):
        argv = [a for a in sys.argv[1:] if a != "--xvfb"]
        env = dict(os.environ, LODGER_BENCH_XVFB="1")
        env.pop("QT_QPA_PLATFORM", None)
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", sys.executable,
                                __file__, *argv], env=env)
    if not os.environ.get("LODGER_BENCH_XVFB"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-gui-"))
    try:
        code = ("import sys; sys.path.insert(0, sys.argv[1] + '/bench'); import gui; "
                "print(gui.baseline_stall())")
        baseline = float(subprocess.run([sys.executable, "-c", code, str(ROOT)], cwd=ROOT,
                                        capture_output=True, text=True, check=True,
                                        timeout=120).stdout.strip().splitlines()[-1])
        paints = first_paint_times(args.runs, args.embedder, tmp)
        # First start on a fresh data dir: for "minilm" this includes the one-time ONNX export.
        cold = phase(args.embedder, max(args.runs * 2, 10), tmp / "cold")
        # Indexing a fresh data dir with the embedder already prepared (every later start).
        warm_dir = tmp / "warm"
        warm_dir.mkdir()
        if (tmp / "cold" / "embedder").is_dir():
            shutil.copytree(tmp / "cold" / "embedder", warm_dir / "embedder")
        res = phase(args.embedder, max(args.runs * 2, 10), warm_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["baseline_stall_max_ms"] = baseline
    res["first_start"] = {k: cold[k] for k in ("index_seconds", "stall_max_ms", "stall_p99_ms",
                                                "stall_indexing_max_ms")}
    res.update({
        "embedder": args.embedder, "platform": os.environ.get("QT_QPA_PLATFORM", "xcb (Xvfb)"),
        "cpus": os.cpu_count(),
        "first_paint_s": [round(x, 3) for x in paints],
        "first_paint_median_s": round(statistics.median(paints), 3) if paints else None,
        "quick_ask_median_ms": (round(statistics.median(res["quick_ask_ms"]), 1)
                                if res["quick_ask_ms"] else None),
        "quick_ask_max_ms": max(res["quick_ask_ms"]) if res["quick_ask_ms"] else None,
    })
    print(f"platform {res['platform']}, {res['cpus']} CPUs, embedder {args.embedder}")
    print(f"time to first paint: median {res['first_paint_median_s']} s "
          f"(runs: {res['first_paint_s']}; goal <= 1.5 s)")
    print(f"GUI stall while opening the workspace and indexing the demo data "
          f"({res['index_seconds']} s, {res['chunks']} chunks; goal <= 100 ms):")
    print(f"  indexing: max {res['stall_indexing_max_ms']} ms, p99 "
          f"{res['stall_indexing_p99_ms']} ms; opening (chromadb, the embedder): max "
          f"{res['stall_opening_max_ms']} ms; overall p99 {res['stall_p99_ms']} ms")
    print(f"  for comparison, a thread running plain Python: max {baseline} ms (GIL hand-over "
          f"and this machine's load)")
    first = res["first_start"]
    print(f"  the very first start ({first['index_seconds']} s, with the one-time embedder "
          f"preparation): max {first['stall_max_ms']} ms (indexing: "
          f"{first['stall_indexing_max_ms']} ms), p99 {first['stall_p99_ms']} ms")
    print(f"quick-ask popup latency: median {res['quick_ask_median_ms']} ms, "
          f"max {res['quick_ask_max_ms']} ms (goal <= 150 ms)")
    if res["open_error"]:
        print(f"note: the workspace did not open: {res['open_error']}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
