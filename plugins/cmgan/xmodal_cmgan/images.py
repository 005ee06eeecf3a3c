"""The picture side: ``instruments-clipart`` pictures as tensors, and Gamma's online augmentation.

Pictures are 64 x 64 RGB in [-1, 1] (``(x - 127.5) / 127.5``), the DCGAN
convention the generator's tanh output shares. The data set already holds
augmented copies of each drawing (flips, rotation, scale, position,
background tint); with only 1-7 drawings per class Gamma still sees few
distinct shapes, so training adds a fresh random augmentation to every batch
(:func:`augment`): a random affine map (rotation, scale, shift, a little
shear), a mirror, brightness / contrast / saturation jitter, a random hue
rotation of the colours for a fraction of the pictures, occasional greyscale
an outline rendering (:func:`sketch`) for a fraction of them, and a little
noise. Areas the affine map uncovers are filled with the picture's own corner
colour (its background).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["Pictures", "augment", "clipart_pictures", "to_signed"]


@dataclass
class Pictures:
    """The clipart pictures of one split (uint8 ``[N, H, W, 3]``) with their labels."""

    image: np.ndarray
    instrument: np.ndarray  # [N] int64
    drawing: np.ndarray  # [N] int64, index into the data set's drawing names
    classes: list[str]
    drawings: list[str]  # the names of the drawings present in this split
    size: int

    def __len__(self) -> int:
        return len(self.instrument)


def clipart_pictures(split: str, *, tiny: bool = False, size: int = 64) -> Pictures:
    """The ``instruments-clipart`` pictures of ``split`` (``train``, ``test`` or ``all``)."""
    from engine import data

    ds = data.load("instruments-clipart", tiny=tiny) if size == 64 else \
        data.load("instruments-clipart", tiny=tiny, size=size)
    view = ds.split(split) if split != "all" else ds.all()
    drawing = np.asarray(view["drawing"], dtype=np.int64)
    names = list(ds.classes.get("drawing", []))
    present = sorted({names[int(d)] for d in np.unique(drawing)}) if names else []
    image = np.asarray(view["image"])
    return Pictures(image, np.asarray(view["instrument"], dtype=np.int64), drawing,
                    list(ds.classes["instrument"]), present, int(image.shape[1]))


def to_signed(images: torch.Tensor | np.ndarray) -> torch.Tensor:
    """uint8 ``[N, H, W, 3]`` (or ``[N, 3, H, W]``) -> float ``[N, 3, H, W]`` in [-1, 1]."""
    x = torch.as_tensor(np.asarray(images) if isinstance(images, np.ndarray) else images)
    if x.dim() == 4 and x.shape[-1] == 3 and x.shape[1] != 3:
        x = x.permute(0, 3, 1, 2)
    return (x.float() - 127.5) / 127.5


def _hue_rotation(angle: torch.Tensor) -> torch.Tensor:
    """``[B, 3, 3]`` matrices rotating RGB colours about the grey axis by ``angle`` radians."""
    cos, sin = torch.cos(angle), torch.sin(angle)
    k = 1.0 / 3.0
    s = math.sqrt(k)
    a = cos + (1 - cos) * k
    b = k * (1 - cos) - s * sin
    c = k * (1 - cos) + s * sin
    return torch.stack([torch.stack([a, b, c], -1), torch.stack([c, a, b], -1),
                        torch.stack([b, c, a], -1)], -2)


def sketch(x: torch.Tensor) -> torch.Tensor:
    """Line drawings of pictures ``[B, 3, H, W]`` in [0, 1]: dark edges on white.

    Some test drawings are outlines (a line-art saxophone or trumpet) while
    the training drawings of the class are filled; edges keep the shape and
    drop the fill, so Gamma learns shapes that survive either style.
    """
    grey = x.mean(dim=1, keepdim=True)
    kx = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])[None, None]
    gx = F.conv2d(F.pad(grey, (1, 1, 1, 1), mode="replicate"), kx)
    gy = F.conv2d(F.pad(grey, (1, 1, 1, 1), mode="replicate"), kx.transpose(2, 3))
    edges = (gx**2 + gy**2).sqrt()
    scale = edges.flatten(1).quantile(0.98, dim=1).clamp_min(1e-3)[:, None, None, None]
    return (1 - (edges / scale).clamp(0, 1)).expand_as(x)


def augment(x: torch.Tensor, generator: torch.Generator, *, strength: float = 1.0,
            hue_p: float = 0.4, hue_degrees: float = 50.0, sketch_p: float = 0.25,
            turn_p: float = 0.5) -> torch.Tensor:
    """A random augmentation of every picture of ``x`` ``[B, 3, H, W]`` in [-1, 1].

    ``strength`` scales the geometric and photometric ranges (0: identity).
    Orientation is no cue to the instrument (the training violins lie, the
    cellos stand, and a held-out violin drawing stands), so ``turn_p`` of the
    pictures are turned by any angle. Colour partly is (viola and double bass
    are recoloured violin and cello drawings) and partly is not (a gold horn
    drawing must not read as a trumpet because the training horns are
    orange), so the hue is rotated for ``hue_p`` of the pictures by at most
    ``hue_degrees``.
    """
    b = x.shape[0]

    def u(lo: float, hi: float, n: int = b) -> torch.Tensor:
        return lo + (hi - lo) * torch.rand(n, generator=generator)

    s = strength
    angle = u(-30 * s, 30 * s) * math.pi / 180
    turn = torch.rand(b, generator=generator) < turn_p * s
    angle = torch.where(turn, u(-math.pi, math.pi), angle)
    scale = torch.exp(u(-0.15 * s, 0.15 * s))
    shear = u(-0.1 * s, 0.1 * s)
    tx, ty = u(-0.12 * s, 0.12 * s), u(-0.12 * s, 0.12 * s)
    flip = torch.where(torch.rand(b, generator=generator) < 0.5, -1.0, 1.0)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.zeros(b, 2, 3)
    theta[:, 0, 0] = cos * flip
    theta[:, 0, 1] = -sin + shear
    theta[:, 1, 0] = sin * flip
    theta[:, 1, 1] = cos
    theta[:, 0, 2], theta[:, 1, 2] = tx, ty
    background = x[:, :, :2, :2].mean(dim=(2, 3), keepdim=True)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    moved = F.grid_sample(x - background, grid, mode="bilinear", padding_mode="zeros",
                          align_corners=False) + background
    # photometric jitter on [0, 1]
    y = (moved + 1) / 2
    y = y * u(1 - 0.25 * s, 1 + 0.25 * s)[:, None, None, None]
    mean = y.mean(dim=(1, 2, 3), keepdim=True)
    y = (y - mean) * u(1 - 0.3 * s, 1 + 0.3 * s)[:, None, None, None] + mean
    grey = y.mean(dim=1, keepdim=True)
    y = (y - grey) * u(1 - 0.3 * s, 1 + 0.3 * s)[:, None, None, None] + grey
    rotate = torch.rand(b, generator=generator) < hue_p
    hue = torch.where(rotate, u(-hue_degrees * s, hue_degrees * s) * math.pi / 180, torch.zeros(b))
    y = torch.einsum("bij,bjhw->bihw", _hue_rotation(hue), y)
    lines = (torch.rand(b, generator=generator) < sketch_p * s)[:, None, None, None]
    y = torch.where(lines, sketch(y.clamp(0, 1)), y)
    to_grey = (torch.rand(b, generator=generator) < 0.05 * s)[:, None, None, None]
    y = torch.where(to_grey, y.mean(dim=1, keepdim=True).expand_as(y), y)
    y = y + 0.02 * s * torch.randn(y.shape, generator=generator)
    return (y.clamp(0, 1) * 2 - 1).contiguous()
