"""The command line with the bundled model: a deterministic picture from a WAV, one line for a bad input."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image
from xmodal_sound2image import WEIGHTS

_SCRIPT = Path(sys.executable).with_name("xmodal")
XMODAL = [str(_SCRIPT) if _SCRIPT.exists() else shutil.which("xmodal") or "xmodal"]

pytestmark = pytest.mark.skipif(not (WEIGHTS["sound2image"] / "model.safetensors").is_file(),
                                reason="no bundled weights")


def _xmodal(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([*XMODAL, *args], capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A synthetic tone burst (a sound of no class in particular) and every kind of bad input."""
    root = tmp_path_factory.mktemp("clips")
    t = np.arange(3 * 44100) / 44100
    tone = (0.3 * np.sin(2 * np.pi * 440 * t) * (t % 0.5 < 0.2)).astype(np.float32)
    sf.write(root / "clip.wav", np.stack([tone, tone], 1), 44100)  # 3 s stereo at 44.1 kHz
    sf.write(root / "empty.wav", np.zeros(0, np.float32), 22050)
    sf.write(root / "silent.wav", np.zeros(22050, np.float32), 22050)
    good = io.BytesIO()
    sf.write(good, tone, 44100, format="WAV")
    (root / "truncated.wav").write_bytes(good.getvalue()[:2000])
    (root / "unreadable.wav").write_bytes(b"RIFF\x00\x00garbage that is not a wave file" * 10)
    Image.new("RGB", (32, 32), "red").save(root / "picture.png")
    return {p.stem: p for p in root.iterdir()}


def test_cli_writes_a_deterministic_picture(clips: dict[str, Path], tmp_path: Path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    for out in (a, b):
        result = _xmodal("translate", "sound2image", str(clips["clip"]), "-o", str(out))
        assert result.returncode == 0, result.stderr
    with Image.open(a) as im_a, Image.open(b) as im_b:
        assert im_a.size == (64, 64) and im_a.mode == "RGB"
        assert np.array_equal(np.asarray(im_a), np.asarray(im_b))


@pytest.mark.parametrize("name", ["empty", "silent", "truncated", "unreadable", "picture"])
def test_bad_input_is_one_line_and_exit_2(clips: dict[str, Path], tmp_path: Path, name: str) -> None:
    out = tmp_path / "x.png"
    result = _xmodal("translate", "sound2image", str(clips[name]), "-o", str(out))
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
