"""``lodger`` writing into a pipe whose reader went away (``lodger ask ... | head``) stops quietly.

Python ignores SIGPIPE, so a write to a closed pipe raises ``BrokenPipeError``; without care the
user sees a traceback, and a second one from the flush at exit. The pipe here is closed before
the command starts, so every run hits the closed pipe (with ``head`` the output may fit in the
pipe before ``head`` exits, and then nothing breaks).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.corpus import DEMO, ROOT

QUESTION = "What did Tom say about the contract?"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _lodger(*args: str, stdout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lodger.cli", *args], cwd=ROOT, env=_env(),
                          stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """The demo data indexed with the fast embedder."""
    base = tmp_path_factory.mktemp("pipe")
    shutil.copytree(DEMO, base / "demo")
    proc = _lodger("index", str(base / "demo"), "--data-dir", str(base / "data"),
                   "--embedder", "hash", "--quiet", stdout=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    return base / "data"


def _into_closed_pipe(*args: str) -> subprocess.CompletedProcess[str]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write fails
    try:
        return _lodger(*args, stdout=write_end)
    finally:
        os.close(write_end)


def _assert_quiet(stderr: str) -> None:
    for word in ("Traceback", "BrokenPipeError", "Exception ignored", "Errno 32"):
        assert word not in stderr, stderr


def test_ask_into_a_closed_pipe_exits_quietly_with_the_sigpipe_status(data_dir):
    """`lodger ask` whose reader is gone prints no traceback and exits 141, as `cat` would."""
    proc = _into_closed_pipe("ask", QUESTION, "--data-dir", str(data_dir), "--embedder", "hash",
                             "--no-llm")
    _assert_quiet(proc.stderr)
    assert proc.returncode == 141


def test_status_into_a_closed_pipe_exits_quietly(data_dir):
    """Every command gets the same handling: `lodger status` into a closed pipe is quiet too."""
    proc = _into_closed_pipe("status", "--data-dir", str(data_dir))
    _assert_quiet(proc.stderr)
    assert proc.returncode == 141


def test_ask_piped_into_head_prints_no_traceback(data_dir):
    """`lodger ask ... | head -1` shows the first line and nothing on stderr."""
    head = subprocess.Popen(["head", "-n", "1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        proc = _lodger("ask", QUESTION, "--data-dir", str(data_dir), "--embedder", "hash",
                       "--no-llm", stdout=head.stdin.fileno())
    finally:
        head.stdin.close()
    first = head.stdout.read().decode()
    head.stdout.close()
    assert head.wait(timeout=60) == 0
    _assert_quiet(proc.stderr)
    assert proc.returncode in (0, 141)  # 0 when all of it fitted in the pipe before head left
    assert first == "Here is what I found in your data:\n"


def test_ask_into_a_reader_that_stays_prints_the_whole_answer(data_dir):
    """Output that works is unchanged: `lodger ask` into a real reader exits 0 with its answer."""
    proc = _lodger("ask", QUESTION, "--data-dir", str(data_dir), "--embedder", "hash", "--no-llm",
                   stdout=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Here is what I found in your data:\n")
    assert "Sources:" in proc.stdout
