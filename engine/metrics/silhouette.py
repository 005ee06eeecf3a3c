"""Silhouette of labels in an embedding (torchmetrics has no silhouette).

face2nsynth's SV score: how well the translations of faces cluster by the
instrument family they were assigned. Computed exactly (all pairwise
distances, float64), matching scikit-learn's ``silhouette_score``.
"""

from __future__ import annotations

import torch

from ..interfaces import Metric
from ._store import Batches, apply

__all__ = ["Silhouette", "silhouette_score"]


def silhouette_score(x: torch.Tensor, labels: torch.Tensor) -> float:
    """Mean silhouette coefficient of ``labels`` over the rows of ``x`` (Euclidean).

    A point alone in its cluster scores 0, as in scikit-learn.
    """
    x = x.to(torch.float64).flatten(1)
    _, codes = torch.unique(labels, return_inverse=True)
    k = int(codes.max()) + 1 if codes.numel() else 0
    if not 2 <= k <= len(x) - 1:
        raise ValueError(f"silhouette needs 2 to n-1 distinct labels, got {k} for {len(x)} points")
    dist = torch.cdist(x, x, compute_mode="donot_use_mm_for_euclid_dist")
    onehot = torch.nn.functional.one_hot(codes, k).to(torch.float64)
    sizes = onehot.sum(0)
    sums = dist @ onehot  # [n, k]: total distance from each point to each cluster
    own = sizes[codes]
    a = sums.gather(1, codes[:, None]).squeeze(1) / (own - 1).clamp(min=1)
    means = sums / sizes
    means.scatter_(1, codes[:, None], float("inf"))
    b = means.min(dim=1).values
    s = (b - a) / torch.maximum(a, b)
    s = torch.where(own > 1, s, torch.zeros_like(s)).nan_to_num(0.0)
    return float(s.mean())


class Silhouette(Metric):
    """``update(embeddings, labels)``; reports ``silhouette`` in [-1, 1]."""

    def __init__(self) -> None:
        self._x = Batches()
        self._labels = Batches()

    def update(self, embeddings: torch.Tensor, labels: torch.Tensor) -> None:
        self._x.add(apply(None, embeddings).flatten(1))
        self._labels.add(labels.detach().cpu().reshape(-1))

    def compute(self) -> dict[str, float]:
        return {"silhouette": silhouette_score(self._x.cat(), self._labels.cat())}

    def reset(self) -> None:
        self._x.clear()
        self._labels.clear()
