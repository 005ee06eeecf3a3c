"""Results as things a person can use: the file to download and a picture to look at.

A 28x28 digit shown at that size is a speck, and a browser scales it up with a
blur, so images are enlarged by a whole factor with nearest-neighbour here.
Audio gets the project's spectrogram tile (:mod:`engine.pictures`), enlarged,
next to the player. The downloadable file is exactly what ``xmodal translate``
would write.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["VIEW_SIDE", "Rendered", "enlarged", "render"]

#: Pictures are enlarged (by a whole factor) until their longer side reaches this.
VIEW_SIDE = 280


@dataclass(frozen=True)
class Rendered:
    """One translation written out: ``file`` to download, ``picture`` to show, ``audio`` to play."""

    file: Path
    picture: Path
    audio: Path | None


def enlarged(pil: Any, side: int = VIEW_SIDE) -> Any:
    """``pil`` scaled up by the largest whole factor that keeps it within ``side`` (at least 1)."""
    from PIL import Image as PILImage

    factor = max(1, side // max(pil.size))
    if factor == 1:
        return pil
    return pil.resize((pil.width * factor, pil.height * factor), PILImage.Resampling.NEAREST)


def render(media: Any, folder: Path, stem: str) -> Rendered:
    """Write ``media`` (an :class:`engine.Image` or :class:`engine.Audio`) and its picture into ``folder``."""
    from PIL import Image as PILImage

    from ..pictures import TILE, spectrogram_tile

    folder.mkdir(parents=True, exist_ok=True)
    if hasattr(media, "sample_rate"):
        file = media.save(folder / f"{stem}.wav")
        tile = spectrogram_tile(media.to_mono().to_numpy(), int(media.sample_rate))
        view = tile.resize((TILE * 4, TILE * 3), PILImage.Resampling.BILINEAR)
        picture = folder / f"{stem}-spectrogram.png"
        view.save(picture)
        return Rendered(file, picture, file)
    file = media.save(folder / f"{stem}.png")
    picture = folder / f"{stem}-view.png"
    enlarged(media.to_pil()).save(picture)
    return Rendered(file, picture, None)
