"""The bundled checkpoint against its quality bar (acceptance 2): PC >= 0.40 on held-out faces."""

from __future__ import annotations

import pytest
from xmodal_face2nsynth import WEIGHTS

from engine.train.evaluate import evaluate

pytestmark = [
    pytest.mark.quality,
    pytest.mark.skipif(not (WEIGHTS / "model.safetensors").is_file(), reason="no bundled weights"),
]


def test_bundled_model_preserves_face_distances() -> None:
    metrics = evaluate("face2nsynth", split="test").metrics
    assert metrics["pc"] >= 0.40, metrics
    assert metrics["fid_family"] < 10 * metrics["fid_family_ref"] + 10, metrics
