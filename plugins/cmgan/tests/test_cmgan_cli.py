"""``xmodal translate`` with a cmgan model: a seeded 64x64 PNG; bad inputs are one line and exit 2."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image
from xmodal_cmgan.pipeline import CmganArchitecture, CmganPipeline

_SCRIPT = Path(sys.executable).with_name("xmodal")
XMODAL = [str(_SCRIPT) if _SCRIPT.exists() else shutil.which("xmodal") or "xmodal"]


def _xmodal(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([*XMODAL, *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small (untrained) cmgan folder: the CLI's behaviour does not depend on training."""
    folder = tmp_path_factory.mktemp("model") / "cmgan-small"
    CmganPipeline.make(CmganArchitecture(sound_width=2, sound_hidden=8, g_width=2)).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("clips")
    t = np.arange(3 * 22050) / 22050
    cello = (0.4 * np.sin(2 * np.pi * 130.8 * t) * np.minimum(1, t * 4)).astype(np.float32)
    sf.write(root / "cello.wav", np.stack([cello, cello], axis=1), 22050)  # any rate, stereo
    sf.write(root / "silent.wav", np.zeros(44100, np.float32), 44100)
    (root / "empty.wav").write_bytes(b"")
    (root / "garbage.wav").write_bytes(b"RIFF\x00\x01 this is not a wave file at all" * 20)
    full = (root / "cello.wav").read_bytes()
    (root / "truncated.wav").write_bytes(full[:60])
    Image.new("RGB", (32, 32), "red").save(root / "picture.png")
    return {p.stem: p for p in root.iterdir()}


def test_translate_writes_a_seeded_64x64_png(model: Path, clips: dict[str, Path], tmp_path: Path) -> None:
    outs = [tmp_path / f"{k}.png" for k in ("a", "b", "c")]
    for out, seed in zip(outs, ("3", "3", "4"), strict=True):
        result = _xmodal("translate", str(model), str(clips["cello"]), "-o", str(out), "--seed", seed)
        assert result.returncode == 0, result.stderr
    pictures = [np.asarray(Image.open(p)) for p in outs]
    assert pictures[0].shape == (64, 64, 3)
    assert np.array_equal(pictures[0], pictures[1])
    assert not np.array_equal(pictures[0], pictures[2])


@pytest.mark.parametrize("name", ["empty", "garbage", "truncated", "picture", "silent"])
def test_bad_input_is_one_line_and_exit_2(model: Path, clips: dict[str, Path], tmp_path: Path,
                                          name: str) -> None:
    out = tmp_path / "x.png"
    result = _xmodal("translate", str(model), str(clips[name]), "-o", str(out))
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert not out.exists()


def test_unreadable_path_is_one_line(model: Path, tmp_path: Path) -> None:
    result = _xmodal("translate", str(model), str(tmp_path / "missing.wav"), "-o", str(tmp_path / "x.png"))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
