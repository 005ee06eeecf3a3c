"""Fixed, leak-free splits: stratified by class, or by whole groups (speaker, identity, instrument).

Every split here is drawn from a seeded generator and sized by largest
remainders, so the split sizes are exact and the same on every machine.
Group splits put all items of a group into one split, which is what the
papers' protocols need when test speakers, faces or instruments must be unseen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["allocate", "group_split", "stratified_split"]


def allocate(total: int, sizes: Mapping[str, float]) -> dict[str, int]:
    """Split ``total`` into integer parts proportional to ``sizes`` (largest remainder)."""
    weights = np.array(list(sizes.values()), dtype=np.float64)
    if total == 0 or weights.sum() <= 0:
        return dict.fromkeys(sizes, 0)
    exact = weights / weights.sum() * total
    parts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - parts), kind="stable")
    for k in order[: total - int(parts.sum())]:
        parts[k] += 1
    return dict(zip(sizes, parts.tolist(), strict=True))


def _cut(items: Sequence[int] | np.ndarray, counts: Mapping[str, int]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    start = 0
    for name, n in counts.items():
        out[name] = [int(i) for i in items[start:start + n]]
        start += n
    return out


def stratified_split(labels: np.ndarray, sizes: Mapping[str, float],
                     rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Item indices per split, with every class split in the same proportions.

    The overall split sizes are exact (e.g. 8,000 / 2,000 of 10,000); each
    class gets its share rounded so that the totals still add up.
    """
    labels = np.asarray(labels)
    totals = allocate(len(labels), sizes)
    classes = np.unique(labels)
    per_class = {c: np.flatnonzero(labels == c) for c in classes.tolist()}
    # Shares of every split within each class, fixed so that the column sums are exact.
    want = {s: {c: len(ix) * totals[s] / max(1, len(labels)) for c, ix in per_class.items()}
            for s in sizes}
    counts = {s: {c: int(np.floor(v)) for c, v in want[s].items()} for s in sizes}
    for s in list(sizes)[:-1]:
        missing = totals[s] - sum(counts[s].values())
        order = sorted(per_class, key=lambda c: -(want[s][c] - counts[s][c]))
        for c in order[:missing]:
            counts[s][c] += 1
    last = list(sizes)[-1]
    for c, ix in per_class.items():
        counts[last][c] = len(ix) - sum(counts[s][c] for s in list(sizes)[:-1])
    result: dict[str, list[int]] = {s: [] for s in sizes}
    for c, ix in per_class.items():
        for s, chosen in _cut(rng.permutation(ix), {s: counts[s][c] for s in sizes}).items():
            result[s].extend(chosen)
    return {s: np.sort(np.asarray(v, dtype=np.int64)) for s, v in result.items()}


def group_split(groups: np.ndarray, sizes: Mapping[str, float], rng: np.random.Generator,
                strata: Mapping[int, int] | None = None) -> dict[str, np.ndarray]:
    """Item indices per split, keeping every group (speaker, identity, instrument) whole.

    ``sizes`` are proportions of groups. With ``strata`` (group -> stratum, e.g.
    instrument -> family) the groups of every stratum are divided separately,
    and each split gets at least one group of a stratum when it has enough.
    """
    groups = np.asarray(groups)
    unique = np.unique(groups).tolist()
    by_stratum: dict[int, list[int]] = {}
    for g in unique:
        by_stratum.setdefault(int(strata[g]) if strata is not None else 0, []).append(g)
    assignment: dict[int, str] = {}
    for stratum in sorted(by_stratum):
        members = [int(g) for g in rng.permutation(by_stratum[stratum])]
        counts = allocate(len(members), sizes)
        if len(members) >= len(sizes):
            for name in sizes:  # every split sees every stratum when possible
                if counts[name] == 0:
                    donor = max(counts, key=lambda k: counts[k])
                    counts[donor] -= 1
                    counts[name] = 1
        for name, chosen in _cut(members, counts).items():
            for g in chosen:
                assignment[g] = name
    split_of = np.array([assignment[int(g)] for g in groups.tolist()], dtype=object)
    return {s: np.flatnonzero(split_of == s).astype(np.int64) for s in sizes}
