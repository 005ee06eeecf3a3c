"""The evaluation metrics the papers share, registered through ``register_metrics``.

Each is an :class:`engine.Metric` (``update`` / ``compute`` / ``reset``) and
uses torchmetrics where torchmetrics has the computation (Fréchet distance,
Inception score, Pearson correlation, top-k accuracy); what it lacks
(silhouette, pairwise-distance correlation, 1:2 matching, top-k label match) is
written here once. No Inception weights exist offline, so the generative
metrics take the caller's own feature or classifier network.

Importing this package is cheap; the classes load on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_getattr

if TYPE_CHECKING:
    from .classification import ClassifierAccuracy, TopKLabelMatch
    from .distances import CrossModalMatching, PairwiseDistanceCorrelation
    from .generative import FrechetDistance, InceptionScore
    from .silhouette import Silhouette, silhouette_score

__all__ = [
    "ClassifierAccuracy",
    "CrossModalMatching",
    "FrechetDistance",
    "InceptionScore",
    "PairwiseDistanceCorrelation",
    "Silhouette",
    "TopKLabelMatch",
    "builtin_metrics",
    "silhouette_score",
]

_WHERE = {
    "ClassifierAccuracy": "classification",
    "TopKLabelMatch": "classification",
    "CrossModalMatching": "distances",
    "PairwiseDistanceCorrelation": "distances",
    "FrechetDistance": "generative",
    "InceptionScore": "generative",
    "Silhouette": "silhouette",
    "silhouette_score": "silhouette",
}

#: Registered metric name -> class name.
_REGISTERED = {
    "frechet-distance": "FrechetDistance",
    "inception-score": "InceptionScore",
    "pairwise-distance-correlation": "PairwiseDistanceCorrelation",
    "silhouette": "Silhouette",
    "classifier-accuracy": "ClassifierAccuracy",
    "topk-label-match": "TopKLabelMatch",
    "cross-modal-matching": "CrossModalMatching",
}


__getattr__ = lazy_getattr(__name__, globals(), {k: f".{v}" for k, v in _WHERE.items()})


def _factory(class_name: str) -> Callable[..., Any]:
    def make(**kwargs: Any) -> Any:
        return __getattr__(class_name)(**kwargs)

    make.__name__ = class_name
    make.__doc__ = f"Build an engine.metrics.{class_name} (imported on first use)."
    return make


def builtin_metrics() -> dict[str, Callable[..., Any]]:
    """Metric name -> factory, for the ``register_metrics`` hook."""
    return {name: _factory(cls) for name, cls in _REGISTERED.items()}
