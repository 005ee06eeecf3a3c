"""Fréchet distance and Inception score over the caller's own networks.

The papers quote FID and IS computed with networks trained for their own
domain (a pitch classifier for notes, not ImageNet's Inception), and no
Inception weights are available offline anyway, so both metrics take the
feature or classifier network as an argument (or precomputed features/logits
when it is ``None``). The statistics are torchmetrics': the network's outputs
are fed to its ``FrechetInceptionDistance`` / ``InceptionScore`` through an
identity extractor. Like every engine metric they compute on the process
that fed them (the engine evaluates on the main process only), so torchmetrics'
cross-process synchronisation is switched off.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
from torch import nn

from ..interfaces import Metric
from ._store import apply

__all__ = ["FrechetDistance", "InceptionScore"]


class _Identity(nn.Module):
    """Passes precomputed features to torchmetrics, which wants a feature module."""

    def __init__(self, num_features: int = 0) -> None:
        super().__init__()
        self.num_features = num_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class FrechetDistance(Metric):
    """Fréchet distance between Gaussians fitted to real and generated features.

    ``update(x, real=True/False)`` with inputs for ``feature`` (any
    ``nn.Module`` mapping a batch to ``[batch, d]``), or with features when
    ``feature`` is ``None``. Reports ``frechet_distance``.
    """

    def __init__(self, feature: nn.Module | None = None) -> None:
        self.feature = feature
        self._fid: Any = None

    def update(self, x: torch.Tensor, real: bool) -> None:
        features = apply(self.feature, x).flatten(1)
        if self._fid is None:
            from torchmetrics.image.fid import FrechetInceptionDistance

            self._fid = FrechetInceptionDistance(
                feature=_Identity(features.shape[1]), sync_on_compute=False
            )
        self._fid.update(features, real=real)

    def compute(self) -> dict[str, float]:
        if self._fid is None:
            raise ValueError("no data: call update() before compute()")
        return {"frechet_distance": float(self._fid.compute())}

    def reset(self) -> None:
        self._fid = None


class InceptionScore(Metric):
    """exp(E[KL(p(y|x) || p(y))]) of a classifier's predictions on generated samples.

    ``update(x)`` with inputs for ``classifier`` (any ``nn.Module`` returning
    logits), or logits when it is ``None``. As in the paper protocol the score
    is averaged over ``splits`` random splits; ``seed`` fixes those splits so
    the number is reproducible and evaluation never moves the global RNG.
    Reports ``inception_score`` and ``inception_score_std``.
    """

    def __init__(self, classifier: nn.Module | None = None, splits: int = 10, seed: int = 0) -> None:
        self.classifier = classifier
        self.splits = splits
        self.seed = seed
        self._is = self._new()

    def _new(self) -> Any:
        from torchmetrics.image.inception import InceptionScore as _TorchmetricsIS

        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*will save all extracted features.*")
            return _TorchmetricsIS(feature=_Identity(), splits=self.splits, sync_on_compute=False)

    def update(self, x: torch.Tensor) -> None:
        self._is.update(apply(self.classifier, x).flatten(1))

    def compute(self) -> dict[str, float]:
        with torch.random.fork_rng(devices=[]), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*degrees of freedom.*")
            torch.manual_seed(self.seed)
            mean, std = self._is.compute()
        spread = float(std) if self.splits > 1 else 0.0  # one split has no spread
        return {"inception_score": float(mean), "inception_score_std": spread}

    def reset(self) -> None:
        self._is = self._new()
