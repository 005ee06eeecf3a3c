"""The losses against direct numpy computations."""

from __future__ import annotations

import itertools

import numpy as np
import torch
from xmodal_face2nsynth.losses import (
    DistanceStats,
    distance_correlation_loss,
    distance_preservation_loss,
    hinge_d_loss,
    hinge_g_loss,
    triplet_loss,
)


def _numpy_metric_loss(faces: np.ndarray, phi: np.ndarray, fs: DistanceStats, ps: DistanceStats,
                       groups: np.ndarray | None = None) -> float:
    terms = []
    for i, j in itertools.combinations(range(len(faces)), 2):
        if groups is not None and groups[i] != groups[j]:
            continue
        df = (np.linalg.norm(faces[i] - faces[j]) - fs.mean) / fs.std
        dp = (np.linalg.norm(phi[i] - phi[j]) - ps.mean) / ps.std
        terms.append(abs(df - dp))
    return float(np.mean(terms))


def test_metric_loss_matches_numpy() -> None:
    rng = np.random.default_rng(0)
    faces, phi = rng.normal(size=(9, 128)), rng.normal(size=(9, 505))
    fs, ps = DistanceStats(15.0, 1.5), DistanceStats(31.0, 2.0)
    got = distance_preservation_loss(torch.from_numpy(faces), torch.from_numpy(phi), fs, ps)
    assert abs(float(got) - _numpy_metric_loss(faces, phi, fs, ps)) < 1e-5
    groups = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    got = distance_preservation_loss(torch.from_numpy(faces), torch.from_numpy(phi), fs, ps,
                                     torch.from_numpy(groups))
    assert abs(float(got) - _numpy_metric_loss(faces, phi, fs, ps, groups)) < 1e-5


def test_metric_loss_has_gradients_and_zero_when_no_pairs() -> None:
    phi = torch.randn(4, 505, requires_grad=True)
    loss = distance_preservation_loss(torch.randn(4, 128), phi, DistanceStats(1, 1),
                                      DistanceStats(1, 1))
    loss.backward()
    assert phi.grad is not None and torch.isfinite(phi.grad).all()
    alone = distance_preservation_loss(torch.randn(3, 128), phi[:3], DistanceStats(1, 1),
                                       DistanceStats(1, 1), torch.tensor([0, 1, 2]))
    assert float(alone.detach()) == 0.0


def test_distance_stats_of_rows() -> None:
    x = torch.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0]])
    stats = DistanceStats.of(x)
    assert abs(stats.mean - 20 / 3) < 1e-9
    assert abs(stats.std - float(np.std([5, 10, 5], ddof=1))) < 1e-9



def test_distance_stats_within_groups() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(9, 5))
    groups = np.array([0, 1, 0, 2, 1, 0, 2, 2, 1])
    d = [np.linalg.norm(x[i] - x[j]) for i, j in itertools.combinations(range(9), 2)
         if groups[i] == groups[j]]
    stats = DistanceStats.of(torch.from_numpy(x), groups=torch.from_numpy(groups))
    assert abs(stats.mean - float(np.mean(d))) < 1e-9
    assert abs(stats.std - float(np.std(d, ddof=1))) < 1e-9

def test_hinge_losses() -> None:
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.0])
    assert float(hinge_d_loss(real, fake)) == (0 + 0.5) / 2 + (0 + 1) / 2
    assert float(hinge_g_loss(fake)) == 1.0


def test_triplet_loss_matches_numpy() -> None:
    rng = np.random.default_rng(1)
    emb, labels = rng.normal(size=(8, 4)), np.array([0, 0, 1, 1, 2, 2, 0, 1])
    terms = []
    for a, p, n in itertools.permutations(range(8), 3):
        if labels[a] == labels[p] and labels[a] != labels[n]:
            t = np.linalg.norm(emb[a] - emb[p]) - np.linalg.norm(emb[a] - emb[n]) + 1.0
            if t > 0:
                terms.append(t)
    got = triplet_loss(torch.from_numpy(emb), torch.from_numpy(labels), margin=1.0)
    assert abs(float(got) - np.mean(terms)) < 1e-6


def test_correlation_loss_is_one_minus_pearson_of_the_pair_distances() -> None:
    rng = np.random.default_rng(1)
    faces, phi = rng.normal(size=(8, 128)), rng.normal(size=(8, 505))
    pairs = list(itertools.combinations(range(8), 2))
    df = [np.linalg.norm(faces[i] - faces[j]) for i, j in pairs]
    dp = [np.linalg.norm(phi[i] - phi[j]) for i, j in pairs]
    want = 1.0 - np.corrcoef(df, dp)[0, 1]
    got = distance_correlation_loss(torch.from_numpy(faces), torch.from_numpy(phi))
    assert abs(float(got) - want) < 1e-5
    # scale-free: notes three times as far apart in proportion lose nothing
    scaled = distance_correlation_loss(torch.from_numpy(faces), torch.from_numpy(faces * 3.0))
    assert abs(float(scaled)) < 1e-5
