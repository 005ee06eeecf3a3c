"""Preview pictures: a grid of images or spectrograms per dataset, drawn after each build.

The picture sits next to the cached arrays (``preview.png``) and is what
``docs/datasets.md`` shows, so a reader sees what a dataset holds without
loading it. Items are picked round-robin over the target classes with a fixed
seed, so the picture is the same on every build. Tiles are composed with
pillow rather than matplotlib figures: a build should not wait seconds for a
picture.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..fileio import atomic_path

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["default_preview", "log_spectrogram", "pick_items", "save_grid"]

TILE = 80
LABEL_HEIGHT = 12


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


def log_spectrogram(clip: np.ndarray, sample_rate: int) -> tuple[np.ndarray, np.ndarray]:
    """Frequencies and a dB magnitude spectrogram (about 32 ms windows), for display."""
    from scipy.signal import spectrogram

    raw = np.asarray(clip)
    x = raw.astype(np.float32) / 32768.0 if raw.dtype.kind == "i" else raw.astype(np.float32)
    nper = 2 ** int(math.log2(max(64, sample_rate * 0.032)))
    if len(x) < 2 * nper:  # very short clips: pad so that there are frames to show
        x = np.pad(x, (0, 2 * nper - len(x)))
    freqs, _, sxx = spectrogram(x, fs=sample_rate, nperseg=nper, noverlap=nper * 3 // 4)
    return freqs, np.asarray(10.0 * np.log10(sxx + float(sxx.max()) * 1e-12 + 1e-30))


def _image_tile(value: np.ndarray) -> Any:
    from PIL import Image as PILImage

    arr = np.asarray(value)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255).astype(np.uint8)
    pil = PILImage.fromarray(arr, mode="L" if arr.ndim == 2 else "RGB").convert("RGB")
    pil.thumbnail((TILE, TILE), PILImage.Resampling.BILINEAR if max(pil.size) > TILE
                  else PILImage.Resampling.NEAREST)
    if max(pil.size) < TILE:
        scale = TILE / max(pil.size)
        pil = pil.resize((max(1, round(pil.width * scale)), max(1, round(pil.height * scale))),
                         PILImage.Resampling.NEAREST)
    return pil


def _spectrogram_tile(clip: np.ndarray, sample_rate: int) -> Any:
    """A log-frequency (40 Hz to Nyquist), 70 dB-range spectrogram tile: pitch reads as height."""
    from matplotlib import colormaps
    from PIL import Image as PILImage

    freqs, spec = log_spectrogram(clip, sample_rate)
    rows = np.geomspace(40.0, sample_rate / 2, TILE)
    spec = np.stack([np.interp(rows, freqs, column) for column in spec.T], axis=1)
    top = float(spec.max())
    norm = np.clip((spec - (top - 70.0)) / 70.0, 0.0, 1.0)[::-1]  # low frequencies at the bottom
    rgb = (colormaps["magma"](norm)[..., :3] * 255).astype(np.uint8)
    return PILImage.fromarray(rgb, mode="RGB").resize((TILE, TILE), PILImage.Resampling.BILINEAR)


def save_grid(tiles: list[tuple[Any, str]], path: Path, title: str, columns: int = 8) -> None:
    """Lay out ``(PIL image, caption)`` tiles in a grid under a title and write a PNG."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    rows = max(1, math.ceil(len(tiles) / columns))
    cell_w, cell_h = TILE + 4, TILE + LABEL_HEIGHT + 4
    sheet = PILImage.new("RGB", (columns * cell_w, rows * cell_h + 16), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((4, 2), title, fill="black")
    for k, (tile, caption) in enumerate(tiles):
        x, y = (k % columns) * cell_w + 2, (k // columns) * cell_h + 16
        sheet.paste(tile, (x + (TILE - tile.width) // 2, y + (TILE - tile.height) // 2))
        draw.text((x, y + TILE + 1), caption[:14], fill="black")
    with atomic_path(path) as tmp:  # 256 colours: a third of the bytes, same picture
        sheet.quantize(colors=256, method=PILImage.Quantize.MEDIANCUT).save(
            tmp, format="PNG", optimize=True)


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
            tiles.append((_image_tile(np.asarray(dataset[image][i])), caption))
        if audio is not None:
            tiles.append((_spectrogram_tile(np.asarray(dataset[audio][i]), rate), caption))
    save_grid(tiles, path, f"{dataset.name} {dataset.version}: {len(dataset)} items")
