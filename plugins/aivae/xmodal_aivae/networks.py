"""AIVAE's networks: a conv audio encoder, a 64-D Gaussian latent, a deconv image decoder,
and AIVAEGAN's image discriminator.

The shapes follow the paper (48x48 mel picture in, 64-D latent, 28x28 digit out);
the exact layer lists of its Tables 1 and 2 are not reproduced layer for layer
(see docs/results/aivae.md): these are DCGAN-style stacks of stride-2 4x4
convolutions with batch norm, sized by one ``width`` knob so that the CPU preset
and the tests can shrink them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch
from torch import nn

from engine import Translator

__all__ = [
    "AudioEncoderNet",
    "DigitDecoderNet",
    "Discriminator",
    "VaeOutput",
    "VaeTrainingView",
    "VaeTranslator",
    "kl_divergence",
]


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) per sample, summed over latent dimensions."""
    return -0.5 * torch.sum(1.0 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def _down(cin: int, cout: int, norm: bool) -> list[nn.Module]:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, 4, stride=2, padding=1, bias=not norm)]
    if norm:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.LeakyReLU(0.2))
    return layers


def _up(cin: int, cout: int) -> list[nn.Module]:
    return [nn.ConvTranspose2d(cin, cout, 4, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU()]


class AudioEncoderNet(nn.Module):
    """``[B, 1, S, S]`` mel pictures (S divisible by 8) -> ``(mu, logvar)`` of the latent."""

    def __init__(self, latent_dim: int = 64, width: int = 32, size: int = 48,
                 dropout: float = 0.0) -> None:
        super().__init__()
        if size % 8:
            raise ValueError(f"the mel picture side must be divisible by 8, got {size}")
        side = size // 8
        self.features = nn.Sequential(
            *_down(1, width, norm=False), *_down(width, 2 * width, norm=True),
            *_down(2 * width, 4 * width, norm=True), nn.Flatten(), nn.Dropout(dropout),
        )
        self.head = nn.Linear(4 * width * side * side, 2 * latent_dim)

    def forward(self, mel: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.head(self.features(mel)).chunk(2, dim=1)
        return mu, logvar


class DigitDecoderNet(nn.Module):
    """Latent codes ``[B, latent_dim]`` -> 28x28 image logits ``[B, 1, 28, 28]``."""

    def __init__(self, latent_dim: int = 64, width: int = 32) -> None:
        super().__init__()
        self.width = width
        self.project = nn.Sequential(
            nn.Linear(latent_dim, 4 * width * 7 * 7, bias=False),
            nn.BatchNorm1d(4 * width * 7 * 7), nn.ReLU(),
        )
        self.body = nn.Sequential(
            *_up(4 * width, 2 * width), *_up(2 * width, width),
            nn.Conv2d(width, 1, 3, padding=1),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(self.project(z).view(-1, 4 * self.width, 7, 7))


class VaeTranslator(Translator):
    """The trained part of the pipeline: mel picture -> latent -> digit logits.

    At inference the latent is the posterior mean (a spoken digit always gives
    the same picture); sampling is only for training and for the pictures.
    """

    def __init__(self, latent_dim: int = 64, width: int = 32, size: int = 48,
                 dropout: float = 0.0) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = AudioEncoderNet(latent_dim, width, size, dropout)
        self.decoder = DigitDecoderNet(latent_dim, width)

    def encode(self, mel: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(mel)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.decoder(z)
        return logits

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        mu, _ = self.encode(features)
        return self.decode(mu)


class VaeOutput(NamedTuple):
    """One training forward pass: reconstruction logits, posterior, and decoded prior samples."""

    logits: torch.Tensor
    mu: torch.Tensor
    logvar: torch.Tensor
    prior_logits: torch.Tensor | None


class VaeTrainingView(nn.Module):
    """The translator seen by the training loop: one ``forward`` that returns everything.

    Data-parallel wrappers only synchronise gradients of what runs through
    ``forward``, so the reparameterised sample (and AIVAEGAN's decoded prior
    draws) are computed here rather than through ``encode``/``decode`` calls
    from the recipe.
    """

    def __init__(self, translator: VaeTranslator) -> None:
        super().__init__()
        self.translator = translator

    def forward(self, mel: torch.Tensor, noise: torch.Tensor,
                prior: torch.Tensor | None = None) -> VaeOutput:
        mu, logvar = self.translator.encode(mel)
        z = mu + noise * torch.exp(0.5 * logvar)
        if prior is None:
            return VaeOutput(self.translator.decode(z), mu, logvar, None)
        both = self.translator.decode(torch.cat([z, prior]))
        return VaeOutput(both[: len(z)], mu, logvar, both[len(z):])


class Discriminator(nn.Module):
    """AIVAEGAN's critic: a 28x28 image in [0, 1] -> one real/fake logit.

    No batch norm: real and generated images go through in one batch, and
    batch statistics would let it tell them apart by the mix rather than by looks.
    """

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 2 * width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * width, 4 * width, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(4 * width * 7 * 7, 1),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        logits: torch.Tensor = self.net(images * 2.0 - 1.0)
        return logits.flatten()
