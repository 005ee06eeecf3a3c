"""The command line with the bundled model: one file, many files, odd formats, bad input."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

_SCRIPT = Path(sys.executable).with_name("xmodal")
XMODAL = [str(_SCRIPT) if _SCRIPT.exists() else shutil.which("xmodal") or "xmodal"]


def _xmodal(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([*XMODAL, *args], capture_output=True, text=True, env=env, timeout=120)


def _tone(path: Path, seconds: float, rate: int, channels: int = 1) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    wave = 0.4 * np.sin(2 * math.pi * (250 + 300 * t) * t)
    sf.write(path, np.stack([wave] * channels, axis=1) if channels > 1 else wave, rate)
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("clips")
    empty = root / "empty.wav"
    sf.write(empty, np.zeros(0, dtype=np.float32), 8000)
    silent = root / "silent.wav"
    sf.write(silent, np.zeros(4000, dtype=np.float32), 8000)
    return {
        "plain": _tone(root / "plain.wav", 0.6, 8000),
        "stereo48k": _tone(root / "stereo48k.wav", 0.6, 48000, channels=2),
        "short": _tone(root / "short.wav", 0.2, 16000),
        "empty": empty,
        "silent": silent,
    }


def _is_digit_png(path: Path) -> bool:
    with Image.open(path) as im:
        return im.size == (28, 28) and im.mode == "L"


def test_translate_one_file(clips: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "digit.png"
    result = _xmodal("translate", "aivae", str(clips["plain"]), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert _is_digit_png(out)


def test_translate_many_files_to_a_folder(clips: dict[str, Path], tmp_path: Path) -> None:
    inputs = [str(clips[k]) for k in ("plain", "stereo48k", "short")]
    result = _xmodal("translate", "aivae", *inputs, "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    written = sorted((tmp_path / "out").iterdir())
    assert len(written) == 3
    assert all(_is_digit_png(p) for p in written)


def test_empty_wav_exits_2_with_one_line(clips: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "never.png"
    result = _xmodal("translate", "aivae", str(clips["empty"]), "-o", str(out))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no samples" in result.stderr or "empty" in result.stderr
    assert not out.exists()


def test_silent_wav_exits_2_naming_the_file(clips: dict[str, Path], tmp_path: Path) -> None:
    result = _xmodal("translate", "aivae", str(clips["plain"]), str(clips["silent"]), "-o",
                     str(tmp_path / "out"))
    assert result.returncode == 2
    assert "silent.wav" in result.stderr and "silent" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
