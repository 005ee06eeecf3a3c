"""The paper's evaluation: LeNet-5 accuracy on digits generated from held-out speech.

A translation counts as right when the bundled LeNet-5 (trained on real MNIST
only) reads the spoken digit in the generated image. The same function serves
``xmodal eval``, validation during training and the latent ablation, so every
number in the docs comes from one code path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from .data import PairedMels, load_pairs
from .lenet import lenet_accuracy, load_lenet
from .networks import VaeTranslator, kl_divergence
from .pipeline import AivaeArchitecture, AivaePipeline, Setting

__all__ = ["evaluate_pipeline", "generate", "latent_ablation", "pairs_for", "spread"]


def pairs_for(pipeline: AivaePipeline, split: str, setting: Setting | None = None,
              val_fraction: float = 0.1, seed: int = 0, limit: int | None = None) -> PairedMels:
    """The ``split`` of the model's own setting (or ``setting``), heard through its front end."""
    arch: AivaeArchitecture = pipeline.architecture(pipeline.config)
    return load_pairs(setting or arch.setting, split, arch.frontend, val_fraction, seed, limit)


@torch.no_grad()
def generate(pipeline: AivaePipeline, mels: torch.Tensor, *, zeroed: Sequence[int] = (),
             sample: torch.Generator | None = None, batch_size: int = 500) -> torch.Tensor:
    """Images ``[N, 1, 28, 28]`` from mel pictures; ``zeroed`` latent dimensions are set to 0.

    The latent is the posterior mean, or a draw from the posterior when a
    ``sample`` generator is given (how a VAE shows its variety).
    """
    translator = pipeline.translator
    assert isinstance(translator, VaeTranslator)
    device = next(pipeline.parameters()).device
    was_training = pipeline.training
    pipeline.eval()
    dims = torch.as_tensor(list(zeroed), dtype=torch.long, device=device)
    out = []
    for start in range(0, len(mels), batch_size):
        features = pipeline.encoder(mels[start:start + batch_size].to(device))
        mu, logvar = translator.encode(features)
        if sample is not None:
            noise = torch.randn(mu.shape, generator=sample).to(device)
            mu = mu + noise * torch.exp(0.5 * logvar)
        if len(dims):
            mu = mu.index_fill(1, dims, 0.0)
        out.append(pipeline.decoder(translator.decode(mu)).float().cpu())
    pipeline.train(was_training)
    return torch.cat(out)


def evaluate_pipeline(pipeline: AivaePipeline, split: str, *, setting: Setting | None = None,
                      val_fraction: float = 0.1, seed: int = 0,
                      limit: int | None = None) -> dict[str, float]:
    """The paper's ``lenet_accuracy`` (posterior-mean images) and what qualifies it.

    ``lenet_accuracy_sampled``: the same with one posterior draw per clip.
    ``spread`` / ``spread_sampled`` / ``real_spread``: pixel standard deviation
    among images of one digit, averaged over digits, for the generated images
    (mean or sampled latent) and for the real ones: the diversity that the
    paper trades against consistency.
    """
    pairs = pairs_for(pipeline, split, setting, val_fraction, seed, limit)
    lenet = load_lenet()
    images = generate(pipeline, pairs.mel)
    sampled = generate(pipeline, pairs.mel, sample=torch.Generator().manual_seed(seed))
    return {
        "lenet_accuracy": lenet_accuracy(lenet, images, pairs.digit),
        "lenet_accuracy_sampled": lenet_accuracy(lenet, sampled, pairs.digit),
        "real_lenet_accuracy": lenet_accuracy(lenet, pairs.image, pairs.digit),
        "spread": spread(images, pairs.digit),
        "spread_sampled": spread(sampled, pairs.digit),
        "real_spread": spread(pairs.image, pairs.digit),
        "items": float(len(pairs)),
    }


def spread(images: torch.Tensor, digits: torch.Tensor) -> float:
    """Mean per-pixel standard deviation within each digit's images, averaged over digits."""
    values = [images[digits == d].std(dim=0).mean() for d in digits.unique() if (digits == d).sum() > 1]
    return float(torch.stack(values).mean()) if values else 0.0


@torch.no_grad()
def latent_ablation(pipeline: AivaePipeline, pairs: PairedMels, *, orders: int = 5,
                    seed: int = 0) -> dict[str, Any]:
    """LeNet accuracy with k = 0..latent_dim posterior-mean dimensions set to zero.

    Two orders of zeroing: random (mean and spread over ``orders`` permutations)
    and by each dimension's average KL on these clips, least informative first,
    which shows how many dimensions actually carry the digit.
    """
    translator = pipeline.translator
    assert isinstance(translator, VaeTranslator)
    lenet = load_lenet()
    latent = translator.latent_dim
    device = next(pipeline.parameters()).device
    pipeline.eval()
    mu, logvar = translator.encode(pipeline.encoder(pairs.mel.to(device)))
    per_dim = torch.stack([kl_divergence(mu[:, [d]], logvar[:, [d]]).mean() for d in range(latent)])
    by_kl = torch.argsort(per_dim.cpu()).tolist()
    rng = np.random.default_rng(seed)
    perms = [rng.permutation(latent).tolist() for _ in range(orders)]

    def curve(order: list[int]) -> list[float]:
        return [lenet_accuracy(lenet, generate(pipeline, pairs.mel, zeroed=order[:k]), pairs.digit)
                for k in range(latent + 1)]

    random_curves = np.array([curve(p) for p in perms])
    return {
        "k": list(range(latent + 1)),
        "random_mean": random_curves.mean(0).tolist(),
        "random_std": random_curves.std(0).tolist(),
        "kl_ordered": curve(by_kl),
        "kl_per_dim": per_dim.cpu().tolist(),
    }
