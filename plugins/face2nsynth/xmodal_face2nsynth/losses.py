"""The losses of the method: hinge GAN losses, the distance-preservation loss, the triplet loss.

The distance loss compares *standardised* distances: raw face distances
(unit vectors, around 0.5 apart) and phi distances live on unrelated scales, so
each is centred and scaled by the mean and standard deviation of pairwise
distances over its own training set before their absolute difference is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

__all__ = [
    "DistanceStats",
    "distance_correlation_loss",
    "distance_preservation_loss",
    "hinge_d_loss",
    "hinge_g_loss",
    "pair_distances",
    "triplet_loss",
]


@dataclass(frozen=True)
class DistanceStats:
    """Mean and standard deviation of pairwise distances over a data set."""

    mean: float
    std: float

    @classmethod
    def of(cls, x: torch.Tensor, max_items: int = 4096, groups: torch.Tensor | None = None) -> DistanceStats:
        """Statistics of the pairwise distances among (at most ``max_items``, the first) rows.

        With ``groups``, only pairs within one group count. All pairs go through
        ``torch.pdist``: no gradient is needed here, and the difference vectors
        that ``pair_distances`` builds would take ``n^2 * dim`` memory (36 GB for
        3,000 phi vectors).
        """
        x = x[:max_items].detach().double()
        if groups is None:
            d = torch.pdist(x)
        else:
            groups = groups[:max_items]
            d = torch.cat([torch.pdist(x[groups == g]) for g in torch.unique(groups)])
        return cls(float(d.mean()), float(d.std()))

    def standardise(self, d: torch.Tensor) -> torch.Tensor:
        return (d - self.mean) / self.std


def hinge_d_loss(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Critic side: ``E[relu(1 - D(real))] + E[relu(1 + D(fake))]``."""
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def hinge_g_loss(fake: torch.Tensor) -> torch.Tensor:
    """Generator side: ``-E[D(fake)]``."""
    return -fake.mean()


def pair_distances(x: torch.Tensor, groups: torch.Tensor | None = None) -> torch.Tensor:
    """Euclidean distances of the pairs ``i < j`` (only pairs within one group when given).

    Uses difference norms rather than ``torch.pdist``, whose backward is not
    implemented deterministically, with a tiny epsilon so that identical items
    do not give an undefined gradient.
    """
    i, j = torch.triu_indices(len(x), len(x), offset=1, device=x.device)
    if groups is not None:
        keep = groups[i] == groups[j]
        i, j = i[keep], j[keep]
    diff = x[i] - x[j]
    return torch.sqrt((diff * diff).sum(dim=1) + 1e-12)


def distance_preservation_loss(
    faces: torch.Tensor,
    notes_phi: torch.Tensor,
    face_stats: DistanceStats,
    phi_stats: DistanceStats,
    groups: torch.Tensor | None = None,
) -> torch.Tensor:
    """Mean |standardised face distance - standardised phi distance| over pairs in the batch.

    ``groups`` restricts the pairs to translations made at the same pitch (see
    the recipe's ``metric_pairs``); with no pair left the loss is zero.
    """
    df = pair_distances(faces.float(), groups)
    dp = pair_distances(notes_phi.float(), groups)
    if df.numel() == 0:
        return notes_phi.sum() * 0.0
    return (face_stats.standardise(df) - phi_stats.standardise(dp)).abs().mean()


def distance_correlation_loss(faces: torch.Tensor, notes_phi: torch.Tensor) -> torch.Tensor:
    """1 - Pearson r between the batch's pairwise face distances and phi distances (ours).

    Scale-free where :func:`distance_preservation_loss` is not: it asks only that
    far faces give far notes *in proportion*, and leaves how far apart notes are
    to the critics (which know what real notes' spread is). PC, the figure the
    method is judged by, is exactly this r over held-out faces.
    """
    df = pair_distances(faces.float())
    dp = pair_distances(notes_phi.float())
    df, dp = df - df.mean(), dp - dp.mean()
    r = (df * dp).sum() / (df.norm() * dp.norm()).clamp(min=1e-12)
    return 1.0 - r


def triplet_loss(embedding: torch.Tensor, labels: torch.Tensor, margin: float = 1.0) -> torch.Tensor:
    """Batch-all triplet loss: mean of the positive ``relu(d(a,p) - d(a,n) + margin)`` terms.

    Every anchor-positive pair (same label) is set against every negative
    (another label) in the batch; averaging over the triplets that still violate
    the margin keeps the gradient from vanishing as most triplets become easy.
    """
    d = torch.cdist(embedding, embedding)
    same = labels[:, None] == labels[None, :]
    eye = torch.eye(len(labels), dtype=torch.bool, device=labels.device)
    positive = same & ~eye
    negative = ~same
    terms = F.relu(d[:, :, None] - d[:, None, :] + margin)  # [anchor, positive, negative]
    valid = positive[:, :, None] & negative[:, None, :]
    terms = terms * valid
    active = (terms > 1e-12).sum()
    return terms.sum() / active.clamp(min=1)
