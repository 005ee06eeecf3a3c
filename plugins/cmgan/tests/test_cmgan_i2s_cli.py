"""``xmodal translate cmgan-i2s`` and ``xmodal cmgan spectrogram`` through the real command.

The bundled model is used when it exists, else a model of the recipe's ``test`` preset
(trained here in seconds), so the error contract is checked either way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image as PILImage
from xmodal_cmgan import WEIGHTS

XMODAL = Path(sys.executable).parent / "xmodal"


def _xmodal(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([str(XMODAL), *args], capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> str:
    if (WEIGHTS["cmgan-i2s"] / "model.safetensors").is_file():
        return "cmgan-i2s"
    from engine.train import train

    out = tmp_path_factory.mktemp("i2s") / "run"
    result = train("cmgan-i2s", out, preset="test", overrides={"eval_every": 0})
    assert result.model_dir is not None
    return str(result.model_dir)


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    """A test-split clipart picture of a violin, saved as a user's PNG."""
    from xmodal_cmgan.images import clipart_pictures

    test = clipart_pictures("test", tiny=True)
    row = int(np.flatnonzero(test.instrument == test.classes.index("violin"))[0])
    path = tmp_path / "violin.png"
    PILImage.fromarray(test.image[row]).resize((128, 128)).save(path)
    return path


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_translate_writes_deterministic_audio_and_the_seed_changes_it(
        model: str, picture: Path, tmp_path: Path) -> None:
    waves = []
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        out = tmp_path / f"{name}.wav"
        result = _xmodal("translate", model, str(picture), "-o", str(out), "--seed", seed)
        assert result.returncode == 0, result.stderr
        wave, rate = sf.read(out, dtype="float32", always_2d=True)
        assert rate == 44100 and wave.shape[1] == 1 and 0.45 * rate < len(wave) <= 0.5 * rate
        waves.append(wave)
    np.testing.assert_array_equal(waves[0], waves[1])
    assert not np.array_equal(waves[0], waves[2])


def _bad_inputs(tmp_path: Path, picture: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(picture.read_bytes()[:120])
    sound = tmp_path / "sound.png"  # a WAV with a picture's name
    sf.write(tmp_path / "tone.wav", np.zeros(4410, dtype=np.float32), 44100)
    sound.write_bytes((tmp_path / "tone.wav").read_bytes())
    text = tmp_path / "notes.png"
    text.write_text("not a picture\n", encoding="utf-8")
    return {"missing": tmp_path / "missing.png", "empty": empty, "truncated": truncated,
            "wav": sound, "text": text}


def test_bad_pictures_exit_2_with_one_line_and_write_nothing(
        model: str, picture: Path, tmp_path: Path) -> None:
    for name, path in _bad_inputs(tmp_path, picture).items():
        out = tmp_path / f"{name}.wav"
        line = _one_error_line(_xmodal("translate", model, str(path), "-o", str(out)))
        assert line, name
        assert not out.exists(), name
    audio = tmp_path / "tone.wav"
    out = tmp_path / "wrong-kind.wav"
    _one_error_line(_xmodal("translate", model, str(audio), "-o", str(out)))
    assert not out.exists()


def test_spectrogram_command_writes_the_array_or_a_picture(
        model: str, picture: Path, tmp_path: Path) -> None:
    npy, png = tmp_path / "violin.npy", tmp_path / "violin.png.png"
    assert _xmodal("cmgan", "spectrogram", str(picture), "-o", str(npy), "--model", model,
                   "--seed", "2").returncode == 0
    lms = np.load(npy)
    assert lms.shape == (128, 44) and lms.dtype == np.float32 and np.isfinite(lms).all()
    result = _xmodal("cmgan", "spectrogram", str(picture), "-o", str(png), "--model", model)
    assert result.returncode == 0, result.stderr
    assert PILImage.open(png).format == "PNG"
    bad = _bad_inputs(tmp_path, picture)
    for name in ("truncated", "wav"):  # the loader is translate's; every kind is checked there
        out = tmp_path / f"{name}.npy"
        path = bad[name]
        _one_error_line(_xmodal("cmgan", "spectrogram", str(path), "-o", str(out), "--model", model))
        assert not out.exists(), name
    bad_suffix = tmp_path / "violin.txt"
    assert "npy" in _one_error_line(_xmodal("cmgan", "spectrogram", str(picture), "-o",
                                            str(bad_suffix), "--model", model))
    assert not bad_suffix.exists()
