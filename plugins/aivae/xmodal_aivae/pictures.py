"""The paper's pictures: generated-vs-real digit grids and the latent-ablation curve."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from engine.pictures import save_figure

from .data import PairedMels
from .evaluation import generate
from .pipeline import AivaePipeline

__all__ = ["ablation_plot", "comparison_grid"]


def _pick(digits: torch.Tensor, per_digit: int) -> list[int]:
    """The first ``per_digit`` items of every digit, digit by digit (rows of the grid)."""
    rows: list[int] = []
    for d in range(10):
        found = torch.nonzero(digits == d).flatten()[:per_digit].tolist()
        rows += found + [-1] * (per_digit - len(found))
    return rows


def _tile(images: torch.Tensor, picks: list[int], per_digit: int) -> torch.Tensor:
    """A ``[10*29, per_digit*29]`` mosaic with a 1-pixel grey gutter."""
    canvas = torch.full((10 * 29 + 1, per_digit * 29 + 1), 0.5)
    for slot, i in enumerate(picks):
        r, c = divmod(slot, per_digit)
        if i >= 0:
            canvas[1 + r * 29:1 + r * 29 + 28, 1 + c * 29:1 + c * 29 + 28] = images[i, 0]
    return canvas


def comparison_grid(pipeline: AivaePipeline, pairs: PairedMels, path: str | os.PathLike[str], *,
                    title: str, per_digit: int = 8) -> Path:
    """Digits generated from test clips beside real MNIST test images, one row per digit.

    Panels: the posterior-mean translation (what ``translate`` returns and the
    LeNet score measures), one posterior draw per clip (the VAE's variety), and
    real images. Each column is a different test clip, so the panels also show
    how much a translation varies between speakers and takes.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    picks = _pick(pairs.digit, per_digit)
    panels = (
        (generate(pipeline, pairs.mel), "generated (posterior mean)"),
        (generate(pipeline, pairs.mel, sample=torch.Generator().manual_seed(0)),
         "generated (posterior sample)"),
        (pairs.image, "real MNIST test images"),
    )
    fig, axes = plt.subplots(1, 3, figsize=(3 * per_digit * 0.42 + 0.6, 10 * 0.42 + 0.8))
    for ax, (images, label) in zip(axes, panels, strict=True):
        ax.imshow(_tile(images, picks, per_digit).numpy(), cmap="gray", vmin=0, vmax=1)
        ax.set_title(label, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([14 + 29 * d for d in range(10)], [str(d) for d in range(10)], fontsize=8)
    fig.suptitle(title, fontsize=10)
    return save_figure(fig, path)


def ablation_plot(curves: Mapping[str, Mapping[str, Any]], path: str | os.PathLike[str]) -> Path:
    """LeNet accuracy against the number of zeroed latent dimensions, one line per model."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for label, res in curves.items():
        k = res["k"]
        mean = torch.tensor(res["random_mean"])
        std = torch.tensor(res["random_std"])
        line = ax.plot(k, mean.numpy(), label=f"{label}: random order")[0]
        ax.fill_between(k, (mean - std).numpy(), (mean + std).numpy(), alpha=0.2,
                        color=line.get_color())
        ax.plot(k, res["kl_ordered"], linestyle="--", color=line.get_color(),
                label=f"{label}: least-KL first")
    ax.axhline(0.1, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel("latent dimensions set to zero (k)")
    ax.set_ylabel("LeNet-5 accuracy on generated digits")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, max(len(r["k"]) for r in curves.values()) - 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save_figure(fig, path)
