"""The bundled checkpoint against the bars of issue 11 (acceptance 1-3), measured live.

1. real notes: the asked pitch is heard (``pitch_accuracy`` >= 0.85), family and
   pitch FID within 5x of the real-vs-real reference, ``is_family`` >= 3.5, and
   the translations use at least 6 of the 10 families;
2. distance preservation: ``pc`` and ``pc_same_pitch`` both at least 0.45 (the
   floor; the goal 0.68 is reported, not enforced);
3. the face decides at a fixed pitch: the held-out faces' notes span at least 3
   families and half the phi spread of real notes of that pitch (averaged over
   the evaluation pitches).

The bundled metrics.json must also be what the model measures now (no stale card).

The bundled model meets every bar (family FID by 0.1%: 4.99x its reference; see
docs/results/face2nsynth.md), so no bar is a known miss: the test fails when any bar
of acceptance 1-3 is missed.
"""

from __future__ import annotations

import json

import pytest
from xmodal_face2nsynth import WEIGHTS
from xmodal_face2nsynth.cards import BUNDLED_OVERRIDES, BUNDLED_PRESET, row_name
from xmodal_face2nsynth.export import ABLATION_FILE
from xmodal_face2nsynth.recipe import Face2NSynthRecipe

from engine.testing import check_quality_bars
from engine.train.evaluate import evaluate

pytestmark = [
    pytest.mark.quality,
    pytest.mark.skipif(not (WEIGHTS / "model.safetensors").is_file(), reason="no bundled weights"),
]

#: Acceptance bars: (metric, lowest allowed value) and (metric, reference, largest ratio).
FLOORS = {"pitch_accuracy": 0.85, "is_family": 3.5, "families_used": 6.0, "pc": 0.45,
          "pc_same_pitch": 0.45, "fixed_pitch_families": 3.0, "fixed_pitch_spread": 0.5}
RATIOS = {"fid_family": ("fid_family_ref", 5.0), "fid_pitch": ("fid_pitch_ref", 5.0)}
#: Bars the bundled model does not meet yet: none (issue 11's bars are all met).
KNOWN_MISSES: frozenset[str] = frozenset()
MISS_FLOORS: dict[str, float] = {}
MISS_RATIOS: dict[str, tuple[str, float]] = {}


def missed_bars(metrics: dict[str, float]) -> list[str]:
    """Every bar of acceptance 1-3 that ``metrics`` misses, as readable lines (empty: all met)."""
    missed = [f"{k} {metrics.get(k, float('nan')):.4g} < {v}" for k, v in FLOORS.items()
              if not metrics.get(k, float("-inf")) >= v]
    missed += [f"{k} {metrics.get(k, float('nan')):.4g} > {r}x {ref} {metrics.get(ref, float('nan')):.4g}"
               for k, (ref, r) in RATIOS.items()
               if not metrics.get(k, float("inf")) <= r * metrics.get(ref, 0.0)]
    return missed


def test_missed_bars_names_each_failure() -> None:
    good = {**FLOORS, "fid_family": 50.0, "fid_family_ref": 20.0, "fid_pitch": 10.0, "fid_pitch_ref": 5.0}
    assert missed_bars(good) == []
    assert [line.split()[0] for line in missed_bars({**good, "pc_same_pitch": 0.3, "fid_pitch": 26.0})] == [
        "pc_same_pitch", "fid_pitch"]
    assert len(missed_bars({})) == len(FLOORS) + len(RATIOS)


def test_bundled_model_meets_the_bars() -> None:
    metrics = evaluate("face2nsynth", split="test").metrics
    bundled = json.loads((WEIGHTS / "metrics.json").read_text(encoding="utf-8"))
    ablation = json.loads((WEIGHTS / ABLATION_FILE).read_text(encoding="utf-8"))
    row = row_name(Face2NSynthRecipe.configure(BUNDLED_PRESET, BUNDLED_OVERRIDES))
    assert metrics["pc"] == pytest.approx(ablation[row]["pc"], abs=1e-6)  # the row it was bundled as
    assert metrics["pc"] == pytest.approx(bundled["pc"], abs=1e-6)
    check_quality_bars(missed_bars(metrics), metrics, KNOWN_MISSES, MISS_FLOORS, MISS_RATIOS)
