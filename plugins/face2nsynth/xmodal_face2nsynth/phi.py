"""The audio metric phi: where "sounds similar" is measured.

phi(y) = [l1 * psi(y), l2 * MFCC(y)]: psi (128-D) knows instrument families
because a triplet loss trained it to, the 377 MFCC values know timbre and
envelope in detail; l1 and l2 are 1 / (largest pairwise distance of each part
over the training notes) so that neither part drowns the other. phi is frozen
during translation training, but gradients flow through it to the generator:
the distance loss and the auxiliary discriminator both act on phi(G(face)).
"""

from __future__ import annotations

import torch
from torch import nn

from .audio import MFCC_DIM, Mfcc
from .audionets import NoteNet, NoteNetSpec

__all__ = ["PHI_DIM", "PSI_DIM", "AudioMetric", "max_pairwise_distance"]

PSI_DIM = 128
PHI_DIM = PSI_DIM + MFCC_DIM


def max_pairwise_distance(x: torch.Tensor, chunk: int = 1024) -> float:
    """Largest Euclidean distance between two rows of ``x`` (chunked, float64)."""
    x = x.detach().double()
    best = 0.0
    for start in range(0, len(x), chunk):
        d = torch.cdist(x[start:start + chunk], x)
        best = max(best, float(d.max()))
    return best


class AudioMetric(nn.Module):
    """Waveforms -> phi features ``[B, 505]``; frozen (always in eval mode, no trainable parameters)."""

    psi_scale: torch.Tensor
    mfcc_scale: torch.Tensor

    def __init__(self, psi_spec: NoteNetSpec | None = None) -> None:
        super().__init__()
        self.psi = NoteNet(psi_spec or NoteNetSpec(outputs=PSI_DIM, normalize=True))
        self.mfcc = Mfcc()
        self.register_buffer("psi_scale", torch.ones(()))
        self.register_buffer("mfcc_scale", torch.ones(()))
        self.freeze()

    def freeze(self) -> AudioMetric:
        for p in self.parameters():
            p.requires_grad_(False)
        return self.eval()

    def train(self, mode: bool = True) -> AudioMetric:
        # Frozen: batch-norm statistics of psi never move, whatever mode the caller sets.
        return super().train(False)

    @torch.no_grad()
    def fit_scales(self, waves: torch.Tensor, batch: int = 256) -> tuple[float, float]:
        """Set l1, l2 = 1 / max pairwise distance of psi and MFCC over ``waves``."""
        psi = torch.cat([self.psi(waves[s:s + batch]) for s in range(0, len(waves), batch)])
        mfcc = torch.cat([self.mfcc(waves[s:s + batch]) for s in range(0, len(waves), batch)])
        l1, l2 = 1.0 / max_pairwise_distance(psi), 1.0 / max_pairwise_distance(mfcc)
        self.psi_scale.fill_(l1)
        self.mfcc_scale.fill_(l2)
        return l1, l2

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.psi_scale * self.psi(wave), self.mfcc_scale * self.mfcc(wave)], dim=1)
