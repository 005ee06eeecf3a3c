"""The independent evaluation classifier (the paper's Inception-ResNet-v2 stand-in).

The paper labels generated and original images with an ImageNet classifier
that never saw its training; ours is trained here on real ``object-pictures``
training pictures only, with another architecture (:class:`JudgeCNN`) and
another seed than the image CNN, and ships in ``weights/judge`` through
:mod:`engine.frozen` (``xmodal sound2image train-judge``), so the numbers of
every sound2image model are measured by the same instrument. It knows the
~51 object classes, not 1,000 ImageNet labels: top-k overlaps under it are not
comparable with the paper's.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from engine.frozen import load_frozen, save_frozen

from .data import load_objects, pictures_to_tensor
from .networks import JudgeCNN

__all__ = ["JUDGE_NAME", "JUDGE_SEED", "accuracy", "load_judge", "train_judge"]

JUDGE_NAME = "judge"
#: Not the recipe's seed (0): the judge's initialisation and data order are its own.
JUDGE_SEED = 1234


def _build(config: dict[str, Any]) -> JudgeCNN:
    return JudgeCNN(int(config["classes"]), int(config["width"]))


@functools.cache
def _load(folder: str) -> tuple[JudgeCNN, dict[str, Any]]:
    net, config = load_frozen(folder, JUDGE_NAME, _build)
    assert isinstance(net, JudgeCNN)
    return net, config


def load_judge(folder: str | Path | None = None) -> tuple[JudgeCNN, dict[str, Any]]:
    """The judge in ``folder`` (default: the bundled one) and its config; cached per process."""
    from . import JUDGE

    return _load(str(Path(folder or JUDGE).resolve()))


@torch.no_grad()
def accuracy(net: torch.nn.Module, pictures: torch.Tensor, labels: torch.Tensor, batch: int = 256) -> float:
    """Top-1 accuracy of ``net`` on uint8 pictures ``[N, S, S, 3]``."""
    net.eval()
    hits = 0
    for i in range(0, len(pictures), batch):
        logits = net(pictures_to_tensor(pictures[i:i + batch]))
        hits += int((logits.argmax(1) == labels[i:i + batch]).sum())
    return hits / max(1, len(pictures))


def train_judge(out: Path, *, steps: int = 1200, batch: int = 64, width: int = 24, tiny: bool = False,
                size: int = 64, progress: bool = True) -> dict[str, Any]:
    """Train the judge on real training pictures (mirrored at random) and save it to ``out``."""
    started = time.monotonic()
    train, test = load_objects("train", tiny=tiny, size=size), load_objects("test", tiny=tiny, size=size)
    torch.manual_seed(JUDGE_SEED)
    rng = np.random.default_rng(JUDGE_SEED)
    net = JudgeCNN(train.num_classes, width)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    net.train()
    bar = tqdm(range(steps), desc="judge", disable=not progress)
    for _ in bar:
        idx = torch.from_numpy(rng.integers(0, len(train.picture), batch))
        x = pictures_to_tensor(train.picture[idx])
        x = torch.where(torch.from_numpy(rng.random(batch) < 0.5)[:, None, None, None], x.flip(3), x)
        loss = F.cross_entropy(net(x), train.picture_label[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        bar.set_postfix(loss=f"{loss.item():.3f}")
    net.eval()
    report = {"train_accuracy": accuracy(net, train.picture, train.picture_label),
              "test_accuracy": accuracy(net, test.picture, test.picture_label)}
    config = {"classes": train.num_classes, "width": width, "size": size, "steps": steps, "batch": batch,
              "seed": JUDGE_SEED, "tiny_data": tiny, "metrics": report,
              "seconds": round(time.monotonic() - started, 1),
              "command": f"xmodal sound2image train-judge --out {out} --steps {steps} --width {width}"
                         + (" --tiny" if tiny else "")}
    save_frozen(net, out, JUDGE_NAME, config=config)
    _load.cache_clear()
    return config
