"""Metrics on distances between embeddings of two modalities.

``PairwiseDistanceCorrelation`` asks whether translation preserves
similarity (face2nsynth's PC: Pearson r between pairwise face distances and
pairwise distances of the generated notes). ``CrossModalMatching`` is the 1:2
test of voice2face: given a query and two candidates, is the true match the
closer one?
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F

from ..interfaces import Metric
from ._store import Batches, apply

__all__ = ["CrossModalMatching", "PairwiseDistanceCorrelation"]

Distance = Literal["euclidean", "cosine"]


def _pdist(x: torch.Tensor, distance: Distance) -> torch.Tensor:
    """Condensed pairwise distances (the upper triangle, row-major, like scipy's pdist)."""
    if distance == "cosine":
        unit = F.normalize(x, dim=1)
        i, j = torch.triu_indices(len(x), len(x), offset=1)
        return 1.0 - (unit[i] * unit[j]).sum(dim=1)
    return torch.pdist(x)


def _distance(a: torch.Tensor, b: torch.Tensor, distance: Distance) -> torch.Tensor:
    if distance == "cosine":
        return 1.0 - F.cosine_similarity(a, b, dim=1)
    out: torch.Tensor = (a - b).norm(dim=1)
    return out


class PairwiseDistanceCorrelation(Metric):
    """Pearson r between pairwise distances in two spaces, over matching rows.

    ``update(a, b)``: row ``i`` of ``a`` (e.g. a face embedding) and row ``i`` of
    ``b`` (e.g. its translation's audio features) describe the same item.
    Reports ``pairwise_distance_pearson``.
    """

    def __init__(self, distance: Distance = "euclidean", distance_b: Distance | None = None) -> None:
        self.distance = distance
        self.distance_b = distance_b or distance
        self._a = Batches()
        self._b = Batches()

    def update(self, a: torch.Tensor, b: torch.Tensor) -> None:
        if len(a) != len(b):
            raise ValueError(f"a has {len(a)} rows but b has {len(b)}")
        self._a.add(apply(None, a).flatten(1))
        self._b.add(apply(None, b).flatten(1))

    def compute(self) -> dict[str, float]:
        from torchmetrics.functional import pearson_corrcoef

        da = _pdist(self._a.cat(), self.distance)
        db = _pdist(self._b.cat(), self.distance_b)
        if da.numel() < 2:
            raise ValueError("pairwise-distance correlation needs at least 3 items")
        return {"pairwise_distance_pearson": float(pearson_corrcoef(da, db))}

    def reset(self) -> None:
        self._a.clear()
        self._b.clear()


class CrossModalMatching(Metric):
    """1:2 matching accuracy: is ``positive`` closer to ``query`` than ``negative``?

    ``update(query, positive, negative)`` with one row per trial (e.g. the
    embedding of a face generated from a voice, the true speaker's face, another
    identity's face). Exact ties count as half right. Reports
    ``matching_accuracy``.
    """

    def __init__(self, distance: Distance = "cosine") -> None:
        self.distance = distance
        self.correct = 0.0
        self.total = 0

    def update(self, query: torch.Tensor, positive: torch.Tensor, negative: torch.Tensor) -> None:
        q, p, n = (apply(None, t).flatten(1) for t in (query, positive, negative))
        d_pos, d_neg = _distance(q, p, self.distance), _distance(q, n, self.distance)
        self.correct += float((d_pos < d_neg).sum()) + 0.5 * float((d_pos == d_neg).sum())
        self.total += len(q)

    def compute(self) -> dict[str, float]:
        if not self.total:
            raise ValueError("no data: call update() before compute()")
        return {"matching_accuracy": self.correct / self.total}

    def reset(self) -> None:
        self.correct = 0.0
        self.total = 0
