"""The bundled ``cmgan-i2s`` against issue 14's I2S bars, measured live.

Bars: the judge scores ``sound_classifier_real_accuracy >= 0.80`` on real test
log-mels (the paper's judge: 80%), and ``i2s_accuracy >= 0.1117`` (the paper's
I2S figure; the project's goal of 0.50 is reported, not enforced). Two checks
that do not rest on the judge keep a degenerate generator from passing: the
generated spectral envelopes must match their own instrument's real envelope
for most classes (``band_profile_match``) and z must still matter
(``diversity_ratio``). The bundled metrics.json must be what the model measures
now (no stale card).

A bar the bundled model misses goes in :data:`KNOWN_MISSES`, held at its
measured floor (:data:`MISS_FLOORS`); the test fails when any other bar is
missed, when a known miss falls below its floor, and when a known miss is met
(take it off the list then, so that it is held from then on).
"""

from __future__ import annotations

import json

import pytest
from xmodal_cmgan import WEIGHTS

from engine.testing import check_quality_bars
from engine.train.evaluate import evaluate

FOLDER = WEIGHTS["cmgan-i2s"]
pytestmark = [
    pytest.mark.quality,
    pytest.mark.skipif(not (FOLDER / "model.safetensors").is_file(), reason="no bundled weights"),
]

#: Acceptance bars: metric -> lowest allowed value.
FLOORS = {"sound_classifier_real_accuracy": 0.80, "i2s_accuracy": 0.1117,
          "band_profile_match": 0.6, "diversity_ratio": 0.05}
#: The project's goal for i2s_accuracy (reported in docs/results/cmgan-i2s.md, not enforced).
GOAL = {"i2s_accuracy": 0.50}
#: Bars the bundled model does not meet yet.
KNOWN_MISSES: frozenset[str] = frozenset()
#: How far a known miss may go: a little below the bundled model's level (no regression).
MISS_FLOORS: dict[str, float] = {}


def missed_bars(metrics: dict[str, float]) -> list[str]:
    """Every bar that ``metrics`` misses, as readable lines (empty: all met)."""
    return [f"{k} {metrics.get(k, float('nan')):.4g} < {v}" for k, v in FLOORS.items()
            if not metrics.get(k, float("-inf")) >= v]


def test_missed_bars_names_each_failure() -> None:
    assert missed_bars(dict(FLOORS)) == []
    low = {**FLOORS, "i2s_accuracy": 0.05, "diversity_ratio": 0.0}
    assert [line.split()[0] for line in missed_bars(low)] == ["i2s_accuracy", "diversity_ratio"]
    assert len(missed_bars({})) == len(FLOORS)


def test_bundled_model_meets_the_bars() -> None:
    metrics = evaluate("cmgan-i2s", split="test").metrics
    bundled = json.loads((FOLDER / "metrics.json").read_text(encoding="utf-8"))
    for key in ("i2s_accuracy", "sound_classifier_real_accuracy", "i2s_accuracy_train"):
        assert metrics[key] == pytest.approx(bundled[key], abs=1e-6), key
    check_quality_bars(missed_bars(metrics), metrics, KNOWN_MISSES, MISS_FLOORS)
