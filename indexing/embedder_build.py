"""Making the embedder's ONNX files from the bundled all-MiniLM-L6-v2 weights (once, offline).

Export (torch's TorchScript exporter), onnxruntime's BERT fusions saved in the graph, and for the
default variant dynamic int8 quantisation with one scale per output channel. The feed-forward
output projections stay fp32: quantising them too lowered the worst cosine to sentence-transformers
on Enron chunks from ~0.985 to 0.96-0.98 (mean 0.991 against 0.996). Per-tensor scales fell to
cosine 0.83 on some mail (bench/embed.py measures all of these recipes). A made file is checked against
sentence-transformers before it replaces the cached one, and gets a manifest (size, sha256).
Needs torch, transformers and (for fusions and int8) the ``onnx`` package; run time needs none of
them. Kept apart from ``indexing.embedder`` so that the run-time module stays small.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np

from indexing import embedder as emb
from indexing.embedder import CHECK_TEXTS

log = logging.getLogger("lodger.embedder")


def _has_onnx() -> bool:
    return importlib.util.find_spec("onnx") is not None


def build_model(cache_dir: str | os.PathLike[str], variant: str,
                model_path: str | None = None) -> Path:
    """Make ``variant``'s ONNX file from the bundled weights (once; needs torch), check it against
    sentence-transformers and cache it with a manifest (size, sha256, cosine).

    fp32: the exported graph with onnxruntime's BERT fusions (attention, layer norm, GELU) saved in
    it. int8: the same, then dynamic int8 quantisation with one scale per output channel; the
    feed-forward output projections stay fp32 (quantising them costs the most accuracy).

    Raises:
        RuntimeError: when the made file disagrees with sentence-transformers.
    """
    target = emb.model_file(cache_dir, variant)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=target.parent))
    try:
        made = export_onnx(work / "export.onnx", model_path)
        if _has_onnx():
            made = fuse_bert(made, work / "fused.onnx", model_path)
        if variant == "int8":
            made = quantize_int8(made, work / "int8.onnx")
        session = emb._session(made, threads=min(4, os.cpu_count() or 1))
        reference = emb.SentenceTransformerEmbedder(model_path).embed_documents(CHECK_TEXTS)
        got = emb._embed(session, emb._tokenizer(model_path), CHECK_TEXTS, 16)
        worst = float(np.min(np.sum(reference * got, axis=1)))
        if worst < emb.MIN_COSINE[variant]:
            raise RuntimeError(f"the {variant} model disagrees with sentence-transformers "
                               f"(cosine {worst:.4f})")
        info = {"variant": variant, "format": emb.FORMAT, "size": made.stat().st_size,
                "sha256": emb.sha256_file(made), "check_cosine": round(worst, 5),
                "onnxruntime": emb.ort_version()}
        target.with_suffix(".json").write_text(json.dumps(info, indent=2), encoding="utf-8")
        os.replace(made, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in target.parent.glob("minilm-l6-v2-*"):
        if old.is_file() and not old.stem.endswith(f"-{emb.FORMAT}"):  # an older recipe's file
            old.unlink(missing_ok=True)
    log.info("made %s (cosine to torch >= %.4f)", target, worst)
    return target


def export_onnx(target: Path, model_path: str | None = None) -> Path:
    """Export the bundled all-MiniLM-L6-v2 transformer to ONNX (fp32) at ``target``.

    Needs torch and transformers (once). The graph outputs the last hidden state; pooling and
    normalisation happen in numpy. Written to a temporary name and renamed, so a crash never
    leaves a half-written model behind.
    """
    emb.set_offline_mode()
    import torch
    from transformers import AutoModel

    path = model_path or emb.bundled_model_path()
    # Eager attention exports as plain MatMul/Softmax, which onnxruntime fuses; the SDPA export
    # measured 1.4x slower.
    model = AutoModel.from_pretrained(path, local_files_only=True,
                                      attn_implementation="eager").eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN202
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    dummy = tuple(torch.ones(2, 16, dtype=torch.long) for _ in names)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with torch.no_grad(), _without_onnx_package(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shapes: fixed here by design
            torch.onnx.export(_Hidden(model), dummy, str(tmp), input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes,
                              opset_version=17, dynamo=False)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def fuse_bert(source: Path, target: Path, model_path: str | None = None) -> Path:
    """Save the graph with onnxruntime's BERT fusions (needs the ``onnx`` package). Quantising the
    fused graph turns each attention block into one QAttention op."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((Path(model_path or emb.bundled_model_path()) / "config.json").read_text())
    logging.getLogger("onnxruntime.transformers").setLevel(logging.ERROR)
    fused = optimize_model(str(source), model_type="bert", opt_level=0,
                           num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"])
    fused.save_model_to_file(str(target))
    return target


def quantize_int8(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation, per output channel, feed-forward output projections left fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = [n.name for n in onnx.load(str(source), load_external_data=False).graph.node
            if re.search(r"layer\.\d+/output/dense/MatMul$", n.name)]
    root = logging.getLogger()
    saved = root.level
    root.setLevel(max(saved, logging.ERROR))  # the quantiser logs advice on the root logger
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_exclude=keep,
                         extra_options={"MatMulConstBOnly": True,
                                        "DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.setLevel(saved)
    return target


class _without_onnx_package:  # noqa: N801 - used as a context manager
    """Let torch's TorchScript exporter run without the ``onnx`` package (fp32 only).

    The exporter serialises the graph itself; it imports ``onnx`` only to splice in custom
    onnxscript functions, which this model has none of. When ``onnx`` is missing that step is
    replaced by the identity for the duration of the export.
    """

    def __enter__(self) -> None:
        self._saved = None
        if not _has_onnx():
            from torch.onnx._internal.torchscript_exporter import onnx_proto_utils as opu

            self._saved = (opu, opu._add_onnxscript_fn)
            opu._add_onnxscript_fn = _keep_model_bytes

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            opu, fn = self._saved
            opu._add_onnxscript_fn = fn


def _keep_model_bytes(model_bytes: bytes, custom_opsets: object) -> bytes:
    return model_bytes


def main(argv: list[str] | None = None) -> int:
    """``python -m indexing.embedder_build CACHE_DIR VARIANT [MODEL_PATH]``: the child process
    that ``indexing.embedder.build_model`` starts."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2:
        print("usage: python -m indexing.embedder_build CACHE_DIR VARIANT [MODEL_PATH]",
              file=sys.stderr)
        return 2
    emb.set_offline_mode()
    from indexing.paths import mended, mkdir_private

    # The cache dir is made owner-only first, so that nothing written into it while the build
    # runs is ever open to others; the files torch and onnx write are mended at the end.
    cache = Path(args[0])
    cache.parent.mkdir(parents=True, exist_ok=True)
    with mended(mkdir_private(cache)):
        build_model(cache, args[1], (args[2] if len(args) > 2 else "") or None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
