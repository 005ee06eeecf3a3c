"""Preview pictures: a grid of images or spectrograms per dataset, drawn after each build.

The picture sits next to the cached arrays (``preview.png``) and is what
``docs/datasets.md`` shows, so a reader sees what a dataset holds without
loading it. Items are picked round-robin over the target classes with a fixed
seed, so the picture is the same on every build. Tiles are composed with
pillow rather than matplotlib figures: a build should not wait seconds for a
picture.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..pictures import image_tile, log_spectrogram, save_grid, spectrogram_tile

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["default_preview", "log_spectrogram", "pick_items", "save_grid"]


def pick_items(dataset: Dataset, count: int) -> list[int]:
    """Up to ``count`` item indices spread over the target classes, deterministically."""
    rng = np.random.default_rng(0)
    n = len(dataset)
    if dataset.target is None:
        return sorted(rng.choice(n, size=min(count, n), replace=False).tolist())
    labels = np.asarray(dataset[dataset.target])
    pools = [rng.permutation(np.flatnonzero(labels == c)).tolist()
             for c in range(len(dataset.classes[dataset.target]))]
    picked: list[int] = []
    while len(picked) < min(count, n) and any(pools):
        for pool in pools:
            if pool and len(picked) < count:
                picked.append(pool.pop())
    return picked


def _label(dataset: Dataset, index: int) -> str:
    if dataset.target is None:
        return str(index)
    return dataset.classes[dataset.target][int(dataset[dataset.target][index])]


def default_preview(dataset: Dataset, path: Path, count: int | None = None) -> None:
    """Images as a grid, audio as spectrograms, image+audio pairs side by side.

    A dataset with neither (embeddings, tables) gets no picture.
    """
    kinds = {f: dataset.manifest.arrays[f].kind for f in dataset.fields}
    image = next((f for f, k in kinds.items() if k == "image"), None)
    audio = next((f for f, k in kinds.items() if k == "audio"), None)
    if image is None and audio is None:
        return
    rate = int(dataset.meta.get("sample_rate", 16000))
    count = count or (48 if audio is None else 32 if image is None else 16)
    tiles = []
    for i in pick_items(dataset, count):
        caption = _label(dataset, i)
        if image is not None:
            tiles.append((image_tile(np.asarray(dataset[image][i])), caption))
        if audio is not None:
            tiles.append((spectrogram_tile(np.asarray(dataset[audio][i]), rate), caption))
    save_grid(tiles, path, f"{dataset.name} {dataset.version}: {len(dataset)} items")
