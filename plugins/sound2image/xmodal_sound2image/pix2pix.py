"""pix2pix (Isola et al. 2017): the U-Net generator and the PatchGAN discriminator, for both GANs.

The paper stacks two of them and gives no sizes. Ours follow pix2pix's
defaults scaled down: the U-Net halves the map with 4x4 stride-2 convolutions
(LeakyReLU 0.2, batch norm except at the ends) to 1x1 and doubles it back with
transposed convolutions, each decoder layer concatenated with its encoder
twin; dropout 0.5 in the three innermost decoder layers (off at inference, so
one sound always gives one picture). The PatchGAN is pix2pix's ``n_layers=3``
discriminator (C64-C128-C256-C512 at width 64) on the condition and the
output stacked as channels. Losses: binary cross-entropy on the patch logits,
plus ``lambda_l1`` times the L1 to the target for the generator.

A feature vector becomes a map as in the paper: reshaped to a square (4096
values -> 64x64; our cpu-small 1024 -> 32x32) and upsampled x2 ("ensemble
effect") to the U-Net's input size.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["PatchGAN", "UNet", "feature_to_map", "map_to_feature", "pix2pix_d_loss", "pix2pix_g_loss"]


def feature_to_map(feature: torch.Tensor, size: int) -> torch.Tensor:
    """``[B, D]`` (D a square) -> ``[B, 1, size, size]`` (nearest-neighbour upsampling)."""
    side = math.isqrt(feature.shape[1])
    if side * side != feature.shape[1]:
        raise ValueError(f"a {feature.shape[1]}-D feature is not a square map")
    grid = feature.reshape(len(feature), 1, side, side)
    return grid if side == size else F.interpolate(grid, size=(size, size), mode="nearest")


def map_to_feature(grid: torch.Tensor, dim: int) -> torch.Tensor:
    """The inverse of :func:`feature_to_map`: average-pool the map back to ``dim`` values."""
    side = math.isqrt(dim)
    if grid.shape[-1] != side:
        grid = F.adaptive_avg_pool2d(grid, side)
    return grid.reshape(len(grid), dim)


class UNet(nn.Module):
    """``[B, c_in, S, S]`` -> ``[B, c_out, S, S]`` in (-1, 1); S a power of two, ``log2(S)`` levels."""

    def __init__(self, c_in: int, c_out: int, size: int, width: int = 16, max_mult: int = 8) -> None:
        super().__init__()
        levels = int(math.log2(size))
        if 2 ** levels != size or levels < 2:
            raise ValueError(f"U-Net size {size} is not a power of two >= 4")
        chans = [width * min(2 ** i, max_mult) for i in range(levels)]
        self.down = nn.ModuleList()
        prev = c_in
        for i, c in enumerate(chans):
            layers: list[nn.Module] = [] if i == 0 else [nn.LeakyReLU(0.2, True)]
            layers.append(nn.Conv2d(prev, c, 4, 2, 1, bias=i in (0, levels - 1)))
            if 0 < i < levels - 1:
                layers.append(nn.BatchNorm2d(c))
            self.down.append(nn.Sequential(*layers))
            prev = c
        self.up = nn.ModuleList()
        for i in reversed(range(levels)):
            inner = chans[i] if i == levels - 1 else 2 * chans[i]
            out = c_out if i == 0 else chans[i - 1]
            layers = [nn.ReLU(True), nn.ConvTranspose2d(inner, out, 4, 2, 1, bias=i == 0)]
            if i == 0:
                layers.append(nn.Tanh())
            else:
                layers.append(nn.BatchNorm2d(out))
                if i >= levels - 3 and levels > 3:
                    layers.append(nn.Dropout(0.5))
            self.up.append(nn.Sequential(*layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for layer in self.down:
            x = layer(x)
            skips.append(x)
        skips.pop()
        for layer in self.up:
            x = layer(x)
            if skips:
                x = torch.cat([x, skips.pop()], 1)
        return x


class PatchGAN(nn.Module):
    """pix2pix's ``n_layers=3`` discriminator: ``[B, c, S, S]`` -> patch logits ``[B, 1, s, s]``."""

    def __init__(self, c_in: int, width: int = 16) -> None:
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(c_in, w, 4, 2, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(w, 2 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(2 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(2 * w, 4 * w, 4, 2, 1, bias=False), nn.BatchNorm2d(4 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(4 * w, 8 * w, 4, 1, 1, bias=False), nn.BatchNorm2d(8 * w), nn.LeakyReLU(0.2, True),
            nn.Conv2d(8 * w, 1, 4, 1, 1))

    def forward(self, condition: torch.Tensor, output: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([condition, output], 1))


def pix2pix_d_loss(d: PatchGAN | nn.Module, condition: torch.Tensor, real: torch.Tensor,
                   fake: torch.Tensor) -> torch.Tensor:
    """pix2pix's discriminator loss: (BCE(real pairs, 1) + BCE(fake pairs, 0)) / 2, fakes detached."""
    r, f = d(condition, real), d(condition, fake.detach())
    return 0.5 * (F.binary_cross_entropy_with_logits(r, torch.ones_like(r))
                  + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f)))


def pix2pix_g_loss(d: PatchGAN | nn.Module, condition: torch.Tensor, real: torch.Tensor,
                   fake: torch.Tensor, lambda_l1: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(adversarial BCE(fake pairs, 1), L1(fake, real)); the generator minimises adv + lambda_l1 * L1."""
    f = d(condition, fake)
    return F.binary_cross_entropy_with_logits(f, torch.ones_like(f)), (fake - real).abs().mean()
