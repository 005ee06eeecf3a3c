"""``olivetti``: the 400 Olivetti / AT&T faces, 40 identities, split 30 / 10 by identity.

Identity-disjoint splits are what the face papers' protocols need: test faces
belong to people never seen in training.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .sources import Source
from .splits import group_split

__all__ = ["OLIVETTI_MAT", "OlivettiBuilder"]

OLIVETTI_MAT = Source(
    "olivetti/olivettifaces.mat",
    "b1988d02c72fe5b8ee82b5ef3bb7982eafc74f1e1ff0ae0ade35061ad0af534d",
    urls=("https://ndownloader.figshare.com/files/5976027",
          "https://cs.nyu.edu/~roweis/data/olivettifaces.mat"),
)


class OlivettiBuilder(DatasetBuilder):
    name = "olivetti"
    version = "1.0.0"
    sources = (OLIVETTI_MAT,)
    card = DatasetCard(
        title="olivetti: Olivetti / AT&T faces",
        summary="400 upright grey faces, 64x64 uint8, 40 identities x 10 images "
                "(lighting, expression and glasses vary).",
        source="AT&T Laboratories Cambridge, via S. Roweis' olivettifaces.mat (the file "
               "scikit-learn's fetch_olivetti_faces downloads), sha256-verified.",
        license="free for research use (AT&T Laboratories Cambridge)",
        splits="by identity: 30 identities (300 faces) train, 10 identities (100 faces) test, "
               "drawn with a fixed seed; no identity is in both.",
        differences="Stands in for VGGFace2 (face2nsynth) and VGGFace (voice2face): 40 "
                    "identities instead of thousands, grey and tightly cropped.",
    )

    def build(self, ctx: BuildContext) -> None:
        import scipy.io

        path = ctx.source(OLIVETTI_MAT)
        try:
            faces = scipy.io.loadmat(path)["faces"]
        except (OSError, ValueError, KeyError) as exc:
            raise DataError(f"{path}: not the Olivetti faces MATLAB file ({exc})") from exc
        if faces.shape != (4096, 400):
            raise DataError(f"{path}: faces array has shape {faces.shape}, expected (4096, 400)")
        # Columns are 64x64 images stored column-major: transpose to upright rows.
        images = np.ascontiguousarray(faces.T.reshape(400, 64, 64).transpose(0, 2, 1))
        identity = np.arange(400, dtype=np.int64) // 10
        ctx.add_array("image", images.astype(np.uint8), kind="image")
        ctx.add_array("identity", identity, kind="label")
        ctx.set_classes("identity", [f"s{i + 1}" for i in range(40)], target=True)
        for split, idx in group_split(identity, {"train": 0.75, "test": 0.25},
                                      ctx.rng("split")).items():
            ctx.add_split(split, idx)
