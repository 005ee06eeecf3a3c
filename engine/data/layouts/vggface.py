"""``vggface``: face images in VGGFace / VGGFace2 identity folders (``<identity>/*.jpg``).

Writes the fields of ``olivetti`` (uint8 images and an identity label). With
VGGFace2's ``train/`` and ``test/`` folders (disjoint identities) those are
the splits; a single folder of identities is split 80/20 by identity.
Images are centre-cropped to a square and resized to ``size``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..builder import BuildContext, DatasetBuilder
from ..cards import DatasetCard
from ..splits import group_split
from .common import cap_per_class, user_root

__all__ = ["VggFaceBuilder"]

_SUFFIXES = (".jpg", ".jpeg", ".png")


def _square(path: Path, size: int, mode: str) -> np.ndarray:
    from ...media import Image

    image = Image.load(path).to_mode(mode)
    h, w = image.size
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    crop = Image(image.data[:, top:top + side, left:left + side]).resize(size)
    return crop.to_numpy()


class VggFaceBuilder(DatasetBuilder):
    name = "vggface"
    version = "1.0.0"
    needs_user_data = True
    defaults: ClassVar[dict[str, Any]] = {"root": "", "limit": 0, "size": 64, "mode": "RGB"}
    card = DatasetCard(
        title="vggface: VGGFace / VGGFace2 identity folders (your copy)",
        summary="Reads <identity>/<image>.jpg (optionally under train/ and test/), centre "
                "crops, resizes to 64x64 (size=...) RGB or grey (mode=L), with identity labels.",
        source="VGGFace2: Q. Cao et al.; VGGFace: O. Parkhi et al. (obtain from the authors).",
        license="research use, per the data set's terms",
        splits="train/ and test/ folders when present (identity-disjoint), else 80/20 by "
               "identity.",
        differences="This is the face papers' data; limit=N keeps N images per identity.",
    )

    def build(self, ctx: BuildContext) -> None:
        root = user_root(self, "vggface", "**/*.[jp][pn]g")
        parts = [p for p in ("train", "test") if (root / p).is_dir()] or [""]
        rows = []
        for part in parts:
            base = root / part if part else root
            for folder in sorted(p for p in base.iterdir() if p.is_dir()):
                files = sorted(f for f in folder.iterdir() if f.suffix.lower() in _SUFFIXES)
                rows += [(part or "all", folder.name, f) for f in files]
        rows = cap_per_class(rows, lambda r: (r[0], r[1]), int(self.params["limit"]))
        size, mode = int(self.params["size"]), str(self.params["mode"])
        images = [_square(r[2], size, mode) for r in ctx.progress(rows, desc="decode",
                                                                   unit="face")]
        identities = sorted({r[1] for r in rows})
        identity = np.array([identities.index(r[1]) for r in rows], dtype=np.int64)
        ctx.add_array("image", np.stack(images), kind="image")
        ctx.add_array("identity", identity, kind="label")
        ctx.set_classes("identity", identities, target=True)
        if parts == [""]:
            for split, idx in group_split(identity, {"train": 0.8, "test": 0.2},
                                          ctx.rng("split")).items():
                ctx.add_split(split, idx)
        else:
            for part in parts:
                ctx.add_split(part, [i for i, r in enumerate(rows) if r[0] == part])
        ctx.meta.update(root=str(root), size=size, mode=mode)
