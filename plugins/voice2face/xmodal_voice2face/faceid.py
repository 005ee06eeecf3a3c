"""The independent face classifier: D's architecture trained on real faces only.

``id_top1`` by the GAN's own F_c flatters the generator, which was trained to
please exactly that classifier. A second classifier with the same trunk, but
trained only on real photos of the 30 training identities and never on a
generated face, checks that the faces look like the right person to someone
else too. It is a frozen helper shipped under ``weights/faceid``
(``xmodal voice2face train-faceid`` remakes it); its accuracy on held-out
real photos is recorded in its config.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .networks import FaceTrunk

__all__ = ["FOLDER", "NAME", "FaceClassifier", "load_faceid", "train_faceid"]

FOLDER = Path(__file__).parent / "weights" / "faceid"
NAME = "faceid"
#: Photos 8 and 9 of each training identity are held out to measure it on real faces.
HELD_OUT_PHOTOS = (8, 9)


class FaceClassifier(nn.Module):
    """Trunk (as D's) + linear head over the training identities: faces in [-1, 1] -> logits."""

    def __init__(self, classes: int, width: int = 16, channels: int = 3) -> None:
        super().__init__()
        self.trunk = FaceTrunk(width, channels)
        self.head = nn.Linear(64, classes)

    def forward(self, face: torch.Tensor) -> torch.Tensor:
        return self.head(F.leaky_relu(self.trunk(face), 0.2))


def _jitter(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random mirror and a shift of up to 4 pixels (faces vary a little in framing)."""
    n = len(x)
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    dx, dy = (int(v) for v in torch.randint(-4, 5, (2,), generator=gen))
    return torch.roll(x, shifts=(dy, dx), dims=(2, 3))


def train_faceid(steps: int = 600, width: int = 16, seed: int = 0) -> dict[str, Any]:
    """Train on real training-identity photos (0-7), measure on photos 8-9, save frozen."""
    from engine.frozen import save_frozen

    from .assignment import load_assignment
    from .data import face_tensors

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    faces, ident = face_tensors()
    labels = load_assignment().train_index()
    photo = torch.arange(len(ident)) % 10  # Olivetti stores each person's 10 photos in a row
    keep = torch.tensor([int(i) in labels for i in ident])
    y = torch.tensor([labels.get(int(i), -1) for i in ident])
    held = torch.isin(photo, torch.tensor(HELD_OUT_PHOTOS))
    train_x, train_y = faces[keep & ~held], y[keep & ~held]
    test_x, test_y = faces[keep & held], y[keep & held]
    net = FaceClassifier(len(labels), width)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for _ in range(steps):
        pick = torch.randint(0, len(train_x), (64,), generator=gen)
        loss = F.cross_entropy(net(_jitter(train_x[pick], gen)), train_y[pick])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        accuracy = float((net(test_x).argmax(1) == test_y).float().mean())
    config = {"classes": len(labels), "width": width, "steps": steps, "seed": seed,
              "held_out_photo_accuracy": accuracy, "held_out_photos": len(test_y)}
    save_frozen(net, FOLDER, NAME, config=config)
    return config


@functools.cache
def load_faceid() -> FaceClassifier:
    """The bundled classifier, frozen (see the module docstring)."""
    from engine.frozen import load_frozen

    net, _ = load_frozen(FOLDER, NAME, lambda c: FaceClassifier(int(c["classes"]), int(c["width"])))
    return net
