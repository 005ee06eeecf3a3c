"""The bundled checkpoint against its quality bars (acceptance 2).

PC >= 0.40 on the held-out faces, and a family FID no worse than 1.25 times the
baseline row's, which was trained with the same preset and seed and whose test
metrics the export saved beside the model (``ablation.json``).
"""

from __future__ import annotations

import json

import pytest
from xmodal_face2nsynth import WEIGHTS
from xmodal_face2nsynth.export import ABLATION_FILE

from engine.train.evaluate import evaluate

pytestmark = [
    pytest.mark.quality,
    pytest.mark.skipif(not (WEIGHTS / "model.safetensors").is_file(), reason="no bundled weights"),
]


def test_bundled_model_preserves_face_distances() -> None:
    metrics = evaluate("face2nsynth", split="test").metrics
    assert metrics["pc"] >= 0.40, metrics
    ablation = json.loads((WEIGHTS / ABLATION_FILE).read_text(encoding="utf-8"))
    assert metrics["pc"] == pytest.approx(ablation["+aux"]["pc"], abs=1e-6)  # the row it was bundled as
    assert metrics["fid_family"] <= 1.25 * ablation["baseline"]["fid_family"], (metrics, ablation)
