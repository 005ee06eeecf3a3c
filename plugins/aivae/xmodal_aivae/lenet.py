"""The paper's judge: a LeNet-5 digit classifier trained on real MNIST images.

Generated digits are scored by whether this independent classifier reads the
spoken digit in them. It is trained here on the data layer's ``mnist`` train
split (8,000 images: only MNIST's test half is available offline, see the
card of ``mnist``) with small random affine jitter, and bundled with the
plugin so that ``xmodal eval`` needs no training. Rebuild it with::

    xmodal aivae lenet            # writes xmodal_aivae/weights/lenet5/
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "LENET_NAME", "LENET_WEIGHTS", "LeNet5", "lenet_accuracy", "lenet_metrics", "load_lenet",
    "mnist_tensors", "save_lenet", "train_lenet",
]

#: The bundled classifier's folder (``engine.frozen`` layout: lenet5.safetensors, lenet5.json).
LENET_WEIGHTS = Path(__file__).parent / "weights" / "lenet5"
#: The file stem of the classifier inside its folder.
LENET_NAME = "lenet5"


class LeNet5(nn.Module):
    """LeCun et al.'s LeNet-5 for 28x28 input (padding 2 on the first conv), ReLU and max pooling."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """``[B, 1, 28, 28]`` in [0, 1] -> digit logits ``[B, 10]``."""
        logits: torch.Tensor = self.classifier(self.features(images))
        return logits


def mnist_tensors(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``(images [N, 1, 28, 28] in [0, 1], labels [N])`` of the data layer's ``mnist`` split."""
    from engine import data

    part = data.load("mnist", progress=False).split(split)
    images = torch.from_numpy(np.asarray(part["image"], dtype=np.float32) / 255.0).unsqueeze(1)
    return images, torch.from_numpy(np.asarray(part["label"]).astype(np.int64))


def _jitter(images: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random rotation (±10°), scale (0.9-1.1) and shift (±2 px): what 8,000 images lack."""
    n = len(images)
    angle = (torch.rand(n, generator=gen) * 2 - 1) * (10 * torch.pi / 180)
    scale = 0.9 + 0.2 * torch.rand(n, generator=gen)
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * (2 / 14)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1),
                         torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, align_corners=False, padding_mode="zeros")


@torch.no_grad()
def lenet_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                   batch_size: int = 500) -> float:
    """Top-1 accuracy of ``model`` on images in [0, 1] (the engine's ClassifierAccuracy)."""
    from engine.metrics import ClassifierAccuracy

    metric = ClassifierAccuracy(model, top_k=(1,))
    was_training = model.training
    model.eval()
    for start in range(0, len(images), batch_size):
        metric.update(images[start:start + batch_size], labels[start:start + batch_size])
    model.train(was_training)
    return metric.compute()["top1"]


def train_lenet(epochs: int = 40, batch_size: int = 64, lr: float = 1e-3, seed: int = 0,
                log: bool = True) -> tuple[LeNet5, dict[str, float]]:
    """Train on the ``mnist`` train split; returns the model and its train/test accuracy."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    x, y = mnist_tensors("train")
    model = LeNet5()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs * (len(x) // batch_size))
    started = time.monotonic()
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=gen)
        for start in range(0, len(x) - batch_size + 1, batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(model(_jitter(x[batch], gen)), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        if log:
            print(f"epoch {epoch + 1}/{epochs}: loss {loss.item():.4f}", flush=True)
    test_x, test_y = mnist_tensors("test")
    metrics = {
        "train_accuracy": lenet_accuracy(model, x, y),
        "test_accuracy": lenet_accuracy(model, test_x, test_y),
        "train_seconds": round(time.monotonic() - started, 1),
        "epochs": epochs,
    }
    return model.eval(), metrics


@functools.lru_cache(maxsize=2)
def load_lenet(folder: Path = LENET_WEIGHTS) -> LeNet5:
    """The bundled (or a given) classifier, checked against its recorded sha256, frozen, in eval mode."""
    from engine.errors import CheckpointError
    from engine.frozen import frozen_paths, load_frozen

    if not frozen_paths(folder, LENET_NAME)[0].is_file():
        raise CheckpointError(f"{folder}: the LeNet-5 evaluator is missing; run `xmodal aivae lenet`")
    model, _ = load_frozen(folder, LENET_NAME, lambda config: LeNet5())
    return model


def lenet_metrics(folder: Path = LENET_WEIGHTS) -> dict[str, float]:
    """What was measured when the classifier in ``folder`` was trained (the docs quote these)."""
    from engine.frozen import read_frozen_config

    metrics: dict[str, float] = read_frozen_config(folder, LENET_NAME)["metrics"]
    return metrics


def save_lenet(model: LeNet5, metrics: dict[str, float], folder: Path = LENET_WEIGHTS) -> None:
    """``lenet5.safetensors`` and ``lenet5.json`` (the metrics and the checksum), written atomically."""
    from engine.frozen import save_frozen

    save_frozen(model, folder, LENET_NAME,
                config={"network": "LeNet-5 (xmodal_aivae.lenet.LeNet5)", "metrics": metrics})
