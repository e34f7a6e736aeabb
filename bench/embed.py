"""Embedding backends compared: speed (chunks/s) and quality (cosine to torch, demo recall).

Usage: python bench/embed.py [--quick] [--texts N] [--batch-sizes 8,16,32] [--repeat R]
                             [--openvino-python PATH] [--json OUT]

Backends: sentence-transformers on torch (the reference); the ONNX files ``OnnxEmbedder`` makes
(fp32 with BERT fusions = ``minilm-fp32``; int8 = the default ``minilm``); for comparison the
plain export without fusions and two other int8 recipes (every MatMul quantised per channel, and
per-tensor scales); OpenVINO on the fp32 file when an interpreter with ``openvino`` is given
(a separate throwaway venv: it is not one of Lodger's dependencies).

Texts are real chunk texts from the Enron mail (~180 tokens on average), embedded the way the
indexer does it. Speed is the best of ``--repeat`` timed runs (a busy machine makes single runs
noisy); the CPU seconds per chunk are shown too. Quality: min/mean cosine of each backend's
vectors to torch's on the same texts, and recall on the demo questions of
tests/engine/test_demo_questions.py (right document in the top five) with the demo data indexed by
that backend. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DEMO, RESULTS, ROOT, emit, enron_chunk_texts, machine  # noqa: E402

from indexing import embedder as emb  # noqa: E402
from indexing import embedder_build as build  # noqa: E402


class FileEmbedder:
    """An embedder over any ONNX file (the bench's extra recipes), run like ``OnnxEmbedder``."""

    dim = 384

    def __init__(self, path: Path, name: str, batch_size: int = 16) -> None:
        self.name = name
        self.path = path
        self.batch_size = batch_size
        self._session = emb._session(path, threads=min(4, os.cpu_count() or 1))
        self._tok = emb._tokenizer(None)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return emb._embed(self._session, self._tok, texts, self.batch_size)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def make_files(cache: Path) -> dict[str, Path]:
    """The ONNX files of every recipe (made once into ``cache`` and reused)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    cache.mkdir(parents=True, exist_ok=True)
    files = {"onnx-fp32-plain": cache / "plain.onnx", "onnx-fp32-fused": cache / "fused.onnx",
             "onnx-int8 (default)": cache / "int8.onnx",
             "onnx-int8-all-matmuls": cache / "int8-all.onnx",
             "onnx-int8-per-tensor": cache / "int8-tensor.onnx"}
    if all(p.exists() for p in files.values()):
        return files
    build.export_onnx(files["onnx-fp32-plain"])
    build.fuse_bert(files["onnx-fp32-plain"], files["onnx-fp32-fused"])
    build.quantize_int8(files["onnx-fp32-fused"], files["onnx-int8 (default)"])
    extra = {"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT}
    quantize_dynamic(str(files["onnx-fp32-fused"]), str(files["onnx-int8-all-matmuls"]),
                     weight_type=QuantType.QInt8, per_channel=True, extra_options=extra)
    quantize_dynamic(str(files["onnx-fp32-fused"]), str(files["onnx-int8-per-tensor"]),
                     weight_type=QuantType.QInt8, per_channel=False, extra_options=extra)
    return files


def speed(embedder: object, texts: list[str], repeat: int) -> dict[str, float]:
    """Best-of-``repeat`` chunks/s and CPU ms per chunk, after one warm-up batch."""
    embedder.embed_documents(texts[:8])  # type: ignore[attr-defined]
    best_wall, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        embedder.embed_documents(texts)  # type: ignore[attr-defined]
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return {"chunks_per_s": round(len(texts) / best_wall, 1),
            "cpu_ms_per_chunk": round(1000 * best_cpu / len(texts), 1)}


def demo_recall(embedder: object) -> tuple[int, int]:
    """(hits, questions): demo recall questions whose right document is in the top five."""
    from engine.session import make_answerer
    from indexing.workspace import Workspace
    from tests.engine.test_demo_questions import NOW, RECALL, ZONE

    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-recall-"))
    try:
        data = tmp / "demo"
        shutil.copytree(DEMO, data)
        ws = Workspace.open(tmp / "lodger-data", embedder=embedder, check=False)  # type: ignore[arg-type]
        ws.indexer().index([str(data)])
        ws.remember([str(data)])
        answerer, _ = make_answerer(ws, ZONE, use_llm=False)
        hits = 0
        for question, expected in RECALL:
            a = answerer.answer(question, NOW, use_llm=False)
            cited = [s.locator for s in a.sources] + [os.path.basename(s.path) for s in a.sources]
            hits += expected in cited
        ws.close()
        return hits, len(RECALL)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def openvino_rows(python: str, fp32_file: Path, texts: list[str], ref: np.ndarray,
                  batch: int, repeat: int) -> list[dict]:
    """OpenVINO figures from ``bench/embed_openvino.py`` run in another interpreter."""
    tmp = Path(tempfile.mkdtemp(prefix="lodger-bench-ov-"))
    try:
        (tmp / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
        cmd = [python, str(ROOT / "bench" / "embed_openvino.py"), str(fp32_file),
               emb.bundled_model_path(), str(tmp / "texts.json"), str(tmp), str(batch), str(repeat)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            return [{"backend": "openvino", "error": done.stderr.strip().splitlines()[-1:]}]
        rows = json.loads((tmp / "result.json").read_text())
        for row in rows:
            vecs = np.load(tmp / row.pop("vectors"))
            cos = np.sum(vecs * ref, axis=1)
            row.update(cos_min=round(float(cos.min()), 4), cos_mean=round(float(cos.mean()), 4),
                       recall="n/a")
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="96 texts, batch 16 only, one run")
    ap.add_argument("--texts", type=int, default=192)
    ap.add_argument("--batch-sizes", default="8,16,32")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-recall", action="store_true")
    ap.add_argument("--openvino-python", default=None, metavar="PATH",
                    help="a python with openvino, numpy and tokenizers (e.g. a /tmp venv)")
    ap.add_argument("--cache", default=str(RESULTS / "embed-cache"))
    ap.add_argument("--json", default=None, metavar="OUT")
    args = ap.parse_args()
    if args.quick:
        args.texts, args.batch_sizes, args.repeat = 96, "16", 1
    sizes = [int(x) for x in args.batch_sizes.split(",")]
    texts = enron_chunk_texts(args.texts)
    files = make_files(Path(args.cache))
    rows: list[dict] = []
    torch_emb = emb.SentenceTransformerEmbedder()
    ref = torch_emb.embed_documents(texts)
    for bs in sizes:
        torch_emb._batch_size = bs
        rows.append({"backend": "torch (sentence-transformers)", "batch": bs,
                     **speed(torch_emb, texts, args.repeat), "cos_min": 1.0, "cos_mean": 1.0})
    if not args.no_recall:
        rows[0]["recall"] = "{}/{}".format(*demo_recall(torch_emb))
    for label, path in files.items():
        # every batch size for the default; the other recipes at the default's batch size only
        for n, bs in enumerate(sizes if "default" in label else [16 if 16 in sizes else sizes[0]]):
            e = FileEmbedder(path, label, bs)
            cos = np.sum(e.embed_documents(texts) * ref, axis=1)
            row = {"backend": label, "batch": bs, **speed(e, texts, args.repeat),
                   "cos_min": round(float(cos.min()), 4), "cos_mean": round(float(cos.mean()), 4)}
            if n == 0 and not args.no_recall:
                row["recall"] = "{}/{}".format(*demo_recall(e))
            rows.append(row)
    if args.openvino_python:
        for bs in [16 if 16 in sizes else sizes[0]]:
            rows += openvino_rows(args.openvino_python, files["onnx-fp32-plain"], texts, ref, bs,
                                  args.repeat)
    base = max(r["chunks_per_s"] for r in rows if r["backend"].startswith("torch"))
    for r in rows:
        if "chunks_per_s" in r:
            r["x_torch"] = round(r["chunks_per_s"] / base, 2)
    print(f"{'backend':<30} {'batch':>5} {'chunks/s':>9} {'cpu ms':>7} {'x torch':>7} "
          f"{'cos min':>8} {'cos mean':>8} {'recall':>7}")
    for r in rows:
        if "error" in r:
            print(f"{r['backend']:<30} error: {r['error']}")
            continue
        print(f"{r['backend']:<30} {r['batch']:>5} {r['chunks_per_s']:>9} "
              f"{r['cpu_ms_per_chunk']:>7} {r['x_torch']:>7} {r['cos_min']:>8} "
              f"{r['cos_mean']:>8} {r.get('recall', ''):>7}")
    result = {"part": "embed", "machine": machine(), "texts": len(texts),
              "threads": min(4, os.cpu_count() or 1), "rows": rows}
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    else:
        emit({"load_1min_after": machine()["load_1min"]}, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
