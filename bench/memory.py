"""Resident memory (RSS) of the core: idle (workspace open, embedder loaded) and with the model.

Usage: python bench/memory.py [--embedder minilm] [--json OUT]

Run in a fresh process (bench/run.py does): the demo data is indexed into a temp data dir by a
child process first, so that this process only opens the workspace, embeds a question (the
embedder loaded, as after the first question) and answers it; then loads the default model and
answers with it. Readings: after the imports, idle, with the model loaded, and the peak.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEMO, ROOT, emit, machine, peak_rss_mb, rss_mb, seed_data_dir  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-mem-"))
    try:
        seed_data_dir(tmp / "data", args.embedder)
        shutil.copytree(DEMO, tmp / "demo")
        code = ("import sys; from indexing.workspace import Workspace; "
                "ws = Workspace.open(sys.argv[1], embedder=sys.argv[3], check=False); "
                "ws.indexer().index([sys.argv[2]]); ws.remember([sys.argv[2]]); ws.close()")
        subprocess.run([sys.executable, "-c", code, str(tmp / "data"), str(tmp / "demo"),
                        args.embedder], check=True, cwd=ROOT)
        base = rss_mb()
        from engine.session import make_answerer
        from indexing.workspace import Workspace
        from tests.engine.test_demo_questions import NOW, ZONE

        imported = rss_mb()
        ws = Workspace.open(tmp / "data", embedder=args.embedder)
        answerer, warning = make_answerer(ws, ZONE, use_llm=True)
        answerer.answer("What did Tom say about the contract?", NOW, use_llm=False)
        idle = rss_mb()
        res = {"part": "memory", "machine": machine(), "embedder": args.embedder,
               "backend": getattr(ws.embedder, "backend", ""), "python_mb": round(base),
               "after_imports_mb": round(imported), "idle_mb": round(idle)}
        if answerer.llm is not None:
            answerer.min_params = 0
            answerer.answer("What did Tom say about the contract?", NOW)
            res["with_model_mb"] = round(rss_mb())
            res["model_adds_mb"] = round(res["with_model_mb"] - idle)
            answerer.llm.close()
        else:
            res["with_model_mb"] = None
            res["model_error"] = warning
        res["peak_mb"] = round(peak_rss_mb())
        ws.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    emit(res, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
