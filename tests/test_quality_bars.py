"""``engine.testing.check_quality_bars``: the known-misses rule of the plugins' quality tests."""

from __future__ import annotations

import pytest

from engine.testing import check_quality_bars

#: A model that misses ``pc`` (known, floor 0.33) and ``fid`` (known, at most 10x its reference).
METRICS = {"pc": 0.354, "accuracy": 0.9, "fid": 87.0, "fid_ref": 10.0}
MISSED = ["pc 0.354 < 0.45", "fid 87 > 5.0x fid_ref 10"]
KNOWN = frozenset({"pc", "fid"})
FLOORS = {"pc": 0.33}
RATIOS = {"fid": ("fid_ref", 10.0)}


def test_passes_when_exactly_the_known_misses_are_missed_and_held() -> None:
    check_quality_bars(MISSED, METRICS, KNOWN, FLOORS, RATIOS)
    check_quality_bars([], METRICS, frozenset(), {})


def test_fails_on_a_miss_that_is_not_known() -> None:
    with pytest.raises(AssertionError, match=r"^bars missed: accuracy 0.5 < 0.8$"):
        check_quality_bars([*MISSED, "accuracy 0.5 < 0.8"], METRICS, KNOWN, FLOORS, RATIOS)


def test_fails_when_a_known_miss_falls_below_its_floor() -> None:
    with pytest.raises(AssertionError, match=r"^known misses got worse: pc 0.3 < 0.33$"):
        check_quality_bars(MISSED, {**METRICS, "pc": 0.3}, KNOWN, FLOORS, RATIOS)


def test_fails_when_a_known_miss_goes_past_its_ratio() -> None:
    with pytest.raises(AssertionError, match=r"^known misses got worse: fid 120 > 10.0x fid_ref$"):
        check_quality_bars(MISSED, {**METRICS, "fid": 120.0}, KNOWN, FLOORS, RATIOS)


def test_fails_when_a_known_miss_is_now_met() -> None:
    with pytest.raises(AssertionError, match=r"^\['pc'\] now met: take them off KNOWN_MISSES$"):
        check_quality_bars(MISSED[1:], {**METRICS, "pc": 0.5}, KNOWN, FLOORS, RATIOS)
