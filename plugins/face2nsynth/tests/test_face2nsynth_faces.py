"""The frozen dlib face embedding: crop path, detection path, and a clear error without a face."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from xmodal_face2nsynth.faces import FaceEncoder, align, embed_chips

from engine import Image, MediaError


def test_tight_crop_and_detection_embed_one_face_alike(olivetti_faces: np.ndarray) -> None:
    encoder = FaceEncoder()
    face = Image.from_array(olivetti_faces[0])
    tight = encoder(encoder.prepare(face, crop="tight")[None])
    detected = encoder(encoder.prepare(face)[None])  # small images are upscaled for the detector
    assert tight.shape == (1, 128)
    torch.testing.assert_close(tight.norm(dim=1), torch.ones(1))
    other = encoder(encoder.prepare(Image.from_array(olivetti_faces[10]), crop="tight")[None])
    # The two paths agree far better than two people do.
    assert float((tight - detected).norm()) < 0.5 * float((tight - other).norm())


def test_same_person_is_closer_than_another(olivetti_faces: np.ndarray) -> None:
    chips = np.stack([align(Image.from_array(olivetti_faces[i]), "tight") for i in (0, 1, 10)])
    e = embed_chips(chips)
    assert np.linalg.norm(e[0] - e[1]) < np.linalg.norm(e[0] - e[2])


def test_no_face_is_a_media_error() -> None:
    noise = Image(torch.rand(3, 120, 160, generator=torch.Generator().manual_seed(0)))
    with pytest.raises(MediaError, match="no face found"):
        FaceEncoder().prepare(noise)
