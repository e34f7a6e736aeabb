"""OpenVINO on the exported all-MiniLM-L6-v2 file, for bench/embed.py (run in another interpreter).

Usage: python bench/embed_openvino.py MODEL.onnx TOKENIZER_DIR TEXTS.json OUT_DIR BATCH REPEAT
Needs only numpy, tokenizers and openvino (a throwaway venv: OpenVINO is not one of Lodger's
dependencies). Runs the same length-sorted batching and mean pooling as ``OnnxEmbedder``, in fp32
and with OpenVINO's default precision (bf16 on CPUs with AMX), and writes result.json plus one
.npy of vectors per row into OUT_DIR.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np


def embed(request, tok, texts: list[str], batch: int) -> np.ndarray:  # noqa: ANN001
    encs = tok.encode_batch(texts)
    order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
    out = np.zeros((len(texts), 384), np.float32)
    for s in range(0, len(order), batch):
        part = order[s : s + batch]
        width = max(len(encs[i].ids) for i in part)
        ids = np.zeros((len(part), width), np.int64)
        mask = np.zeros_like(ids)
        for row, i in enumerate(part):
            n = len(encs[i].ids)
            ids[row, :n] = encs[i].ids
            mask[row, :n] = 1
        hidden = request.infer({"input_ids": ids, "attention_mask": mask,
                                "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        out[part] = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
    return out


def main() -> int:
    model, tok_dir, texts_file, out_dir, batch, repeat = sys.argv[1:7]
    import openvino as ov
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(tok_dir) / "tokenizer.json"))
    tok.enable_truncation(max_length=256)
    tok.no_padding()
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    core = ov.Core()
    rows = []
    for precision in ("f32", "auto"):
        cfg = {"INFERENCE_NUM_THREADS": min(4, os.cpu_count() or 1), "PERFORMANCE_HINT": "LATENCY"}
        if precision == "f32":
            cfg["INFERENCE_PRECISION_HINT"] = "f32"
        compiled = core.compile_model(model, "CPU", cfg)
        used = str(compiled.get_property("INFERENCE_PRECISION_HINT")).split("'")[-2:-1]
        request = compiled.create_infer_request()
        embed(request, tok, texts[:8], int(batch))
        best_wall, best_cpu, vecs = float("inf"), float("inf"), None
        for _ in range(int(repeat)):
            c0, t0 = time.process_time(), time.perf_counter()
            vecs = embed(request, tok, texts, int(batch))
            best_wall = min(best_wall, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        name = f"openvino-{precision}"
        np.save(Path(out_dir) / f"{name}-{batch}.npy", vecs)
        rows.append({"backend": f"{name} ({used[0] if used else '?'})", "batch": int(batch),
                     "chunks_per_s": round(len(texts) / best_wall, 1),
                     "cpu_ms_per_chunk": round(1000 * best_cpu / len(texts), 1),
                     "vectors": f"{name}-{batch}.npy", "openvino": ov.__version__})
    (Path(out_dir) / "result.json").write_text(json.dumps(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
