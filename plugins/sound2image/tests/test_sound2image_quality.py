"""The bundled checkpoint against the bars of issue 15 (acceptance 2 and 3), measured live.

2. the paper's nearest-neighbour class match on the eval split: ``nn_match_after``
   >= 0.253 and ``nn_match_before`` >= 0.163 (the paper's eval figures; about 51
   classes here against 52 there);
3. generated pictures agree with the originals under the independent judge:
   ``topk_overlap_1`` at least twice its shuffled-pair baseline, and
   ``independent_accuracy`` >= 0.5 (the goal).

The bundled metrics.json must also be what the model measures now (no stale card).
A bar the bundled model misses is listed in :data:`KNOWN_MISSES` and held at its
measured level (:data:`MISS_FLOORS`); the test fails when any other bar is missed,
when a known miss falls below its floor, and when a known miss is met (then take
it off the list, so it is held from then on).
"""

from __future__ import annotations

import json

import pytest
from xmodal_sound2image import WEIGHTS

from engine.testing import check_quality_bars
from engine.train.evaluate import evaluate

pytestmark = [
    pytest.mark.quality,
    pytest.mark.skipif(not (WEIGHTS["sound2image"] / "model.safetensors").is_file(),
                       reason="no bundled weights"),
]

#: Acceptance bars: (metric, lowest allowed value), and (metric, baseline, smallest ratio).
FLOORS = {"nn_match_after": 0.253, "nn_match_before": 0.163, "independent_accuracy": 0.5}
RATIOS = {"topk_overlap_1": ("topk_overlap_1_shuffled", 2.0)}
#: Bars the bundled model does not meet yet (see docs/results/sound2image.md): measured
#: independent_accuracy 0.346 (digits 0.680, instruments 0.353, animals 0.097) against the goal 0.5.
KNOWN_MISSES: frozenset[str] = frozenset({"independent_accuracy"})
#: How far a known miss may go: the bundled model's level, a little below (no regression).
MISS_FLOORS: dict[str, float] = {"independent_accuracy": 0.33}


def missed_bars(metrics: dict[str, float]) -> list[str]:
    """Every bar that ``metrics`` misses, as readable lines (empty: all met)."""
    missed = [f"{k} {metrics.get(k, float('nan')):.4g} < {v}" for k, v in FLOORS.items()
              if not metrics.get(k, float("-inf")) >= v]
    missed += [f"{k} {metrics.get(k, float('nan')):.4g} < {r}x {ref} {metrics.get(ref, float('nan')):.4g}"
               for k, (ref, r) in RATIOS.items()
               if not metrics.get(k, float("-inf")) >= r * metrics.get(ref, float("inf"))]
    return missed


def test_missed_bars_names_each_failure() -> None:
    good = {**FLOORS, "topk_overlap_1": 0.5, "topk_overlap_1_shuffled": 0.1}
    assert missed_bars(good) == []
    assert [line.split()[0] for line in missed_bars({**good, "nn_match_before": 0.1,
                                                     "topk_overlap_1": 0.15})] == [
        "nn_match_before", "topk_overlap_1"]
    assert len(missed_bars({})) == len(FLOORS) + len(RATIOS)


@pytest.fixture(scope="module")
def metrics() -> dict[str, float]:
    return evaluate("sound2image", split="test").metrics


def test_bundled_metrics_are_what_the_model_measures(metrics: dict[str, float]) -> None:
    bundled = json.loads((WEIGHTS["sound2image"] / "metrics.json").read_text(encoding="utf-8"))
    for key in ("nn_match_after", "nn_match_before", "topk_overlap_1", "independent_accuracy"):
        assert metrics[key] == pytest.approx(bundled[key], abs=1e-6), key


def test_bundled_model_meets_the_bars(metrics: dict[str, float]) -> None:
    check_quality_bars(missed_bars(metrics), metrics, KNOWN_MISSES, MISS_FLOORS)


def test_instruments_are_sound(metrics: dict[str, float]) -> None:
    """The judge and the feature nets work on real eval data, and the baselines are what they say."""
    assert metrics["judge_accuracy_real"] >= 0.5
    assert metrics["topk_overlap_1_chance"] == pytest.approx(1 / 51, abs=1e-3)
    assert metrics["nn_match_chance"] < 0.05


def test_demo_inputs_are_held_out_clips_of_each_group() -> None:
    from xmodal_sound2image.pipeline import Sound2ImagePipeline

    import engine

    inputs = Sound2ImagePipeline.demo_inputs()
    assert len(inputs) == 3
    model = engine.load("sound2image")
    for name, audio in inputs:
        assert audio.sample_rate == 22050 and audio.num_samples == 22050, name
        assert tuple(model.translate(audio).data.shape) == (3, 64, 64)
