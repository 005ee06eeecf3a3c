"""The plugin's own test: load through the engine and check the translation."""

from __future__ import annotations

import torch

import engine


def test_negative_inverts_an_image() -> None:
    model = engine.load("negative")
    image = engine.Image(torch.full((3, 64, 64), 0.25))
    out = model.translate(image)
    assert out.size == (64, 64)
    assert torch.allclose(out.data, torch.full_like(out.data, 0.75), atol=0.02)
