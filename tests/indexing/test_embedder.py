"""The real embedder: ONNX int8/fp32 vectors against torch's, the cached file, damage, fallback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from indexing import embedder as emb
from indexing import embedder_build
from indexing.workspace import Workspace

pytestmark = [pytest.mark.embedder, pytest.mark.slow]

TEXTS = [
    "Dentist appointment moved to Thursday at 14:30.",
    "Who has my copy of The Well-Tempered Garden?",
    "ok",
    "Re: Q3 gas forecast\nFrom: Vince Kaminski\nPlease find attached the revised forecast for the "
    "Houston desk. The main changes are the storage assumptions for November and the new "
    "pipeline capacity numbers we got from Transco on Friday. Let me know if you want to go "
    "through the model before the meeting with Jeff; I can also send the spreadsheet with the "
    "sensitivities for the weather scenarios and the price curves we discussed last week. "
    "Shirley will set up a call for Tuesday afternoon if that works for everyone on the list.",
    "Einkaufsliste: Linsen, Karotten, Sellerie, Zwiebeln, Knoblauch, Kreuzkümmel, Zitrone.",
]


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return emb.SentenceTransformerEmbedder().embed_documents(TEXTS)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """A cache dir with the int8 and fp32 files made once for this module, by a process that
    records whether building imported torch into it (it must not: the build is a child)."""
    import subprocess
    import sys

    cache = tmp_path_factory.mktemp("embedder-cache")
    code = ("import sys; from indexing import embedder as e; "
            f"e.build_model({str(cache)!r}, 'int8'); e.build_model({str(cache)!r}, 'fp32'); "
            "print('torch imported:', 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    (cache / "builder.out").write_text(out.stdout)
    return cache


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


def _copy_cache(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for p in src.iterdir():
        if p.is_file():
            shutil.copy2(p, dst / p.name)
    return dst


def test_default_variant_is_int8_with_its_own_name(made):
    """With onnx installed the default is int8, named apart from torch's vectors."""
    e = emb.make_embedder("minilm", cache_dir=made)
    assert e.variant == "int8"
    assert e.name == "all-MiniLM-L6-v2-int8" != emb.SentenceTransformerEmbedder.name


def test_int8_vectors_match_torch(made, torch_vectors):
    """int8 vectors are close to sentence-transformers': cosine >= 0.98 for sentences, >= 0.97
    for a two-letter text (batched with long ones it shares their activation scale)."""
    e = emb.OnnxEmbedder(made, variant="int8")
    got = e.embed_documents(TEXTS)
    assert e.backend == "onnx-int8"
    assert got.shape == (len(TEXTS), 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    cos = _cosines(got, torch_vectors)
    assert cos[[0, 1, 3, 4]].min() >= 0.98 and cos[2] >= 0.97
    assert cos.mean() >= 0.99
    manifest = json.loads(emb.model_file(made, "int8").with_suffix(".json").read_text())
    assert manifest["sha256"] == emb.sha256_file(emb.model_file(made, "int8"))


def test_fp32_vectors_are_torch_vectors(made, torch_vectors):
    """The fp32 file reproduces torch (cosine > 0.999), so it shares torch's name."""
    e = emb.OnnxEmbedder(made, variant="fp32")
    got = e.embed_documents(TEXTS)
    assert e.backend == "onnx-fp32"
    assert e.name == emb.SentenceTransformerEmbedder.name
    assert _cosines(got, torch_vectors).min() > 0.999


def test_query_vector_equals_document_vector(made):
    """A query embeds like the same text as a document (batch of one)."""
    e = emb.OnnxEmbedder(made, variant="int8")
    q = e.embed_query(TEXTS[0])
    d = e.embed_documents([TEXTS[0]])[0]
    assert float(np.dot(q, d)) > 0.9999


def test_second_open_reuses_the_cached_file(made, tmp_path, monkeypatch):
    """A data dir whose embedder file is cached opens and embeds without making it again."""
    data = tmp_path / "data"
    _copy_cache(made, data / "embedder")
    before = emb.model_file(data / "embedder", "int8").stat().st_mtime_ns

    def no_build(*a, **k):
        raise AssertionError("the cached file was made again")

    monkeypatch.setattr(embedder_build, "build_model", no_build)
    for _ in range(2):
        ws = Workspace.open(data, check=False)
        assert ws.embedder.embed_documents(TEXTS[:2]).shape == (2, 384)
        assert ws.embedder.backend == "onnx-int8"
        assert ws.store.get_meta("embedder") == "all-MiniLM-L6-v2-int8"
        ws.close()
    assert emb.model_file(data / "embedder", "int8").stat().st_mtime_ns == before


@pytest.mark.parametrize("damage", ["garbage", "flipped byte", "manifest gone"])
def test_damaged_cached_file_is_made_again(made, tmp_path, monkeypatch, torch_vectors, damage):
    """A truncated, altered or unverifiable cached file is replaced, not loaded, not a crash."""
    cache = _copy_cache(made, tmp_path / "cache")
    path = emb.model_file(cache, "int8")
    if damage == "garbage":
        path.write_bytes(b"not an onnx file")
    elif damage == "flipped byte":
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        path.write_bytes(bytes(raw))
    else:
        path.with_suffix(".json").unlink()
    calls = []

    def rebuild(cache_dir, variant, model_path=None):
        calls.append(variant)
        _copy_cache(made, Path(cache_dir))
        return emb.model_file(cache_dir, variant)

    monkeypatch.setattr(emb, "build_model", rebuild)
    e = emb.OnnxEmbedder(cache)
    got = e.embed_documents(TEXTS)
    assert calls == ["int8"]
    assert e.backend == "onnx-int8"
    assert emb.sha256_file(path) == emb.sha256_file(emb.model_file(made, "int8"))
    assert _cosines(got, torch_vectors).mean() >= 0.99


def test_falls_back_to_torch_and_recomputes_at_next_open(made, tmp_path, monkeypatch,
                                                          torch_vectors, demo_dir):
    """When the ONNX file cannot be loaded, torch embeds; the next open switches the name and
    recomputes the vectors instead of mixing int8 and torch vectors."""
    data = tmp_path / "data"
    _copy_cache(made, data / "embedder")
    notes = tmp_path / "notes"
    shutil.copytree(demo_dir / "notes", notes)

    def broken(*a, **k):
        raise RuntimeError("simulated onnxruntime failure")

    monkeypatch.setattr(emb, "_session", broken)
    ws = Workspace.open(data, check=False)
    assert ws.embedder.name == "all-MiniLM-L6-v2-int8"
    ws.indexer().index([str(notes)])
    assert ws.embedder.backend == "torch"
    assert _cosines(ws.embedder.embed_documents(TEXTS), torch_vectors).min() > 0.9999
    chunks = ws.store.counts()["chunks"]
    assert chunks > 0
    ws.close()
    failed = json.loads((data / "embedder" / "failed.json").read_text())
    assert "int8" in failed["variants"]

    monkeypatch.undo()  # onnxruntime works again; int8 stays marked as failed
    ws = Workspace.open(data, check=False)
    assert ws.embedder.variant == "fp32"
    assert ws.embedder.name == emb.SentenceTransformerEmbedder.name
    assert ws.store.get_meta("embedder") == emb.SentenceTransformerEmbedder.name
    assert ws.embedder.backend == "onnx-fp32"  # it recomputed the vectors at open
    assert ws.store.counts()["chunks"] == chunks == ws.vectors.count()
    ws.close()


def test_variant_choice_without_the_onnx_package(tmp_path, monkeypatch):
    """Without ``onnx`` the int8 file cannot be made: fp32 is chosen; without onnxruntime, torch."""
    real = emb._has
    monkeypatch.setattr(emb, "_has", lambda *m: "onnx" not in m and real(*m))
    assert emb.choose_variant(tmp_path) == "fp32"
    monkeypatch.setattr(emb, "_has", lambda *m: "onnxruntime" not in m and real(*m))
    assert emb.choose_variant(tmp_path) == "torch"
    assert emb.OnnxEmbedder(tmp_path).name == emb.SentenceTransformerEmbedder.name


def test_cached_int8_file_is_used_even_without_the_build_packages(made, monkeypatch):
    """A made int8 file is chosen when onnx/torch are gone: run time needs only onnxruntime."""
    real = emb._has
    monkeypatch.setattr(emb, "_has", lambda *m: not {"onnx", "torch"} & set(m) and real(*m))
    assert emb.choose_variant(made) == "int8"


def test_failed_build_leaves_no_half_file(tmp_path, monkeypatch):
    """A build that fails half-way leaves no model file, manifest or temp folder behind."""
    def bad_export(target, model_path=None):
        target.write_bytes(b"half an export")
        return target

    monkeypatch.setattr(embedder_build, "export_onnx", bad_export)
    with pytest.raises(Exception):  # noqa: B017 - whatever onnx raises on a broken graph
        embedder_build.build_model(tmp_path, "int8")
    assert list(tmp_path.iterdir()) == []


def test_build_writes_manifest_and_drops_older_recipes(made, tmp_path, monkeypatch):
    """A made file gets a manifest; files of an older recipe (the v1 export) are removed."""
    def export_copy(target, model_path=None):
        shutil.copy2(emb.model_file(made, "int8"), target)
        return target

    monkeypatch.setattr(embedder_build, "export_onnx", export_copy)
    monkeypatch.setattr(embedder_build, "fuse_bert", lambda src, dst, model_path=None: src)
    monkeypatch.setattr(embedder_build, "quantize_int8", lambda src, dst: src)
    (tmp_path / "minilm-l6-v2-fp32-v1.onnx").write_bytes(b"old export")
    path = embedder_build.build_model(tmp_path, "int8")
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.with_suffix(".json").name, path.name]
    info = json.loads(path.with_suffix(".json").read_text())
    assert info["size"] == path.stat().st_size and info["check_cosine"] >= 0.97
    assert emb._manifest_ok(path)


def test_the_build_runs_in_a_child_process_and_reports_its_failure(tmp_path):
    """A failing build (here: no model at the given path) raises with the child's last words
    and leaves nothing behind."""
    with pytest.raises(RuntimeError, match="building the embedder file failed"):
        emb.build_model(tmp_path, "int8", model_path=str(tmp_path / "no-such-model"))
    assert [p for p in tmp_path.iterdir() if p.suffix in (".onnx", ".json")] == []


def test_building_does_not_import_torch_into_the_caller(made):
    """The process that asked for the files never imported torch itself."""
    assert (made / "builder.out").read_text().strip() == "torch imported: False"
