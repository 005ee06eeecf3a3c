"""Pictures of media: image tiles, spectrogram tiles and captioned grids.

Shared by dataset previews, the demo and the plugins' result figures, so every
picture of audio in the project is drawn the same way. Tiles are composed with
pillow rather than matplotlib figures, which keeps them fast enough to draw after
every build.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from .fileio import atomic_path

__all__ = [
    "LABEL_HEIGHT",
    "TILE",
    "image_tile",
    "log_spectrogram",
    "media_tile",
    "save_figure",
    "save_grid",
    "spectrogram_tile",
]

TILE = 80
LABEL_HEIGHT = 12


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


def image_tile(value: np.ndarray) -> Any:
    """A uint8 or [0, 1] float image (HW or HWC) as a TILE-sized RGB pillow image."""
    from PIL import Image as PILImage

    arr = np.asarray(value)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255).astype(np.uint8)
    pil = PILImage.fromarray(arr).convert("RGB")  # uint8 HW is "L", HWx3 "RGB"
    pil.thumbnail((TILE, TILE), PILImage.Resampling.BILINEAR if max(pil.size) > TILE
                  else PILImage.Resampling.NEAREST)
    if max(pil.size) < TILE:
        scale = TILE / max(pil.size)
        pil = pil.resize((max(1, round(pil.width * scale)), max(1, round(pil.height * scale))),
                         PILImage.Resampling.NEAREST)
    return pil


def spectrogram_tile(clip: np.ndarray, sample_rate: int) -> Any:
    """A log-frequency (40 Hz to Nyquist), 70 dB-range spectrogram tile: pitch reads as height."""
    from matplotlib import colormaps
    from PIL import Image as PILImage

    freqs, spec = log_spectrogram(clip, sample_rate)
    rows = np.geomspace(40.0, sample_rate / 2, TILE)
    spec = np.stack([np.interp(rows, freqs, column) for column in spec.T], axis=1)
    top = float(spec.max())
    norm = np.clip((spec - (top - 70.0)) / 70.0, 0.0, 1.0)[::-1]  # low frequencies at the bottom
    rgb = (colormaps["magma"](norm)[..., :3] * 255).astype(np.uint8)
    return PILImage.fromarray(rgb).resize((TILE, TILE), PILImage.Resampling.BILINEAR)


def media_tile(media: Any) -> Any:
    """An :class:`engine.Image` or :class:`engine.Audio` value as a tile."""
    if hasattr(media, "sample_rate"):
        return spectrogram_tile(media.to_mono().to_numpy(), int(media.sample_rate))
    return image_tile(media.to_numpy())


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


def save_figure(fig: Any, path: str | os.PathLike[str], dpi: int = 110) -> Path:
    """Lay out a matplotlib figure, write it atomically as PNG and free it.

    Plots are written where a reader may already be looking (docs, run
    folders), so a half-drawn file must never appear; and figures left open
    pile up in matplotlib's global state across many plots in one process.
    """
    import matplotlib.pyplot as plt

    target = Path(path)
    fig.tight_layout()
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
    plt.close(fig)
    return target
