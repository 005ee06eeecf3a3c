"""``xmodal face2nsynth ...`` through the real command: listed, and user errors are one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

XMODAL = Path(sys.executable).parent / "xmodal"


def _xmodal(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([str(XMODAL), *args], capture_output=True, text=True, timeout=300, env=env)


def _one_line_error(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in result.stderr


def test_the_plugin_commands_are_listed() -> None:
    result = _xmodal("face2nsynth", "--help")
    assert result.returncode == 0, result.stderr
    for name in ("pictures", "export", "audio-nets", "fit-notes"):
        assert name in result.stdout


def test_a_malformed_row_is_one_line(tmp_path: Path) -> None:
    _one_line_error(_xmodal("face2nsynth", "export", str(tmp_path), "--row", "baseline"),
                    "expected NAME=RUN_FOLDER")


def test_pictures_of_another_plugins_model_is_one_line(tmp_path: Path) -> None:
    _one_line_error(_xmodal("face2nsynth", "pictures", "aivae", "--out", str(tmp_path)),
                    "not a face2nsynth one")
