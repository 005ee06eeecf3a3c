"""The results page's pictures: sound -> generated -> original rows, and a t-SNE of the multimodal space.

Rows: one held-out eval sound per class shown (its log-mel spectrogram), the
picture the model draws from it, and an eval picture of the class (what the
judge compares it with). The t-SNE embeds the multimodal features (after the
activation) of eval sounds (dots) and eval pictures (crosses) of the same
classes, one colour a class: where sounds sit beside their class's pictures,
the shared space works.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from .data import load_objects, pictures_to_tensor

__all__ = ["draw_rows", "draw_tsne", "shown_classes"]


def shown_classes(classes: list[str], groups: list[str], sound_label: torch.Tensor,
                  per_group: int = 4) -> list[int]:
    """Up to ``per_group`` classes of each group that have eval sounds (the first ones, in order)."""
    present = sorted({int(c) for c in sound_label})
    by_group: dict[str, list[int]] = {}
    label_group = {int(c): g for c, g in zip(sound_label.tolist(), groups, strict=True)}
    for c in present:
        by_group.setdefault(label_group[c], []).append(c)
    return [c for g in ("instrument", "digit", "animal") for c in by_group.get(g, [])[:per_group]]


def _image(x: torch.Tensor) -> np.ndarray:
    return ((x.clamp(-1, 1) + 1) / 2).permute(1, 2, 0).numpy()


@torch.no_grad()
def draw_rows(pipeline: Any, out: Path, *, tiny: bool = False, per_group: int = 4) -> Path:
    """A grid, one row a class: spectrogram | generated picture | original picture."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pipeline.eval()
    test = load_objects("test", tiny=tiny, size=pipeline.translator.arch.image_size)
    shown = shown_classes(test.classes, test.sound_group, test.sound_label, per_group)
    gen = torch.Generator().manual_seed(0)
    fig, axes = plt.subplots(len(shown), 3, figsize=(6.6, 2.0 * len(shown)), squeeze=False)
    for row, c in enumerate(shown):
        sounds = torch.nonzero(test.sound_label == c).flatten()
        pictures = torch.nonzero(test.picture_label == c).flatten()
        s = int(sounds[torch.randint(len(sounds), (1,), generator=gen)])
        fake = pipeline.pictures_from_waves(test.wave[s:s + 1])[0]
        axes[row][0].imshow(test.spec[s, 0].numpy(), origin="lower", aspect="auto", cmap="magma")
        axes[row][1].imshow(_image(fake))
        if len(pictures):
            p = int(pictures[torch.randint(len(pictures), (1,), generator=gen)])
            axes[row][2].imshow(_image(pictures_to_tensor(test.picture[p:p + 1])[0]))
        axes[row][0].set_ylabel(test.classes[c], fontsize=9)
        for ax in axes[row]:
            ax.set_xticks([])
            ax.set_yticks([])
    for ax, title in zip(axes[0], ("eval sound (log-mel)", "generated", "an eval picture"), strict=True):
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out


@torch.no_grad()
def draw_tsne(pipeline: Any, out: Path, *, tiny: bool = False, per_group: int = 4,
              per_class: int = 25) -> Path:
    """t-SNE of eval sounds' and pictures' multimodal features (after the ReLU), coloured by class."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .tsne import embed_2d

    pipeline.eval()
    net = pipeline.translator
    test = load_objects("test", tiny=tiny, size=net.arch.image_size)
    shown = shown_classes(test.classes, test.sound_group, test.sound_label, per_group)
    gen = torch.Generator().manual_seed(0)
    feats, labels, is_sound = [], [], []
    for c in shown:
        sounds = torch.nonzero(test.sound_label == c).flatten()
        pictures = torch.nonzero(test.picture_label == c).flatten()
        sounds = sounds[torch.randperm(len(sounds), generator=gen)[:per_class]]
        pictures = pictures[torch.randperm(len(pictures), generator=gen)[:per_class]]
        if len(sounds):
            feats.append(net.sound_pre(pipeline.encoder(test.wave[sounds])).relu())
            labels += [c] * len(sounds)
            is_sound += [True] * len(sounds)
        if len(pictures):
            fc6 = net.image_cnn.features(pictures_to_tensor(test.picture[pictures]))
            feats.append(net.image_pre(fc6).relu())
            labels += [c] * len(pictures)
            is_sound += [False] * len(pictures)
    xy = embed_2d(torch.cat(feats).numpy())
    lab, snd = np.array(labels), np.array(is_sound)
    cmap = plt.get_cmap("tab20")
    fig, ax = plt.subplots(figsize=(8, 6.5))
    for i, c in enumerate(shown):
        colour = cmap(i % 20)
        m = lab == c
        ax.scatter(xy[m & snd, 0], xy[m & snd, 1], s=14, color=colour, marker="o", label=test.classes[c])
        ax.scatter(xy[m & ~snd, 0], xy[m & ~snd, 1], s=22, color=colour, marker="x")
    ax.set_title("multimodal space (after ReLU), eval split: sounds o, pictures x")
    ax.legend(fontsize=7, ncol=2, loc="best")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out
