"""The frozen face embedding: dlib's ResNet face recognition model, 128-D, L2-normalised.

The paper translates from a pretrained face embedding rather than from pixels,
so that "similar faces" means what a face recogniser means by it. dlib's model
(shipped in the PyPI package ``face-recognition-models``, run by the prebuilt
``dlib-bin``) wants a 150x150 chip aligned on five landmarks. How we find the
face box differs by input:

- ``"detect"`` (photos, the default): dlib's HOG face detector finds the faces
  (small images are upscaled first so that faces of 60-80 pixels are found),
  the largest one is kept; no face is a :class:`~engine.errors.MediaError`, never a
  random note.
- ``"tight"`` (images that are already tight face crops, like Olivetti): the
  whole image, widened by :data:`TIGHT_MARGIN` on each side, is the face box
  (dlib's detector boxes are larger than a hair-to-chin crop). No detector runs,
  so every crop embeds, deterministically.

Both paths then place the five landmarks with dlib's shape predictor and cut
the aligned chip with ``dlib.get_face_chip``, so they give nearly the same
vector for an Olivetti face (mean distance 0.03, against 0.53 between people).

The dlib networks are not ours to redistribute, so the encoder is
``persistent = False``: nothing of it goes into ``model.safetensors``; it is
rebuilt from the installed packages (named in ``config.references``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
import torch

from engine import Encoder, Image, MediaError
from engine.interfaces import MediaKind

__all__ = [
    "CHIP_SIZE",
    "EMBEDDING_DIM",
    "REFERENCES",
    "TIGHT_MARGIN",
    "CropMode",
    "FaceEncoder",
    "align",
    "dlib_models",
    "embed_chips",
]

CropMode = Literal["detect", "tight"]

#: dlib's recogniser takes 150x150 aligned chips and returns 128 values.
CHIP_SIZE = 150
EMBEDDING_DIM = 128
#: Fraction of the side added around a tight crop to make a detector-like face box.
TIGHT_MARGIN = 0.15
#: Detection runs on a copy whose shorter side is at least this (HOG finds faces from ~80 px).
_MIN_DETECT_SIDE = 256
#: ...and whose longer side is at most this (HOG time grows with the pixel count).
_MAX_DETECT_SIDE = 1600

#: What ``config.references`` names: the frozen third-party parts, by package.
REFERENCES = {
    "face_recognition": "PyPI face-recognition-models (dlib_face_recognition_resnet_model_v1.dat, "
    "shape_predictor_5_face_landmarks.dat), run with PyPI dlib-bin",
}


def _model_file(name: str) -> str:
    """A model file of face-recognition-models, found without importing that package.

    Its ``__init__`` imports ``pkg_resources``, which newer setuptools releases warn
    about on stderr (breaking the one-line error contract) and later ones remove; the
    files themselves are plain package data.
    """
    import importlib.util

    spec = importlib.util.find_spec("face_recognition_models")  # locates, does not execute
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("face_recognition_models is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / name
    if not path.is_file():
        raise ImportError(f"face_recognition_models lacks models/{name}")
    return str(path)


@functools.cache
def dlib_models() -> tuple[Any, Any, Any]:
    """(face detector, 5-point shape predictor, face recogniser), loaded once per process."""
    try:
        import dlib

        predictor_file = _model_file("shape_predictor_5_face_landmarks.dat")
        recogniser_file = _model_file("dlib_face_recognition_resnet_model_v1.dat")
    except ImportError as exc:  # pragma: no cover - an installation problem
        raise MediaError(
            "face2nsynth needs dlib and its models: pip install dlib-bin face-recognition-models"
        ) from exc
    detector = dlib.get_frontal_face_detector()
    predictor = dlib.shape_predictor(predictor_file)
    recogniser = dlib.face_recognition_model_v1(recogniser_file)
    return detector, predictor, recogniser


def _rgb_uint8(image: Image) -> np.ndarray:
    return np.ascontiguousarray(image.to_mode("RGB").to_numpy())


def _detect(rgb: np.ndarray) -> Any:
    """The largest face box in ``rgb`` (image coordinates), or ``None``."""
    import dlib

    detector = dlib_models()[0]
    h, w = rgb.shape[:2]
    scale = max(1.0, _MIN_DETECT_SIDE / min(h, w))
    if max(h, w) * scale > _MAX_DETECT_SIDE:
        scale = _MAX_DETECT_SIDE / max(h, w)
    work = rgb
    if scale != 1.0:
        from PIL import Image as PILImage

        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        work = np.asarray(PILImage.fromarray(rgb).resize(size, PILImage.Resampling.BICUBIC))
    boxes = list(detector(work, 0)) or list(detector(work, 1))
    if not boxes:
        return None
    box = max(boxes, key=lambda r: r.area())
    return dlib.rectangle(
        round(box.left() / scale), round(box.top() / scale),
        round(box.right() / scale), round(box.bottom() / scale),
    )


def _tight_box(rgb: np.ndarray) -> Any:
    import dlib

    h, w = rgb.shape[:2]
    mx, my = round(TIGHT_MARGIN * w), round(TIGHT_MARGIN * h)
    return dlib.rectangle(-mx, -my, w - 1 + mx, h - 1 + my)


def align(image: Image, crop: CropMode = "detect") -> np.ndarray:
    """The aligned ``150x150x3`` uint8 face chip of ``image`` (see the module docstring).

    Raises :class:`MediaError` when ``crop="detect"`` finds no face.
    """
    import dlib

    if crop not in ("detect", "tight"):
        raise MediaError(f"unknown face crop mode {crop!r} (use 'detect' or 'tight')")
    rgb = _rgb_uint8(image)
    box = _detect(rgb) if crop == "detect" else _tight_box(rgb)
    if box is None:
        h, w = rgb.shape[:2]
        raise MediaError(
            f"no face found in the {w}x{h} image (for an image that is already a tight face "
            f"crop, use crop='tight' / --crop tight)"
        )
    shape = dlib_models()[1](rgb, box)
    chip = dlib.get_face_chip(rgb, shape, size=CHIP_SIZE, padding=0.25)
    return np.ascontiguousarray(np.asarray(chip, dtype=np.uint8))


def embed_chips(chips: np.ndarray) -> np.ndarray:
    """L2-normalised 128-D embeddings of aligned chips ``[N, 150, 150, 3]`` uint8."""
    recogniser = dlib_models()[2]
    if len(chips) == 0:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    batch = [np.ascontiguousarray(c, dtype=np.uint8) for c in chips]
    vectors = np.asarray(recogniser.compute_face_descriptor(batch), dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)
    return vectors.astype(np.float32)


class FaceEncoder(Encoder):
    """Image -> aligned chip (``prepare``) -> dlib embedding (``forward``).

    ``prepare`` returns the chip as a ``[3, 150, 150]`` uint8 tensor, so finding
    the face (the part that can fail) happens per input with a clear error,
    and the network runs once per batch.
    """

    input_kind: ClassVar[MediaKind] = "image"
    persistent: ClassVar[bool] = False
    #: ``crop``: "detect" (photos) or "tight" (already a tight face crop).
    options: ClassVar[dict[str, type]] = {"crop": str}

    def __init__(self, crop: CropMode = "detect") -> None:
        super().__init__()
        self.crop: CropMode = crop

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        image = media if isinstance(media, Image) else Image.load(media)
        crop = options.get("crop")
        if crop is not None and crop not in ("detect", "tight"):
            raise MediaError(f"--crop must be 'detect' or 'tight', not {crop!r}")
        chip = align(image, crop or self.crop)
        return torch.from_numpy(chip).permute(2, 0, 1).contiguous()

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        chips = batch.detach().to("cpu", torch.uint8).permute(0, 2, 3, 1).numpy()
        return torch.from_numpy(embed_chips(chips))
