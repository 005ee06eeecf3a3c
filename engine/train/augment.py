"""Differentiable augmentation of a GAN critic's inputs (Zhao et al. 2020).

With a few hundred training images a discriminator soon tells real from fake
by memorising the images, and the generator stops improving (voice2face:
after about 4,000 steps D(fake) sat near 0.06; docs/results/voice2face.md).
Zhao et al. (2020, "Differentiable Augmentation for Data-Efficient GAN
Training") show the remedy: transform *every* image the critic sees, real and
fake, in the critic's and the generator's updates alike, with operations that
gradients pass through, so the critic cannot key on the exact images and the
generator is never asked to draw the augmentations. The three transforms here
are theirs (brightness and contrast, translation by up to 1/8 of the side
with zero fill, a cutout square of half the side); their saturation step is
left out (voice2face's faces are grey). Images are expected in [-1, 1] or any
range around 0: the colour change shifts by up to +-0.5.

Random draws come from a ``rand(n)`` callable (the training context's
per-sample uniform noise), so a resumed run repeats them.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

__all__ = ["diff_augment"]

Rand = Callable[[int], torch.Tensor]


def _colour(x: torch.Tensor, rand: Rand) -> torch.Tensor:
    n = len(x)
    x = x + (rand(n).to(x) - 0.5).view(n, 1, 1, 1)
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (rand(n).to(x) + 0.5).view(n, 1, 1, 1) + mean


def _translate(x: torch.Tensor, rand: Rand, ratio: float = 0.125) -> torch.Tensor:
    n, _, h, w = x.shape
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = (rand(n).to(x.device) * (2 * sy + 1)).long().clamp(max=2 * sy)
    dx = (rand(n).to(x.device) * (2 * sx + 1)).long().clamp(max=2 * sx)
    padded = F.pad(x, (sx, sx, sy, sy))
    rows = torch.arange(h, device=x.device)[None, :] + dy[:, None]  # [n, h] into the padded image
    cols = torch.arange(w, device=x.device)[None, :] + dx[:, None]
    batch = torch.arange(n, device=x.device)[:, None, None]
    return padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def _cutout(x: torch.Tensor, rand: Rand, ratio: float = 0.5) -> torch.Tensor:
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = (rand(n).to(x.device) * (h + 1 - ch % 2)).long()
    cx = (rand(n).to(x.device) * (w + 1 - cw % 2)).long()
    ys = torch.arange(h, device=x.device)[None, :]
    xs = torch.arange(w, device=x.device)[None, :]
    inside_y = (ys >= (cy - ch // 2)[:, None]) & (ys < (cy - ch // 2 + ch)[:, None])
    inside_x = (xs >= (cx - cw // 2)[:, None]) & (xs < (cx - cw // 2 + cw)[:, None])
    keep = ~(inside_y[:, :, None] & inside_x[:, None, :])
    return x * keep[:, None].to(x)


def diff_augment(x: torch.Tensor, rand: Rand) -> torch.Tensor:
    """Faces ``[B, C, H, W]`` with a fresh colour change, shift and cutout each (differentiable)."""
    return _cutout(_translate(_colour(x, rand), rand), rand)
