"""The multimodal layers and the paper's three losses.

One linear hidden layer reads the concatenated ``[image feature; sound
feature]``; a missing modality is zero-filled, so the same weights map an
image alone (I), a sound alone (S) and both (B). Without its bias, B's hidden
output is exactly I's plus S's, which is why the paper halves it ("when I and S
converge, B is twice I or S"); with the bias we halve the whole of B's
pre-activation. A ReLU and a class layer follow. The GAN reads the
*pre-activation* ("linearly-converted") sound feature.

Losses (the paper's weights are not given; ours are in :class:`LossWeights`):

1. L1 between the hidden pre-activations of I and S, of I and B/2 and of S and B/2;
2. cross-entropy between the hidden outputs of I and S (each a softmax over the
   hidden units), symmetric, applied before and after the activation;
3. the class cross-entropy of the output layer for I, S and B, which keeps the
   first two from collapsing every feature to zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["LossWeights", "Multimodal", "distribution_cross_entropy", "multimodal_losses"]


class Multimodal(nn.Module):
    """Input ``image_dim + sound_dim`` -> hidden ``hidden`` (linear, then ReLU) -> ``classes`` logits."""

    def __init__(self, image_dim: int, sound_dim: int, hidden: int, classes: int) -> None:
        super().__init__()
        self.image_dim, self.sound_dim = image_dim, sound_dim
        self.hidden = nn.Linear(image_dim + sound_dim, hidden)
        self.out = nn.Linear(hidden, classes)

    def pre(self, image: torch.Tensor | None = None, sound: torch.Tensor | None = None) -> torch.Tensor:
        """The hidden pre-activation of I, S or B (halved), the missing modality zero-filled."""
        ref = image if image is not None else sound
        if ref is None:
            raise ValueError("give an image feature, a sound feature or both")
        n = len(ref)
        img = image if image is not None else ref.new_zeros(n, self.image_dim)
        snd = sound if sound is not None else ref.new_zeros(n, self.sound_dim)
        h = self.hidden(torch.cat([img, snd], 1))
        return h / 2 if image is not None and sound is not None else h

    def classify(self, pre: torch.Tensor) -> torch.Tensor:
        return self.out(F.relu(pre))

    def forward(self, image: torch.Tensor | None = None,
                sound: torch.Tensor | None = None) -> torch.Tensor:
        return self.classify(self.pre(image, sound))


def distribution_cross_entropy(p_logits: torch.Tensor, q_logits: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of H(p, q) = -sum_j p_j log q_j with p, q softmaxes over the hidden units."""
    return -(F.softmax(p_logits, 1) * F.log_softmax(q_logits, 1)).sum(1).mean()


@dataclass(frozen=True)
class LossWeights:
    """Our weights for the three losses (the paper gives none)."""

    l1: float = 1.0
    hidden_ce: float = 0.1
    cls: float = 1.0


def multimodal_losses(model: Multimodal, image: torch.Tensor, sound: torch.Tensor, label: torch.Tensor,
                      weights: LossWeights = LossWeights()) -> dict[str, torch.Tensor]:
    """The three losses for pairs ``(image, sound)`` sharing ``label``; ``"total"`` is their weighted sum."""
    h_i, h_s, h_b = model.pre(image=image), model.pre(sound=sound), model.pre(image, sound)
    l1 = (h_i - h_s).abs().mean() + (h_i - h_b).abs().mean() + (h_s - h_b).abs().mean()
    a_i, a_s = F.relu(h_i), F.relu(h_s)
    ce_pre = distribution_cross_entropy(h_i, h_s) + distribution_cross_entropy(h_s, h_i)
    ce_post = distribution_cross_entropy(a_i, a_s) + distribution_cross_entropy(a_s, a_i)
    cls = sum((F.cross_entropy(model.classify(h), label) for h in (h_i, h_s, h_b)),
              start=torch.zeros((), device=image.device))
    total = weights.l1 * l1 + weights.hidden_ce * (ce_pre + ce_post) + weights.cls * cls
    return {"total": total, "l1": l1, "ce_pre": ce_pre, "ce_post": ce_post, "cls": cls}
