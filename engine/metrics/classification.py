"""Accuracy of a classifier on generated samples, and label agreement between two sets.

The papers judge translations by what an independent classifier sees in them:
top-1/top-5 identity of generated faces (voice2face), digit accuracy of
generated MNIST images (aivae), instrument accuracy (cmgan), and whether the
labels predicted for a generated image agree with those for the original
(sound2image's top-k label match). Top-k accuracy is torchmetrics'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import torch
from torch import nn

from ..interfaces import Metric
from ._store import apply

__all__ = ["ClassifierAccuracy", "TopKLabelMatch"]


class ClassifierAccuracy(Metric):
    """Top-k accuracy of ``classifier(inputs)`` (or of logits) against labels.

    ``update(inputs, labels)``; reports ``top{k}`` for each ``k`` in ``top_k``.
    """

    def __init__(self, classifier: nn.Module | None = None, top_k: Sequence[int] = (1, 5)) -> None:
        self.classifier = classifier
        self.top_k = tuple(sorted(set(top_k)))
        self._acc: dict[int, Any] = {}

    def update(self, inputs: torch.Tensor, labels: torch.Tensor) -> None:
        logits = apply(self.classifier, inputs).flatten(1)
        self._update_logits(logits, labels.detach().cpu().reshape(-1).long())

    def _update_logits(self, logits: torch.Tensor, labels: torch.Tensor) -> None:
        if not self._acc:
            from torchmetrics.classification import MulticlassAccuracy

            classes = logits.shape[1]
            too_big = [k for k in self.top_k if k > classes]
            if too_big:
                raise ValueError(f"top-{too_big[0]} accuracy needs more than {classes} classes")
            self._acc = {
                k: MulticlassAccuracy(
                    num_classes=classes, top_k=k, average="micro", sync_on_compute=False
                )
                for k in self.top_k
            }
        for acc in self._acc.values():
            acc.update(logits, labels)

    def compute(self) -> dict[str, float]:
        if not self._acc:
            raise ValueError("no data: call update() before compute()")
        return {f"top{k}": float(acc.compute()) for k, acc in self._acc.items()}

    def reset(self) -> None:
        self._acc = {}


class TopKLabelMatch(Metric):
    """Agreement between a classifier's labels for candidates and for references.

    ``update(candidates, references)``: row ``i`` of each is a pair (a generated
    image and its original). ``mode="hit"`` (the sound2image protocol) counts a
    pair when the reference's top-1 label is among the candidate's top ``k``;
    ``mode="overlap"`` scores ``|topk(candidate) ∩ topk(reference)| / k``.
    Reports ``match@{k}`` for each ``k``.
    """

    def __init__(
        self,
        classifier: nn.Module | None = None,
        top_k: Sequence[int] = (1, 3, 5, 10),
        mode: Literal["hit", "overlap"] = "hit",
    ) -> None:
        self.classifier = classifier
        self.top_k = tuple(sorted(set(top_k)))
        self.mode = mode
        self._hits = ClassifierAccuracy(top_k=self.top_k)
        self._overlap = torch.zeros(len(self.top_k), dtype=torch.float64)
        self._count = 0

    def update(self, candidates: torch.Tensor, references: torch.Tensor) -> None:
        cand = apply(self.classifier, candidates).flatten(1)
        ref = apply(self.classifier, references).flatten(1)
        if self.mode == "hit":
            self._hits._update_logits(cand, ref.argmax(dim=1))
            return
        for i, k in enumerate(self.top_k):
            a = torch.zeros_like(cand).scatter_(1, cand.topk(k, dim=1).indices, 1.0)
            b = torch.zeros_like(ref).scatter_(1, ref.topk(k, dim=1).indices, 1.0)
            self._overlap[i] += float((a * b).sum()) / k
        self._count += len(cand)

    def compute(self) -> dict[str, float]:
        if self.mode == "hit":
            return {f"match@{k}": v for k, v in zip(self.top_k, self._hits.compute().values(), strict=True)}
        if not self._count:
            raise ValueError("no data: call update() before compute()")
        return {f"match@{k}": float(v) / self._count for k, v in zip(self.top_k, self._overlap, strict=True)}

    def reset(self) -> None:
        self._hits.reset()
        self._overlap.zero_()
        self._count = 0
