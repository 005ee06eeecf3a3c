"""``instruments-clipart``: instrument drawings from Debian openclipart-png, augmented.

The image side of the cmgan stand-in (URMP's 13 instruments). openclipart has
drawings of 8 of them; the other 5 are made from the closest drawing with a
fixed reshaping and recolouring, so that they stay distinguishable classes:

========== ============================== =====================================
class      drawings                       substitution
========== ============================== =====================================
viola      the 3 violin drawings          10% taller, red-brown tint
double bass the 3 cello drawings          wider and 15% taller, dark-brown tint
clarinet   the oboe drawing               40% wider, blue-black tint
bassoon    the oboe drawing               twice as wide, red-brown tint
tuba       the French horn drawing        turned 90 degrees, silver tint
========== ============================== =====================================

Augmentation happens at build time (a fixed number of variants per class):
rotation, mirror, scale, position, background colour and brightness/contrast
jitter, none of which changes what instrument a picture shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import DataError
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .settings import data_dir
from .splits import stratified_split

__all__ = ["DRAWINGS", "ClipartBuilder", "Drawing", "find_openclipart"]

OPENCLIPART_DIRS = (Path("/usr/share/openclipart/png"),)
#: Drawings are shrunk to this once, so that each augmentation works on a small image.
WORKING_SIZE = 256


@dataclass(frozen=True)
class Drawing:
    """How one class is drawn: source files plus a fixed reshape/recolour (identity if real)."""

    files: tuple[str, ...]
    stretch: tuple[float, float] = (1.0, 1.0)  # width, height factors
    tint: tuple[float, float, float] | None = None  # RGB multipliers on a grey version
    rotate: int = 0

    @property
    def substitute(self) -> bool:
        return self.tint is not None


_M = "recreation/music/"
_VIOLINS = (_M + "violin_colour_ganson.png", _M + "violin_ganson.png", _M + "violin_mo_01.png")
_CELLOS = (_M + "cello_ganson.png", _M + "cello_mo_01.png", _M + "cello_mo_02.png")
_OBOE = (_M + "oboe_ganson.png",)
_HORN = (_M + "french_horn_ganson.png",)

#: The 13 URMP instruments, in cmgan's order, and how each is drawn.
DRAWINGS: dict[str, Drawing] = {
    "violin": Drawing(_VIOLINS),
    "viola": Drawing(_VIOLINS, stretch=(1.0, 1.1), tint=(0.75, 0.38, 0.28)),
    "cello": Drawing(_CELLOS),
    "double bass": Drawing(_CELLOS, stretch=(1.25, 1.15), tint=(0.45, 0.3, 0.2)),
    "flute": Drawing((_M + "flute_ganson.png",)),
    "oboe": Drawing(_OBOE),
    "clarinet": Drawing(_OBOE, stretch=(1.4, 1.0), tint=(0.35, 0.4, 0.7)),
    "bassoon": Drawing(_OBOE, stretch=(2.0, 1.0), tint=(0.8, 0.42, 0.22)),
    "saxophone": Drawing((_M + "saxophone_jarno_vasamaa_.png",)),
    "trumpet": Drawing((_M + "trumpet_b_flat__ganson.png", _M + "trumpet_b_flat_colour_ganso.png",
                        _M + "trumpet_herald__ganson.png", _M + "trumpet_pocket__ganson.png",
                        _M + "trumpet_pocket_colour_ganso.png")),
    "horn": Drawing(_HORN),
    "trombone": Drawing((_M + "tenor_trombone_ganson.png",)),
    "tuba": Drawing(_HORN, rotate=90, tint=(0.8, 0.82, 0.88)),
}


def find_openclipart() -> Path:
    """The openclipart PNG root: the data dir's ``openclipart/`` or Debian's location."""
    for root in (data_dir() / "openclipart", *OPENCLIPART_DIRS):
        if (root / "recreation" / "music").is_dir():
            return root
    raise DataError("openclipart drawings not found (looked in "
                    f"{data_dir() / 'openclipart'} and /usr/share/openclipart/png); "
                    "install them with: apt-get install openclipart-png")


def _cutout(path: Path) -> Any:
    """The drawing as RGBA, white paper made transparent, cropped to the ink."""
    from PIL import Image as PILImage

    try:
        pil = PILImage.open(path)
        pil.load()
    except OSError as exc:
        raise DataError(f"{path}: unreadable drawing ({exc})") from exc
    rgba = np.array(pil.convert("RGBA"))
    white = (rgba[..., :3].min(axis=-1) > 235)
    rgba[..., 3] = np.where(white, 0, rgba[..., 3])
    ys, xs = np.nonzero(rgba[..., 3] > 16)
    if len(xs) == 0:
        raise DataError(f"{path}: drawing is empty")
    out = PILImage.fromarray(rgba[ys.min():ys.max() + 1, xs.min():xs.max() + 1], "RGBA")
    out.thumbnail((WORKING_SIZE, WORKING_SIZE), PILImage.Resampling.LANCZOS)
    return out


def _restyle(cutout: Any, drawing: Drawing) -> Any:
    """Apply a class's fixed reshape/recolour (substitute classes only)."""
    from PIL import Image as PILImage

    out = cutout
    if drawing.rotate:
        out = out.rotate(drawing.rotate, expand=True, resample=PILImage.Resampling.BICUBIC)
    if drawing.stretch != (1.0, 1.0):
        w, h = out.size
        out = out.resize((max(1, round(w * drawing.stretch[0])),
                          max(1, round(h * drawing.stretch[1]))), PILImage.Resampling.BICUBIC)
    if drawing.tint is not None:
        arr = np.array(out).astype(np.float32)
        grey = arr[..., :3].mean(axis=-1, keepdims=True) / 255.0
        shade = 0.25 + 0.75 * grey  # keep the drawing's lines, change its colour
        arr[..., :3] = np.clip(shade * np.array(drawing.tint) * 255.0 * 1.2, 0, 255)
        out = PILImage.fromarray(arr.astype(np.uint8), "RGBA")
    return out


def augment(cutout: Any, rng: np.random.Generator, size: int) -> np.ndarray:
    """One label-preserving variant of a drawing on a ``size`` x ``size`` canvas (uint8 HWC)."""
    from PIL import Image as PILImage
    from PIL import ImageEnhance

    art = cutout
    if rng.random() < 0.5:
        art = art.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    art = art.rotate(float(rng.uniform(-15, 15)), expand=True,
                     resample=PILImage.Resampling.BICUBIC)
    scale = float(rng.uniform(0.65, 0.95)) * size / max(art.size)
    art = art.resize((max(1, round(art.width * scale)), max(1, round(art.height * scale))),
                     PILImage.Resampling.LANCZOS)
    light = rng.random() < 0.5
    colour = (255, 255, 255) if light else tuple(int(c) for c in rng.integers(170, 256, 3))
    canvas = PILImage.new("RGBA", (size, size), (*colour, 255))
    x = int(rng.integers(0, size - art.width + 1))
    y = int(rng.integers(0, size - art.height + 1))
    canvas.alpha_composite(art, (x, y))
    rgb = canvas.convert("RGB")
    rgb = ImageEnhance.Brightness(rgb).enhance(float(rng.uniform(0.9, 1.1)))
    rgb = ImageEnhance.Contrast(rgb).enhance(float(rng.uniform(0.9, 1.1)))
    return np.asarray(rgb, dtype=np.uint8)


class ClipartBuilder(DatasetBuilder):
    name = "instruments-clipart"
    version = "1.0.0"
    defaults: ClassVar[dict[str, Any]] = {"tiny": False, "per_class": 200, "size": 64}
    card = DatasetCard(
        title="instruments-clipart: augmented drawings of the 13 URMP instruments",
        summary="200 augmented 64x64 RGB pictures per instrument (violin, viola, cello, "
                "double bass, flute, oboe, clarinet, bassoon, saxophone, trumpet, horn, "
                "trombone, tuba) made from 16 public-domain openclipart drawings.",
        source="Debian openclipart-png (/usr/share/openclipart/png/recreation/music); "
               "drawing checksums in the manifest.",
        license="public domain (openclipart)",
        splits="80/20 per instrument over the augmented pictures; with one to five drawings "
               "per class the test pictures are new augmentations of drawings seen in training.",
        differences="Stands in for the URMP video frames cmgan uses. No drawing of viola, "
                    "double bass, clarinet, bassoon or tuba exists in openclipart: those are "
                    "reshaped, recoloured copies of the violin, cello, oboe and horn drawings "
                    "(see the table in engine/data/clipart.py), distinguishable mainly by "
                    "colour and proportions.",
    )

    def build(self, ctx: BuildContext) -> None:
        root = find_openclipart()
        tiny = bool(self.params["tiny"])
        per_class = 10 if tiny else int(self.params["per_class"])
        size = int(self.params["size"])
        classes = list(DRAWINGS)
        files = sorted({f for d in DRAWINGS.values() for f in d.files})
        cutouts = {}
        for f in files:
            ctx.record_input(root / f, "openclipart drawing")
            cutouts[f] = _cutout(root / f)
        images, labels, drawing_ids = [], [], []
        for c, name in enumerate(ctx.progress(classes, desc="augment", unit="class")):
            drawing = DRAWINGS[name]
            styled = [_restyle(cutouts[f], drawing) for f in drawing.files]
            rng = ctx.rng("augment", name)
            for k in range(per_class):
                which = k % len(styled)
                images.append(augment(styled[which], rng, size))
                labels.append(c)
                drawing_ids.append(files.index(drawing.files[which]))
        label_arr = np.array(labels, dtype=np.int64)
        ctx.add_array("image", np.stack(images), kind="image")
        ctx.add_array("instrument", label_arr, kind="label")
        ctx.add_array("drawing", np.array(drawing_ids, dtype=np.int64), kind="label")
        ctx.add_array("substitute", np.array([DRAWINGS[classes[c]].substitute for c in labels]),
                      kind="value")
        ctx.set_classes("instrument", classes, target=True)
        ctx.set_classes("drawing", files)
        for split, idx in stratified_split(label_arr, {"train": 0.8, "test": 0.2},
                                           ctx.rng("split")).items():
            ctx.add_split(split, idx)
        ctx.meta["substitutes"] = {
            k: {"from": list(d.files), "stretch": list(d.stretch), "tint": list(d.tint or ()),
                "rotate": d.rotate}
            for k, d in DRAWINGS.items() if d.substitute}
