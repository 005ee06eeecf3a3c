"""Every engine metric against an independent scipy / scikit-learn / numpy computation."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.spatial.distance
import scipy.special
import scipy.stats
import sklearn.metrics
import torch

from engine.metrics import (
    ClassifierAccuracy,
    CrossModalMatching,
    FrechetDistance,
    InceptionScore,
    PairwiseDistanceCorrelation,
    Silhouette,
    TopKLabelMatch,
    builtin_metrics,
)

RTOL = 1e-4


@pytest.fixture
def gen() -> torch.Generator:
    return torch.Generator().manual_seed(1234)


def _batches(*tensors: torch.Tensor, size: int = 37):
    """Feed metrics in uneven batches: accumulation must not change the answer."""
    for start in range(0, len(tensors[0]), size):
        yield tuple(t[start : start + size] for t in tensors)


def _frechet_reference(real: np.ndarray, fake: np.ndarray) -> float:
    mu1, mu2 = real.mean(0), fake.mean(0)
    s1, s2 = np.cov(real, rowvar=False), np.cov(fake, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean))


@pytest.mark.parametrize("with_network", [False, True])
def test_frechet_distance_matches_scipy(gen: torch.Generator, with_network: bool) -> None:
    real = torch.randn(300, 12, generator=gen, dtype=torch.float64)
    fake = 1.3 * torch.randn(250, 12, generator=gen, dtype=torch.float64) + 0.4
    network = None
    if with_network:
        network = torch.nn.Linear(12, 6).double()
    metric = FrechetDistance(feature=network)
    for (batch,) in _batches(real):
        metric.update(batch, real=True)
    for (batch,) in _batches(fake):
        metric.update(batch, real=False)
    if network is not None:
        with torch.no_grad():
            real, fake = network(real), network(fake)
    expected = _frechet_reference(real.numpy(), fake.numpy())
    np.testing.assert_allclose(metric.compute()["frechet_distance"], expected, rtol=RTOL)


def test_inception_score_matches_scipy(gen: torch.Generator) -> None:
    logits = 2.0 * torch.randn(200, 10, generator=gen, dtype=torch.float64)
    metric = InceptionScore(splits=5, seed=7)
    for (batch,) in _batches(logits):
        metric.update(batch)
    got = metric.compute()
    torch.manual_seed(7)  # the metric's documented split permutation
    order = torch.randperm(len(logits)).numpy()
    probs = scipy.special.softmax(logits.numpy()[order], axis=1)
    scores = []
    for part in np.split(probs, 5):
        marginal = part.mean(axis=0)
        kl = np.array([scipy.stats.entropy(p, marginal) for p in part])
        scores.append(np.exp(kl.mean()))
    np.testing.assert_allclose(got["inception_score"], np.mean(scores), rtol=RTOL)
    np.testing.assert_allclose(got["inception_score_std"], np.std(scores, ddof=1), rtol=RTOL)


def test_inception_score_uses_the_classifier_and_leaves_global_rng(gen: torch.Generator) -> None:
    x = torch.randn(60, 5, generator=gen)
    classifier = torch.nn.Linear(5, 4)
    metric = InceptionScore(classifier=classifier, splits=1)
    metric.update(x)
    state = torch.get_rng_state()
    got = metric.compute()["inception_score"]
    assert torch.equal(state, torch.get_rng_state())
    with torch.no_grad():
        probs = scipy.special.softmax(classifier(x).double().numpy(), axis=1)
    marginal = probs.mean(0)
    expected = np.exp(np.mean([scipy.stats.entropy(p, marginal) for p in probs]))
    np.testing.assert_allclose(got, expected, rtol=RTOL)


@pytest.mark.parametrize("distance", ["euclidean", "cosine"])
def test_pairwise_distance_correlation_matches_scipy(gen: torch.Generator, distance: str) -> None:
    a = torch.randn(80, 16, generator=gen)
    b = a[:, :8] @ torch.randn(8, 5, generator=gen) + 0.5 * torch.randn(80, 5, generator=gen)
    metric = PairwiseDistanceCorrelation(distance=distance)  # type: ignore[arg-type]
    for batch_a, batch_b in _batches(a, b):
        metric.update(batch_a, batch_b)
    expected = scipy.stats.pearsonr(
        scipy.spatial.distance.pdist(a.double().numpy(), distance),
        scipy.spatial.distance.pdist(b.double().numpy(), distance),
    ).statistic
    np.testing.assert_allclose(metric.compute()["pairwise_distance_pearson"], expected, rtol=RTOL)


def test_silhouette_matches_sklearn(gen: torch.Generator) -> None:
    labels = torch.randint(0, 5, (150,), generator=gen)
    labels[0] = 9  # a singleton cluster scores 0, as in scikit-learn
    x = torch.randn(150, 7, generator=gen) + 0.8 * labels[:, None].float()
    metric = Silhouette()
    for batch_x, batch_y in _batches(x, labels):
        metric.update(batch_x, batch_y)
    expected = sklearn.metrics.silhouette_score(x.double().numpy(), labels.numpy())
    np.testing.assert_allclose(metric.compute()["silhouette"], expected, rtol=RTOL)


def _topk_hits(logits: np.ndarray, labels: np.ndarray, k: int) -> float:
    top = np.argsort(-logits, axis=1)[:, :k]
    return float((top == labels[:, None]).any(axis=1).mean())


def test_classifier_accuracy_matches_numpy(gen: torch.Generator) -> None:
    inputs = torch.randn(230, 6, generator=gen)
    labels = torch.randint(0, 12, (230,), generator=gen)
    classifier = torch.nn.Linear(6, 12)
    metric = ClassifierAccuracy(classifier=classifier, top_k=(1, 5))
    for batch_x, batch_y in _batches(inputs, labels):
        metric.update(batch_x, batch_y)
    with torch.no_grad():
        logits = classifier(inputs).double().numpy()
    got = metric.compute()
    for k in (1, 5):
        np.testing.assert_allclose(got[f"top{k}"], _topk_hits(logits, labels.numpy(), k), rtol=RTOL)


def test_topk_label_match_hit_and_overlap_match_numpy(gen: torch.Generator) -> None:
    ref = torch.randn(190, 52, generator=gen, dtype=torch.float64)
    cand = ref + 1.5 * torch.randn(190, 52, generator=gen, dtype=torch.float64)
    ks = (1, 3, 5, 10)
    hit, overlap = TopKLabelMatch(top_k=ks), TopKLabelMatch(top_k=ks, mode="overlap")
    for batch_c, batch_r in _batches(cand, ref):
        hit.update(batch_c, batch_r)
        overlap.update(batch_c, batch_r)
    c, r = cand.numpy(), ref.numpy()
    got_hit, got_overlap = hit.compute(), overlap.compute()
    for k in ks:
        np.testing.assert_allclose(got_hit[f"match@{k}"], _topk_hits(c, r.argmax(1), k), rtol=RTOL)
        top_c, top_r = np.argsort(-c, 1)[:, :k], np.argsort(-r, 1)[:, :k]
        expected = np.mean([len(set(x) & set(y)) / k for x, y in zip(top_c, top_r, strict=True)])
        np.testing.assert_allclose(got_overlap[f"match@{k}"], expected, rtol=RTOL)


@pytest.mark.parametrize("distance", ["euclidean", "cosine"])
def test_cross_modal_matching_matches_scipy(gen: torch.Generator, distance: str) -> None:
    q = torch.randn(300, 8, generator=gen)
    pos = q + torch.randn(300, 8, generator=gen)
    neg = torch.randn(300, 8, generator=gen)
    metric = CrossModalMatching(distance=distance)  # type: ignore[arg-type]
    for batch in _batches(q, pos, neg):
        metric.update(*batch)
    qn, pn, nn_ = (t.double().numpy() for t in (q, pos, neg))
    d_pos = np.diag(scipy.spatial.distance.cdist(qn, pn, distance))
    d_neg = np.diag(scipy.spatial.distance.cdist(qn, nn_, distance))
    np.testing.assert_allclose(
        metric.compute()["matching_accuracy"], float((d_pos < d_neg).mean()), rtol=RTOL
    )


def test_reset_forgets_and_compute_without_data_is_an_error(gen: torch.Generator) -> None:
    metric = ClassifierAccuracy(top_k=(1,))
    metric.update(torch.randn(4, 3, generator=gen), torch.tensor([0, 1, 2, 0]))
    metric.reset()
    with pytest.raises(ValueError, match="no data"):
        metric.compute()


def test_builtin_metrics_are_registered_and_build() -> None:
    from engine.plugins import get_manager

    factories = builtin_metrics()
    registry = get_manager().metrics
    for name, factory in factories.items():
        assert name in registry
        assert hasattr(factory(), "compute")
