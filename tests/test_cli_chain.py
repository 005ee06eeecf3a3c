"""``xmodal translate A+B``: the bundled models chained on the command line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image as PILImage

from cli_helpers import run_xmodal


@pytest.fixture(scope="module")
def face_png(shared_data_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An Olivetti face enlarged to 256 px, as the face2nsynth demo feeds it."""
    from engine import data

    faces = np.asarray(data.load("olivetti", progress=False)["image"])
    path = tmp_path_factory.mktemp("faces") / "face.png"
    PILImage.fromarray(faces[395]).resize((256, 256), PILImage.Resampling.BICUBIC).save(path)
    return path


def test_face_to_note_to_digit(face_png: Path, tmp_path: Path) -> None:
    out = tmp_path / "digit.png"
    result = run_xmodal("translate", "face2nsynth+aivae", str(face_png), "-o", str(out),
                        "--face2nsynth.pitch", "60")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert PILImage.open(out).size == (28, 28)


def test_kinds_that_do_not_meet_exit_2_and_write_nothing(face_png: Path, tmp_path: Path) -> None:
    out = tmp_path / "never.png"
    run_xmodal("translate", "aivae+aivae", str(face_png), "-o", str(out)).assert_user_error(
        "aivae makes image but aivae takes audio"
    )
    assert not out.exists()
