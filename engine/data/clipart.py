"""``instruments-clipart``: real drawings of the 13 URMP instruments, augmented, split by drawing.

The image side of the cmgan stand-in (URMP's 13 instruments). Drawings come
from three Debian packages (see :mod:`engine.data.debian_media`): openclipart
(16 drawings), GCompris's instrument activity (11 SVGs) and Tux Paint's stamps
(6). Eleven classes have real drawings; two have none anywhere offline and are
made from the closest class's drawings with a fixed reshaping and recolouring,
so that they stay distinguishable classes:

========== ============================== =====================================
class      drawings                       substitution
========== ============================== =====================================
viola      the 6 violin drawings          10% taller, red-brown tint
double bass the 5 cello drawings          wider and 15% taller, dark-brown tint
========== ============================== =====================================

Augmentation happens at build time (a fixed number of variants per class):
rotation, mirror, scale, position, background colour and brightness/contrast
jitter, none of which changes what instrument a picture shows. The split is
by drawing: a test picture is an augmentation of a drawing that no training
picture comes from (a substitute class holds out the same source drawings as
the class it is made from). Classes with a single drawing can only split
its augmentations; meta ``augmentation_split_classes`` names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import DataError
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .debian_media import media_file, open_picture
from .splits import stratified_split

__all__ = ["DRAWINGS", "SUBSTITUTE_OF", "ClipartBuilder", "Drawing", "augment", "cutout",
           "find_openclipart", "held_out", "test_drawings"]

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


_OC = "openclipart:recreation/music/"
_GC = "gcompris:instruments/"
_TP = "tuxpaint:hobbies/music/"
_VIOLINS = (_OC + "violin_colour_ganson.png", _OC + "violin_ganson.png", _OC + "violin_mo_01.png",
            _GC + "violin.svg", _TP + "string/violin.png", _TP + "string/violin2.svg")
_CELLOS = (_OC + "cello_ganson.png", _OC + "cello_mo_01.png", _OC + "cello_mo_02.png",
           _GC + "cello.svg", _TP + "string/cello.png")

#: The 13 URMP instruments, in cmgan's order, and how each is drawn (media references).
DRAWINGS: dict[str, Drawing] = {
    "violin": Drawing(_VIOLINS),
    "viola": Drawing(_VIOLINS, stretch=(1.0, 1.1), tint=(0.75, 0.38, 0.28)),
    "cello": Drawing(_CELLOS),
    "double bass": Drawing(_CELLOS, stretch=(1.25, 1.15), tint=(0.45, 0.3, 0.2)),
    "flute": Drawing((_OC + "flute_ganson.png", _GC + "flute_traversiere.svg")),
    "oboe": Drawing((_OC + "oboe_ganson.png",)),
    "clarinet": Drawing((_GC + "clarinet.svg",)),
    "bassoon": Drawing((_TP + "wind/bassoon.png",)),
    "saxophone": Drawing((_OC + "saxophone_jarno_vasamaa_.png", _GC + "saxophone.svg")),
    "trumpet": Drawing((_OC + "trumpet_b_flat__ganson.png", _OC + "trumpet_b_flat_colour_ganso.png",
                        _OC + "trumpet_herald__ganson.png", _OC + "trumpet_pocket__ganson.png",
                        _OC + "trumpet_pocket_colour_ganso.png", _GC + "trumpet.svg",
                        _TP + "brass/trumpet.png")),
    "horn": Drawing((_OC + "french_horn_ganson.png", _GC + "horn.svg")),
    "trombone": Drawing((_OC + "tenor_trombone_ganson.png", _GC + "trombone.svg")),
    "tuba": Drawing((_GC + "tuba.svg",)),
}
#: Substitute class -> the real class whose drawings it is made from.
SUBSTITUTE_OF = {"viola": "violin", "double bass": "cello"}
#: Share of a class's drawings held out for test (at least one, when it has two or more).
TEST_DRAWING_SHARE = 0.25


def find_openclipart() -> Path:
    """The openclipart PNG root: the data dir's ``openclipart/`` or Debian's location."""
    return media_file(_OC + "oboe_ganson.png").parents[2]


def cutout(ref: str, *, paper: bool = True) -> Any:
    """The drawing as RGBA cropped to the ink; with ``paper``, white paper made transparent.

    Photos (``paper=False``) keep their white pixels: clearing them would punch
    holes in a white sheep.
    """
    from PIL import Image as PILImage

    rgba = np.array(open_picture(ref))
    if paper:
        white = (rgba[..., :3].min(axis=-1) > 235)
        rgba[..., 3] = np.where(white, 0, rgba[..., 3])
    ys, xs = np.nonzero(rgba[..., 3] > 16)
    if len(xs) == 0:
        raise DataError(f"{ref}: drawing is empty")
    out = PILImage.fromarray(rgba[ys.min():ys.max() + 1, xs.min():xs.max() + 1], "RGBA")
    out.thumbnail((WORKING_SIZE, WORKING_SIZE), PILImage.Resampling.LANCZOS)
    return out


def held_out(files: tuple[str, ...], rng: np.random.Generator) -> tuple[str, ...]:
    """The drawings of one class kept for test: a quarter, at least one; none of a single one."""
    if len(files) < 2:
        return ()
    k = max(1, round(TEST_DRAWING_SHARE * len(files)))
    return tuple(sorted(rng.choice(list(files), size=k, replace=False).tolist()))


def test_drawings(rng: np.random.Generator) -> dict[str, tuple[str, ...]]:
    """The drawings each class holds out for test (none for a class with one drawing)."""
    held = {name: held_out(drawing.files, rng) for name, drawing in DRAWINGS.items()
            if name not in SUBSTITUTE_OF}
    for name, source in SUBSTITUTE_OF.items():
        held[name] = held[source]
    return {name: held[name] for name in DRAWINGS}


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
    version = "2.0.0"
    defaults: ClassVar[dict[str, Any]] = {"tiny": False, "per_class": 240, "size": 64}
    card = DatasetCard(
        title="instruments-clipart: augmented drawings of the 13 URMP instruments",
        summary="240 augmented 64x64 RGB pictures per instrument (violin, viola, cello, "
                "double bass, flute, oboe, clarinet, bassoon, saxophone, trumpet, horn, "
                "trombone, tuba) made from 33 real drawings: openclipart (16), GCompris (11) "
                "and Tux Paint (6).",
        source="Debian openclipart-png (recreation/music), gcompris-qt-data "
               "(instruments.rcc) and tuxpaint-stamps-default (hobbies/music); checksums of "
               "the files in the manifest.",
        license="openclipart: public domain; GCompris drawings: GPL-3; Tux Paint stamps: GPL-2 "
                "(the packages' copyright files)",
        splits="by drawing: a quarter of each class's drawings (at least one, when it has two "
               "or more) is held out, and the test pictures are augmentations of those only. "
               "Oboe, clarinet, bassoon and tuba have one drawing each: their test pictures "
               "are new augmentations of the training drawing (meta "
               "augmentation_split_classes).",
        differences="Stands in for the URMP video frames cmgan uses (performers playing): "
                    "isolated instrument drawings on plain backgrounds. No drawing of viola or "
                    "double bass exists offline: those are reshaped, recoloured copies of the "
                    "violin and cello drawings (table in engine/data/clipart.py), "
                    "distinguishable mainly by colour and proportions.",
    )

    def build(self, ctx: BuildContext) -> None:
        tiny = bool(self.params["tiny"])
        per_class = 10 if tiny else int(self.params["per_class"])
        size = int(self.params["size"])
        classes = list(DRAWINGS)
        files = sorted({f for d in DRAWINGS.values() for f in d.files})
        recorded: set[Path] = set()
        cutouts = {}
        for f in ctx.progress(files, desc="drawings", unit="drawing"):
            path = media_file(f)
            if path not in recorded:
                recorded.add(path)
                ctx.record_input(path, f"drawing source {f.split(':')[0]}")
            cutouts[f] = cutout(f)
        held = test_drawings(ctx.rng("test-drawings"))
        images, labels, drawing_ids, is_test = [], [], [], []
        for c, name in enumerate(ctx.progress(classes, desc="augment", unit="class")):
            drawing = DRAWINGS[name]
            styled = [_restyle(cutouts[f], drawing) for f in drawing.files]
            rng = ctx.rng("augment", name)
            for k in range(per_class):
                which = k % len(styled)
                images.append(augment(styled[which], rng, size))
                labels.append(c)
                drawing_ids.append(files.index(drawing.files[which]))
                is_test.append(drawing.files[which] in held[name])
        label_arr = np.array(labels, dtype=np.int64)
        test_mask = np.array(is_test, dtype=bool)
        ctx.add_array("image", np.stack(images), kind="image")
        ctx.add_array("instrument", label_arr, kind="label")
        ctx.add_array("drawing", np.array(drawing_ids, dtype=np.int64), kind="label")
        ctx.add_array("substitute", np.array([DRAWINGS[classes[c]].substitute for c in labels],
                                             dtype=np.uint8), kind="value")
        ctx.set_classes("instrument", classes, target=True)
        ctx.set_classes("drawing", files)
        single = [n for n in classes if not held[n]]
        rest = np.flatnonzero(np.isin(label_arr, [classes.index(n) for n in single]))
        by_aug = stratified_split(label_arr[rest], {"train": 0.8, "test": 0.2}, ctx.rng("split"))
        test = np.sort(np.concatenate([np.flatnonzero(test_mask), rest[by_aug["test"]]]))
        ctx.add_split("train", np.setdiff1d(np.arange(len(labels)), test))
        ctx.add_split("test", test)
        ctx.meta["augmentation_split_classes"] = single
        ctx.meta["test_drawings"] = {k: list(v) for k, v in held.items()}
        ctx.meta["substitutes"] = {
            k: {"from": list(d.files), "stretch": list(d.stretch), "tint": list(d.tint or ()),
                "rotate": d.rotate}
            for k, d in DRAWINGS.items() if d.substitute}
