"""Finding GGUF models on disk, reading their headers, and switching the answerer's model."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import gguf
import numpy as np
import pytest

from engine.llm import (
    LlamaChatModel,
    ModelError,
    ModelOptions,
    default_model_path,
    gpu_offload_supported,
    resolve_gpu_layers,
)
from engine.models import (
    available_memory,
    default_roots,
    describe,
    find_models,
    quantization_name,
    read_gguf_header,
    switch_model,
)

GB = 1 << 30


def write_gguf(path: Path, arch: str = "qwen2", file_type: int | None = 15, ctx: int = 32768,
               tokens: int = 3000, split: tuple[int, int] | None = None) -> Path:
    """A small but well-formed GGUF file with metadata, a vocabulary and two tensors."""
    path.parent.mkdir(parents=True, exist_ok=True)
    w = gguf.GGUFWriter(str(path), arch)
    if split is not None:  # what gguf-split writes into each part
        w.add_uint16("split.no", split[0] - 1)
        w.add_uint16("split.count", split[1])
    w.add_name("Tiny")
    w.add_size_label("1M")
    w.add_context_length(ctx)
    w.add_block_count(2)
    w.add_embedding_length(64)
    w.add_head_count(4)
    w.add_head_count_kv(2)
    if file_type is not None:
        w.add_file_type(file_type)
    w.add_token_list([f"t{i}" for i in range(tokens)])
    w.add_tensor("token_embd.weight", np.zeros((100, 64), dtype=np.float32))
    w.add_tensor("blk.0.attn_q.weight", np.zeros((64, 64), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_header_matches_gguf_reader(tmp_path: Path) -> None:
    """The streaming header reader agrees with gguf.GGUFReader on metadata and parameter count."""
    path = write_gguf(tmp_path / "m.gguf")
    meta, n_params = read_gguf_header(path)
    reader = gguf.GGUFReader(str(path))
    assert n_params == sum(int(t.n_elements) for t in reader.tensors) == 100 * 64 + 64 * 64
    assert meta["general.architecture"] == reader.fields["general.architecture"].contents() == "qwen2"
    assert meta["qwen2.context_length"] == 32768
    assert meta["general.file_type"] == 15
    assert meta["tokenizer.ggml.tokens"] is None  # arrays are skipped, not decoded


def test_describe_reads_the_facts(tmp_path: Path) -> None:
    """describe() reports architecture, quantization, parameters, context and a memory estimate."""
    path = write_gguf(tmp_path / "m.gguf")
    info = describe(path, free_memory=GB)
    size = path.stat().st_size
    assert (info.architecture, info.quantization, info.size_label) == ("qwen2", "Q4_K_M", "1M")
    assert (info.n_params, info.context_length, info.size_bytes) == (10496, 32768, size)
    # weights x 1.2 + f16 KV cache: 2 (K,V) x 2 layers x 4096 ctx x 32 kv width x 2 bytes
    assert info.memory_needed == int(size * 1.2) + 2 * 2 * 4096 * 32 * 2
    assert info.fits is True and info.error is None
    assert describe(path, free_memory=1000).fits is False


def test_quantization_from_file_name_when_metadata_lacks_it(tmp_path: Path) -> None:
    """Without general.file_type the quantization comes from the file name."""
    info = describe(write_gguf(tmp_path / "foo-7B-q5_k_s.gguf", file_type=None), free_memory=GB)
    assert info.quantization == "Q5_K_S"
    assert quantization_name(None, "model.IQ4_XS.gguf") == "IQ4_XS"
    assert quantization_name(None, "model-f16.gguf") == "F16"
    assert quantization_name(None, "model.gguf") is None
    assert quantization_name(2, "") == "Q4_0"


@pytest.mark.parametrize("content, reason", [
    (b"", "not a GGUF file"),
    (b"PK\x03\x04 a zip file", "not a GGUF file"),
    (b"GGUF\x03\x00\x00\x00\x02\x00", "truncated"),
])
def test_bad_files_are_listed_with_a_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    """Empty, foreign and truncated files give an error reason instead of raising."""
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    info = describe(path, free_memory=GB)
    assert reason in (info.error or "")
    assert info.architecture is None and info.fits is None


def test_cut_off_model_is_truncated(tmp_path: Path) -> None:
    """A real header cut in the middle of its vocabulary is reported as truncated."""
    path = write_gguf(tmp_path / "m.gguf")
    data = path.read_bytes()
    path.write_bytes(data[:3000])
    assert describe(path, free_memory=GB).error == "truncated GGUF file (the header ends early)"


def test_real_model_cut_in_its_weights_is_truncated(tmp_path: Path) -> None:
    """The bundled model cut after its header (an interrupted copy) is refused with the byte counts."""
    real = Path(default_model_path())
    cut = tmp_path / "SmolLM2-135M-Instruct.Q4_1.gguf"
    with open(real, "rb") as src, open(cut, "wb") as dst:
        dst.write(src.read(50_000_000))
    info = describe(cut, free_memory=GB)
    assert info.error == ("truncated GGUF file (the weights end early: 50000000 of "
                          f"{real.stat().st_size} bytes)")
    assert describe(real, free_memory=GB).error is None


def make_ollama(root: Path, blob_source: Path) -> None:
    """Ollama's layout: manifests naming content-addressed blobs; two tags share one blob."""
    blobs = root / "blobs"
    blobs.mkdir(parents=True)
    for rel, digest in (("registry.ollama.ai/library/llama3.2/3b", "ab" * 32),
                        ("registry.ollama.ai/library/llama3.2/latest", "ab" * 32),
                        ("registry.ollama.ai/jane/mix/latest", "ac" * 32),
                        ("hf.co/bartowski/Foo-GGUF/Q4_K_M", "ad" * 32)):
        shutil.copy(blob_source, blobs / f"sha256-{digest}")
        layers = [{"mediaType": "application/vnd.ollama.image.template",
                   "digest": "sha256:" + "cd" * 32},
                  {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}"}]
        manifest = root / "manifests" / rel
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps({"schemaVersion": 2, "layers": layers}))
    gone = root / "manifests" / "registry.ollama.ai" / "library" / "gone" / "latest"
    gone.parent.mkdir(parents=True)
    gone.write_text(json.dumps({"layers": [{"mediaType": "application/vnd.ollama.image.model",
                                            "digest": "sha256:" + "ef" * 32}]}))
    broken = root / "manifests" / "registry.ollama.ai" / "library" / "broken" / "latest"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")


def test_find_models_in_every_kind_of_folder(tmp_path: Path) -> None:
    """LM Studio, GPT4All, Ollama, the HF cache, Lodger's dir and chosen folders: each file once."""
    src = write_gguf(tmp_path / "src.gguf")
    lms = tmp_path / "lmstudio"
    write_gguf(lms / "bartowski" / "Qwen-GGUF" / "Qwen-Q4_K_M.gguf")
    (lms / ".hidden").mkdir()
    shutil.copy(src, lms / ".hidden" / "skip.gguf")
    gpt = tmp_path / "gpt4all"
    write_gguf(gpt / "Phi.Q4_0.GGUF", file_type=2)
    (gpt / "notes.txt").write_text("not a model")
    ollama = tmp_path / "ollama"
    make_ollama(ollama, src)
    hub = tmp_path / "hub"
    blob = hub / "models--org--Repo-GGUF" / "blobs" / "deadbeef"
    blob.parent.mkdir(parents=True)
    shutil.copy(src, blob)
    for rev in ("rev1", "rev2"):  # two snapshots sharing one blob
        snap = hub / "models--org--Repo-GGUF" / "snapshots" / rev / "m-Q4_K_M.gguf"
        snap.parent.mkdir(parents=True)
        os.symlink(blob, snap)
    data = tmp_path / "data"
    write_gguf(data / "models" / "mine.gguf")
    chosen = tmp_path / "chosen"
    write_gguf(chosen / "deep" / "er" / "pick.gguf")
    (chosen / "broken.gguf").write_bytes(b"GGUF")

    roots = [r for r in default_roots(data, home=tmp_path / "home", env={}) if r[0] == "lodger"]
    roots += [("lmstudio", lms), ("gpt4all", gpt), ("ollama", ollama), ("huggingface", hub)]
    found = find_models(roots=roots, extra_dirs=[chosen], include_default=False,
                        free_memory=4 * GB)
    by_name = {m.name: m for m in found}
    assert sorted(by_name) == sorted([
        "mine.gguf", "Qwen-Q4_K_M.gguf", "Phi.Q4_0.GGUF", "llama3.2:3b", "jane/mix:latest",
        "hf.co/bartowski/Foo-GGUF:Q4_K_M", "gone:latest", "broken:latest",
        "org/Repo-GGUF/m-Q4_K_M.gguf", "pick.gguf", "broken.gguf"])
    assert [m.source for m in found][:1] == ["lodger"]
    assert by_name["llama3.2:3b"].path == str(ollama / "blobs" / f"sha256-{'ab' * 32}")
    assert by_name["llama3.2:3b"].architecture == "qwen2"
    assert "llama3.2:latest" not in by_name  # the same blob as llama3.2:3b, listed once
    assert by_name["hf.co/bartowski/Foo-GGUF:Q4_K_M"].error is None
    assert by_name["gone:latest"].error == f"the model blob sha256-{'ef' * 32} is missing"
    assert "unreadable Ollama manifest" in (by_name["broken:latest"].error or "")
    assert by_name["Phi.Q4_0.GGUF"].quantization == "Q4_0"
    assert by_name["org/Repo-GGUF/m-Q4_K_M.gguf"].source == "huggingface"
    assert by_name["pick.gguf"].source == "folder"
    assert by_name["broken.gguf"].error == "truncated GGUF file (the header ends early)"
    assert all(m.fits for m in found if m.error is None)


def test_lm_studio_models_under_a_fake_home_are_listed(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With HOME pointing at a fake home, LM Studio's publisher/repo/file layout is found by default."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for var in ("OLLAMA_MODELS", "HF_HOME", "HF_HUB_CACHE", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    lms = home / ".lmstudio" / "models"
    real = lms / "HuggingFaceTB" / "SmolLM2-135M-Instruct-GGUF" / "SmolLM2-135M-Instruct.Q4_1.gguf"
    real.parent.mkdir(parents=True)
    shutil.copy(default_model_path(), real)  # a copy, so it is not the bundled file itself
    write_gguf(lms / "bartowski" / "Qwen-GGUF" / "Qwen-Q4_K_M.gguf")
    found = find_models(tmp_path / "data", include_default=False, free_memory=4 * GB)
    assert [(m.source, m.path) for m in found] == [
        ("lmstudio", str(lms / "HuggingFaceTB" / "SmolLM2-135M-Instruct-GGUF" /
                         "SmolLM2-135M-Instruct.Q4_1.gguf")),
        ("lmstudio", str(lms / "bartowski" / "Qwen-GGUF" / "Qwen-Q4_K_M.gguf"))]
    smol, qwen = found
    assert (smol.architecture, smol.quantization, smol.size_label) == ("llama", "Q4_1", "135M")
    assert (smol.n_params, smol.context_length, smol.size_bytes) == (134_515_008, 8192, 98_362_432)
    assert smol.fits is True and smol.error is None
    assert (qwen.architecture, qwen.quantization, qwen.context_length) == ("qwen2", "Q4_K_M", 32768)


def test_moved_lm_studio_folder_is_read_from_its_settings(tmp_path: Path) -> None:
    """A downloadsFolder in ~/.lmstudio/settings.json is searched too; a broken file is ignored."""
    home, moved = tmp_path / "home", tmp_path / "big-disk" / "lms"
    (home / ".lmstudio").mkdir(parents=True)
    (home / ".lmstudio" / "settings.json").write_text(json.dumps({"downloadsFolder": str(moved)}))
    (home / ".cache" / "lm-studio").mkdir(parents=True)
    (home / ".cache" / "lm-studio" / "settings.json").write_text("{broken")
    write_gguf(moved / "pub" / "repo" / "m-Q4_K_M.gguf")
    roots = default_roots(None, home=home, env={}, system="darwin")
    assert ("lmstudio", moved) in roots
    found = find_models(roots=roots, include_default=False, free_memory=GB)
    assert [(m.name, m.source) for m in found] == [("m-Q4_K_M.gguf", "lmstudio")]


def test_split_model_is_listed_once_with_its_total_size(tmp_path: Path) -> None:
    """A model in -0000k-of-0000N parts is one entry (its first part), sized and counted in full."""
    folder = tmp_path / "m"
    parts = [write_gguf(folder / f"big-Q4_K_M-{k:05d}-of-00003.gguf", split=(k, 3))
             for k in (1, 2, 3)]
    write_gguf(tmp_path / "half" / "odd-Q8_0-00001-of-00002.gguf", split=(1, 2))
    found = find_models(roots=[("folder", folder), ("folder", tmp_path / "half")],
                        include_default=False, free_memory=GB)
    assert [m.name for m in found] == ["big-Q4_K_M-00001-of-00003.gguf",
                                       "odd-Q8_0-00001-of-00002.gguf"]
    big, odd = found
    assert big.size_bytes == sum(p.stat().st_size for p in parts)
    assert big.n_params == 3 * (100 * 64 + 64 * 64) and big.error is None
    assert odd.error == ("part of a model split in 2 files; missing: "
                         "odd-Q8_0-00002-of-00002.gguf")


def test_embedding_models_and_projectors_are_not_offered_for_chat(tmp_path: Path) -> None:
    """GPT4All's nomic-bert embedder and an mmproj file are listed as unusable, with the reason."""
    emb = describe(write_gguf(tmp_path / "nomic-embed-text-v1.5.f16.gguf", arch="nomic-bert"),
                   free_memory=GB)
    proj = describe(write_gguf(tmp_path / "mmproj-model-f16.gguf", arch="clip"), free_memory=GB)
    assert emb.error == "an embedding model (nomic-bert), not a chat model"
    assert proj.error == "a vision projector (mmproj) (clip), not a chat model"
    assert emb.context_length == 32768 and not emb.usable


def test_gpu_layers_follow_the_build_and_the_machine() -> None:
    """-1 means all layers with a GPU backend (not on Intel Macs), and 0 without one."""
    assert resolve_gpu_layers(-1, supported=True, system="darwin", machine="arm64") == -1
    assert resolve_gpu_layers(-1, supported=True, system="linux", machine="x86_64") == -1
    assert resolve_gpu_layers(-1, supported=True, system="darwin", machine="x86_64") == 0
    assert resolve_gpu_layers(-1, supported=False, system="darwin", machine="arm64") == 0
    assert resolve_gpu_layers(20, supported=True) == 20
    assert resolve_gpu_layers(20, supported=False) == 0
    assert resolve_gpu_layers(0, supported=True) == 0
    # Without ``supported`` the installed llama.cpp is asked.
    assert resolve_gpu_layers(-1) == resolve_gpu_layers(-1, supported=gpu_offload_supported())


def test_default_roots_follow_the_environment(tmp_path: Path) -> None:
    """OLLAMA_MODELS, HF_HUB_CACHE, HF_HOME and LOCALAPPDATA move the searched folders."""
    home = tmp_path / "home"
    plain = dict(default_roots(tmp_path / "d", home=home, env={}, system="darwin"))
    assert plain["lodger"] == tmp_path / "d" / "models"
    assert plain["ollama"] == home / ".ollama" / "models"
    assert plain["huggingface"] == home / ".cache" / "huggingface" / "hub"
    linux = default_roots(None, home=home, env={}, system="linux")
    assert [r for r in linux if r[0] == "ollama"] == [
        ("ollama", home / ".ollama" / "models"),
        ("ollama", Path("/usr/share/ollama/.ollama/models"))]  # the systemd service's folder
    assert ("gpt4all", home / ".local" / "share" / "nomic.ai" / "GPT4All") in linux
    assert ("gpt4all", home / "Library" / "Application Support" / "nomic.ai" / "GPT4All") in linux
    roots = default_roots(None, home=home, system="darwin",
                          env={"OLLAMA_MODELS": "/o", "HF_HOME": "/h",
                               "LOCALAPPDATA": "C:/Users/x/AppData/Local"})
    as_dict = dict(roots)
    assert as_dict["ollama"] == Path("/o") and as_dict["huggingface"] == Path("/h/hub")
    assert ("gpt4all", Path("C:/Users/x/AppData/Local/nomic.ai/GPT4All")) in roots
    assert ("lmstudio", home / ".lmstudio" / "models") in roots
    assert "lodger" not in as_dict
    both = dict(default_roots(None, home=home, env={"HF_HOME": "/h", "HF_HUB_CACHE": "/c"},
                              system="darwin"))
    assert both["huggingface"] == Path("/c")


def test_bundled_default_model_is_listed() -> None:
    """The bundled SmolLM2 shows with the facts from its header."""
    found = find_models(roots=[], free_memory=4 * GB)
    assert len(found) == 1
    m = found[0]
    assert (m.source, m.path) == ("bundled", default_model_path())
    assert (m.architecture, m.quantization, m.size_label) == ("llama", "Q4_1", "135M")
    assert (m.n_params, m.context_length, m.fits) == (134_515_008, 8192, True)


def test_available_memory_is_known_here() -> None:
    """On Linux the free memory comes from /proc/meminfo."""
    free = available_memory()
    assert free is not None and 10 << 20 < free < 1 << 45


def test_models_command_prints_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`lodger models --json --scan DIR` lists the bundled model and the scanned folder's models."""
    from lodger.cli import main

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("OLLAMA_MODELS", "HF_HOME", "HF_HUB_CACHE", "LOCALAPPDATA"):
        monkeypatch.delenv(var, raising=False)
    write_gguf(tmp_path / "scan" / "x-Q8_0.gguf", file_type=7)
    assert main(["models", "--json", "--data-dir", str(tmp_path / "d"),
                 "--scan", str(tmp_path / "scan")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(m["source"], m["quantization"]) for m in out["models"]] == [("bundled", "Q4_1"),
                                                                        ("folder", "Q8_0")]
    assert out["available_memory"] > 0
    assert main(["models", "--data-dir", str(tmp_path / "d")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "SOURCE", "ARCH", "PARAMS", "QUANT", "CONTEXT", "SIZE",
                                "NEEDS", "FITS"]
    assert lines[1].split() == ["SmolLM2-135M-Instruct.Q4_1.gguf", "bundled", "llama", "135M",
                                "Q4_1", "8192", "98", "MB", "~212", "MB", "yes"]
    assert lines[2] == f"    {default_model_path()}"
    assert f"GPU offload: {'yes' if gpu_offload_supported() else 'no'}" in "\n".join(lines)


def test_switch_rejects_a_bad_file_and_keeps_the_old_model(tmp_path: Path) -> None:
    """A non-GGUF file or an embedding model is refused before the current model is touched."""
    closed: list[bool] = []
    old = SimpleNamespace(close=lambda: closed.append(True))
    answerer = SimpleNamespace(llm=old)
    (tmp_path / "x.gguf").write_text("hello")
    with pytest.raises(ModelError, match="not a GGUF model file"):
        switch_model(answerer, str(tmp_path / "x.gguf"))
    embedder = write_gguf(tmp_path / "nomic-embed.gguf", arch="nomic-bert")
    with pytest.raises(ModelError, match="an embedding model \\(nomic-bert\\), not a chat model"):
        switch_model(answerer, str(embedder))
    assert answerer.llm is old and closed == []


@pytest.mark.model
def test_switch_closes_the_old_model_and_loads_the_new(tmp_path: Path) -> None:
    """Switching frees the old llama.cpp model, keeps its options and loads the new file."""
    copy = tmp_path / "copy.gguf"
    shutil.copy(default_model_path(), copy)
    old = LlamaChatModel(ModelOptions(n_ctx=1024, n_threads=2, n_gpu_layers=0))
    old_tokens = old.count_tokens("hello")
    assert old_tokens > 0 and old.loaded
    native = old._llm  # the llama_cpp.Llama object
    assert native is not None and native._model.model is not None
    answerer = SimpleNamespace(llm=old)
    new = switch_model(answerer, str(copy))
    assert answerer.llm is new and new.path == str(copy)
    assert not old.loaded and new.loaded
    assert native._model.model is None  # llama.cpp's model was freed, not left to the GC
    assert new.gpu_layers == 0 and new._llm is not native
    assert (new.options.n_ctx, new.options.n_threads, new.options.n_gpu_layers) == (1024, 2, 0)
    assert new.n_ctx == 1024
    broken = write_gguf(tmp_path / "empty-qwen.gguf")  # a valid header llama.cpp cannot load
    with pytest.raises(ModelError, match="could not load the model"):
        switch_model(answerer, str(broken))
    assert answerer.llm is new
    back = switch_model(answerer, "")  # "" = the bundled default, as in the settings
    assert back.path == default_model_path() and back.loaded and not new.loaded
    assert back.count_tokens("hello") == old_tokens
    back.close()


@pytest.mark.model
def test_gpu_load_failure_falls_back_to_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    """When loading with GPU layers fails (e.g. out of GPU memory), the model loads on the CPU."""
    import llama_cpp

    import engine.llm

    real_llama, calls = llama_cpp.Llama, []

    def picky_llama(*args: object, **kwargs: object) -> object:
        calls.append(kwargs["n_gpu_layers"])
        if kwargs["n_gpu_layers"] != 0:
            raise ValueError("Failed to load model from file (out of device memory)")
        return real_llama(*args, **kwargs)

    monkeypatch.setattr(llama_cpp, "Llama", picky_llama)
    monkeypatch.setattr(engine.llm, "resolve_gpu_layers", lambda requested: -1)
    model = LlamaChatModel(ModelOptions(n_ctx=512, n_threads=2))
    assert model.count_tokens("hello") > 0
    assert calls == [-1, 0] and model.gpu_layers == 0
    model.close()
