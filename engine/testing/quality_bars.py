"""The known-misses check of the plugins' quality tests, written once.

Every plugin's quality test (``pytest -m quality``) measures its bundled model
against acceptance bars. A bar the bundled model does not meet yet is listed in
the test's ``KNOWN_MISSES`` and held at the bundled model's level by
``MISS_FLOORS``, so an open bar is neither hidden nor allowed to slip further.
The rule is the same for every plugin: fail when a bar outside
``KNOWN_MISSES`` is missed, when a known miss falls below its floor, and when a
known miss is now met (it must then come off the list, so that it is held from
then on). :func:`check_quality_bars` is that rule, so the plugins' tests keep
only their own bars and values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

__all__ = ["check_quality_bars"]


def check_quality_bars(missed: Sequence[str], metrics: Mapping[str, float], known_misses: AbstractSet[str],
                       miss_floors: Mapping[str, float],
                       miss_ratios: Mapping[str, tuple[str, float]] | None = None) -> None:
    """Fail (:class:`AssertionError`) unless exactly the known misses are missed, none of them worse.

    ``missed`` is the test's list of missed bars as readable lines, each starting
    with the metric's name (``"pc 0.354 < 0.45"``). ``known_misses`` names the bars
    the bundled model is known to miss; ``miss_floors`` maps a known miss to the
    lowest value it may take in ``metrics``, and ``miss_ratios`` maps one to
    ``(reference metric, ratio)``: it may be at most ``ratio`` times the reference.
    The three failures, in this order: a bar missed that is not a known miss
    (``"bars missed: ..."``), a known miss below its floor or above its ratio
    (``"known misses got worse: ..."``), a known miss that is met (``"[...] now
    met: take them off KNOWN_MISSES"``).
    """
    unexpected = [line for line in missed if line.split()[0] not in known_misses]
    if unexpected:
        raise AssertionError("bars missed: " + "; ".join(unexpected))
    worse = [f"{k} {metrics[k]:.4g} < {v}" for k, v in miss_floors.items() if not metrics[k] >= v]
    worse += [f"{k} {metrics[k]:.4g} > {r}x {ref}" for k, (ref, r) in (miss_ratios or {}).items()
              if not metrics[k] <= r * metrics[ref]]
    if worse:
        raise AssertionError("known misses got worse: " + "; ".join(worse))
    now_met = set(known_misses) - {line.split()[0] for line in missed}
    if now_met:
        raise AssertionError(f"{sorted(now_met)} now met: take them off KNOWN_MISSES")
