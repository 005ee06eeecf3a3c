"""``olivetti-dlib``: dlib embeddings of the Olivetti faces, with augmented training copies.

The generator never sees pixels, only the frozen 128-D embedding, and dlib
takes about 0.1 s per face on a CPU: embedding once, in the data layer's cache,
keeps every training step cheap. The paper trains on VGGFace2's millions of
photos; with 300 training photos we add augmented copies (mirror, small
rotation, scale, shift, brightness and contrast changes) so that the generator
sees the embedding wobble that real photos of one person have. Only training
identities are augmented; test faces are embedded once, as they are.

Splits (Olivetti's own ``train`` / ``test`` identity split, 30 / 10 people):
``train`` = 25 of the 30 training identities, originals plus augmentations;
``val`` = the other 5, originals only (checkpoint selection never looks at the
test people); ``test`` = the 10 test identities, originals only.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np

from engine.data import BuildContext, Dataset, DatasetBuilder, DatasetCard
from engine.fileio import atomic_path

__all__ = ["FACE_DATASET", "OlivettiDlibBuilder", "augment"]

FACE_DATASET = "olivetti-dlib"
_VAL_IDENTITIES = 5


def augment(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A randomly mirrored, rotated, scaled, shifted and re-lit copy of a uint8 grey face."""
    from PIL import Image as PILImage

    h, w = image.shape
    pil = PILImage.fromarray(image)
    if rng.random() < 0.5:
        pil = pil.transpose(PILImage.Transpose.FLIP_LEFT_RIGHT)
    angle = float(rng.uniform(-10.0, 10.0))
    scale = float(rng.uniform(0.92, 1.08))
    dx, dy = (float(v) for v in rng.uniform(-0.05, 0.05, size=2) * (w, h))
    # Inverse affine map (output -> input pixel), about the image centre.
    a = np.deg2rad(angle)
    cos, sin = np.cos(a) / scale, np.sin(a) / scale
    cx, cy = w / 2.0, h / 2.0
    coeffs = (cos, sin, cx - cos * (cx + dx) - sin * (cy + dy),
              -sin, cos, cy + sin * (cx + dx) - cos * (cy + dy))
    pil = pil.transform((w, h), PILImage.Transform.AFFINE, coeffs,
                        resample=PILImage.Resampling.BICUBIC, fillcolor=int(np.median(image)))
    out = np.asarray(pil, dtype=np.float64)
    contrast, brightness = rng.uniform(0.85, 1.15), rng.uniform(-20.0, 20.0)
    out = (out - out.mean()) * contrast + out.mean() + brightness
    return np.clip(out, 0, 255).round().astype(np.uint8)


class OlivettiDlibBuilder(DatasetBuilder):
    """Derived from the engine's ``olivetti`` dataset (its fingerprint is in the manifest)."""

    name: ClassVar[str] = FACE_DATASET
    version: ClassVar[str] = "1.0.0"
    defaults: ClassVar[dict[str, int | bool]] = {"augmentations": 7, "tiny": False}
    card = DatasetCard(
        title="olivetti-dlib: dlib face embeddings of the Olivetti faces",
        summary="128-D L2-normalised dlib ResNet embeddings of the 400 Olivetti faces (tight-crop "
                "alignment on 5 landmarks), plus `augmentations` augmented copies of every "
                "training face.",
        source="derived from the `olivetti` dataset with the dlib models of PyPI "
               "face-recognition-models (run by dlib-bin).",
        license="free for research use (AT&T Laboratories Cambridge); dlib models CC0 / Boost",
        splits="olivetti's identity split; its 30 train identities are divided 25 train "
               "(augmented) / 5 val with a fixed seed; 10 test identities.",
        differences="Stands in for VGGFace2 in face2nsynth: 40 people instead of 9,131.",
    )

    def build(self, ctx: BuildContext) -> None:
        from engine import Image

        from .faces import align, embed_chips

        faces = ctx.require("olivetti")
        images = np.asarray(faces["image"])
        identity = np.asarray(faces["identity"])
        train_ids = np.unique(identity[faces.split("train").indices])
        val_ids = set(ctx.rng("val").choice(train_ids, size=_VAL_IDENTITIES, replace=False).tolist())
        rng = ctx.rng("augment")
        jobs: list[tuple[int, int, str]] = []  # (image index, variant, split)
        for split in ("train", "test"):
            for i in faces.split(split).indices.tolist():
                if self.params["tiny"] and i % 10 >= 2:
                    continue  # tiny (tests): two photos per person, no augmentation
                part = "val" if split == "train" and int(identity[i]) in val_ids else split
                copies = self.params["augmentations"] if part == "train" else 0
                copies = 0 if self.params["tiny"] else copies
                jobs += [(i, v, part) for v in range(copies + 1)]
        chips = np.zeros((len(jobs), 150, 150, 3), dtype=np.uint8)
        for k, (i, variant, _) in enumerate(ctx.progress(jobs, desc="align", unit="face")):
            pixels = images[i] if variant == 0 else augment(images[i], rng)
            chips[k] = align(Image.from_array(pixels), "tight")
        embedding = np.concatenate([
            embed_chips(chips[s:s + 64]) for s in ctx.progress(range(0, len(jobs), 64),
                                                              desc="embed", unit="batch")
        ])
        index = np.array([j[0] for j in jobs], dtype=np.int64)
        ctx.add_array("embedding", embedding, kind="value")
        ctx.add_array("identity", identity[index].astype(np.int64), kind="label")
        ctx.add_array("image_index", index, kind="value")
        ctx.add_array("variant", np.array([j[1] for j in jobs], dtype=np.int64), kind="value")
        ctx.set_classes("identity", faces.classes["identity"], target=True)
        parts = np.array([j[2] for j in jobs])
        for split in ("train", "val", "test"):
            ctx.add_split(split, np.flatnonzero(parts == split))
        ctx.meta["embedding_dim"] = int(embedding.shape[1])
        ctx.meta["source_dataset"] = "olivetti"

    def preview(self, dataset: Dataset, path: Path) -> None:
        """The test faces' pairwise distance matrix, ordered by person (dark: close).

        Dark blocks on the diagonal are what the method relies on: photos of one
        person embed close together, different people far apart.
        """
        from PIL import Image as PILImage

        test = dataset.split("test")
        emb = np.asarray(test["embedding"], dtype=np.float64)
        order = np.argsort(np.asarray(test["identity"]), kind="stable")
        e = emb[order]
        d = np.sqrt(np.maximum(((e[:, None] - e[None]) ** 2).sum(-1), 0.0))
        pixels = (255 * d / max(float(d.max()), 1e-9)).astype(np.uint8)
        side = 4 * len(e)
        picture = PILImage.fromarray(pixels).resize((side, side), PILImage.Resampling.NEAREST)
        with atomic_path(path) as tmp:
            picture.save(tmp, format="PNG")
