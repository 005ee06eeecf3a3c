"""The bundled model through the real ``xmodal`` command, as a user runs it (acceptance 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image as PILImage
from xmodal_face2nsynth import WEIGHTS

XMODAL = Path(sys.executable).parent / "xmodal"
pytestmark = pytest.mark.skipif(not (WEIGHTS / "model.safetensors").is_file(),
                                reason="bundled weights not trained yet")


def _xmodal(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([str(XMODAL), *args], capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture
def face_png(tmp_path: Path, olivetti_faces: np.ndarray) -> Path:
    """A held-out Olivetti face enlarged to photo size (the detector path must find it)."""
    path = tmp_path / "face.png"
    PILImage.fromarray(olivetti_faces[395]).resize((256, 256), PILImage.Resampling.BICUBIC).save(path)
    return path


def test_translate_writes_a_deterministic_note(tmp_path: Path, face_png: Path) -> None:
    notes = []
    for k in range(2):
        out = tmp_path / f"note{k}.wav"
        result = _xmodal("translate", "face2nsynth", str(face_png), "-o", str(out), "--pitch", "60")
        assert result.returncode == 0, result.stderr
        wave, rate = sf.read(out, dtype="float32", always_2d=True)
        assert rate == 16000 and wave.shape == (8192, 1)
        assert float(np.sqrt(np.mean(wave**2))) > 1e-3  # not silent
        notes.append(wave)
    np.testing.assert_array_equal(notes[0], notes[1])


def test_a_photo_without_a_face_exits_2_with_one_line(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    path = tmp_path / "noise.png"
    PILImage.fromarray(rng.integers(0, 255, size=(240, 320, 3), dtype=np.uint8)).save(path)
    out = tmp_path / "note.wav"
    result = _xmodal("translate", "face2nsynth", str(path), "-o", str(out), "--pitch", "60")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no face found" in lines[0] and "Traceback" not in result.stderr
    assert not out.exists()
