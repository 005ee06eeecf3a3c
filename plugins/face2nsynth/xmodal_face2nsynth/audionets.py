"""Small CNNs on log-mel spectrograms: phi's triplet embedding psi and the evaluation classifiers.

One architecture serves three frozen networks: psi (128-D, L2-normalised,
trained with a triplet loss on instrument families), the pitch classifier
(61-way) and the family classifier (10-way) whose penultimate layer feeds FID
and whose softmax feeds IS, as the paper's own NSynth classifiers do. The
convolutions pool over time and frequency but the head keeps the frequency
axis (time-averaged, then flattened): a classifier that averaged over frequency
could not tell pitches apart, and instrument families differ by register too.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from pydantic import BaseModel
from torch import nn

from .audio import LogMel, peak_normalise

__all__ = ["NoteNet", "NoteNetSpec"]


class NoteNetSpec(BaseModel):
    """Hyper-parameters of one :class:`NoteNet` (saved beside its weights)."""

    outputs: int
    width: int = 24
    features: int = 128
    n_fft: int = 1024
    n_mels: int = 80
    f_min: float = 80.0
    f_max: float = 7600.0
    #: L2-normalise the output (psi) instead of returning logits (classifiers).
    normalize: bool = False


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.MaxPool2d(2),
    )


class NoteNet(nn.Module):
    """Waveform ``[B, (1,) 8192]`` -> ``outputs`` values (embedding or logits)."""

    def __init__(self, spec: NoteNetSpec) -> None:
        super().__init__()
        self.spec = spec
        w = spec.width
        self.front = LogMel(n_fft=spec.n_fft, n_mels=spec.n_mels, f_min=spec.f_min, f_max=spec.f_max)
        self.input_norm = nn.BatchNorm2d(1)
        self.trunk = nn.Sequential(_block(1, w), _block(w, 2 * w), _block(2 * w, 4 * w))
        bins = spec.n_mels // 8
        self.embed = nn.Sequential(nn.Linear(4 * w * bins, spec.features), nn.ReLU())
        self.head = nn.Linear(spec.features, spec.outputs)

    def features(self, wave: torch.Tensor) -> torch.Tensor:
        """The penultimate layer ``[B, features]`` (FID's feature space).

        Each note is peak-normalised first: what a family or a pitch is does not
        depend on how loud it was played, and generated notes need not match the
        training level exactly to be judged fairly.
        """
        x = self.trunk(self.input_norm(self.front(peak_normalise(wave))))
        return self.embed(x.mean(dim=3).flatten(1))

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        out = self.head(self.features(wave))
        return F.normalize(out, dim=1) if self.spec.normalize else out
