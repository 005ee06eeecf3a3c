"""The command line with the bundled model: a face from any WAV, one clear error for no voice."""

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

import engine

_SCRIPT = Path(sys.executable).with_name("xmodal")
XMODAL = [str(_SCRIPT) if _SCRIPT.exists() else shutil.which("xmodal") or "xmodal"]


def _xmodal(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([*XMODAL, *args], capture_output=True, text=True, env=env, timeout=180)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A test identity's synthesised speech (16 kHz mono, and 30 s of it at 44.1 kHz stereo)."""
    from scipy.signal import resample_poly
    from xmodal_voice2face.pipeline import Voice2FacePipeline

    root = tmp_path_factory.mktemp("clips")
    (_, audio), = Voice2FacePipeline.demo_inputs()
    wave = audio.data[0].numpy()
    sf.write(root / "speech.wav", wave, 16000)
    gap = np.zeros(8000, np.float32)
    long = np.tile(np.concatenate([wave, gap]), int(np.ceil(30 * 16000 / (len(wave) + 8000))))
    long = resample_poly(long[: 30 * 16000], 441, 160).astype(np.float32)
    sf.write(root / "long.wav", np.stack([long, 0.8 * long], axis=1), 44100)
    sf.write(root / "empty.wav", np.zeros(0, np.float32), 16000)
    sf.write(root / "silent.wav", np.zeros(32000, np.float32), 16000)
    noise = np.random.default_rng(0).standard_normal(48000).astype(np.float32) * 0.3
    sf.write(root / "noise.wav", noise, 16000)
    return {p.stem: p for p in root.glob("*.wav")}


def test_translate_is_a_deterministic_64x64_face(clips: dict[str, Path]) -> None:
    model = engine.load("voice2face")
    a, b = model.translate(clips["speech"]), model.translate(clips["speech"])
    assert tuple(a.data.shape[1:]) == (64, 64)  # grey (the bundled model) or RGB
    assert np.array_equal(a.to_numpy(), b.to_numpy())


def test_cli_writes_a_face_from_30s_of_44k_stereo(clips: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "face.png"
    result = _xmodal("translate", "voice2face", str(clips["long"]), "-o", str(out))
    assert result.returncode == 0, result.stderr
    with Image.open(out) as im:
        assert im.size == (64, 64)


@pytest.mark.parametrize("name", ["empty", "silent", "noise"])
def test_no_voice_is_one_line_and_exit_2(clips: dict[str, Path], tmp_path: Path, name: str) -> None:
    result = _xmodal("translate", "voice2face", str(clips[name]), "-o", str(tmp_path / "x.png"))
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert not (tmp_path / "x.png").exists()


def test_noise_variants_are_refused_and_speech_kept() -> None:
    from xmodal_voice2face.speech import check_speech

    from engine import MediaError

    rng = np.random.default_rng(1)
    white = rng.standard_normal(160000)
    brown = np.cumsum(white)
    for wave in (white, brown / np.abs(brown).max(), np.zeros(16000)):
        with pytest.raises(MediaError):
            check_speech(wave.astype(np.float32))
