"""Training the two frozen classifiers: the sound classifier (Table 1's LMS row) and Gamma.

Both are plain supervised runs with Adam and a progress bar, saved with
:mod:`engine.frozen` together with their architecture, the data they saw and
what was measured on the held-out splits, so every figure in the docs can be
read back from ``NAME.json``. The paper gives neither optimiser nor epochs;
ours: Adam 1e-3, batch 64, a cosine-decayed learning rate, a fixed number of
epochs and the last epoch kept (no test figure picks a checkpoint).

The sound classifier trains on the ``train`` windows and is tested on ``test``
(other phrases of the same soundfonts, Table 1's setting); the harder
held-out-soundfont figure comes from a second classifier of the same recipe
trained on ``sf-train`` and tested on ``sf-test`` (``split="sf-train"``).

Gamma trains on the clipart ``train`` pictures with online augmentation on
top of the data set's own (see :mod:`xmodal_cmgan.images`) and is tested on
``test``, pictures of drawings it never saw wherever a class has two or more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from engine.frozen import save_frozen

from .encoders import ImageClassifier, SoundClassifier, fc_l2_penalty
from .features import LMS, lms_stats, phrase_windows

__all__ = ["accuracy", "predict", "train_gamma", "train_sound"]

#: Defaults of the bundled sound classifier and Gamma.
SOUND_DEFAULTS: dict[str, Any] = {"epochs": 6, "width": 16, "hidden": 256, "batch": 64, "lr": 1e-3}
GAMMA_DEFAULTS: dict[str, Any] = {"epochs": 40, "width": 16, "hidden": 256, "batch": 64, "lr": 1e-3}


def predict(model: torch.nn.Module, x: np.ndarray | torch.Tensor, batch: int = 512,
            transform: Any = None) -> np.ndarray:
    """Arg-max predictions of a classifier over ``x`` in batches (eval mode, no gradients)."""
    was_training = model.training
    model.eval()
    out: list[np.ndarray] = []
    with torch.no_grad():
        for start in range(0, len(x), batch):
            chunk = torch.as_tensor(np.asarray(x[start : start + batch]))
            chunk = transform(chunk) if transform is not None else chunk.float()
            out.append(model(chunk).argmax(1).numpy())
    model.train(was_training)
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def accuracy(pred: np.ndarray, labels: np.ndarray, classes: list[str]) -> dict[str, float]:
    """Overall and per-class accuracy (``acc_<class>``; classes absent from ``labels`` left out)."""
    labels = np.asarray(labels)
    result = {"accuracy": float((pred == labels).mean()) if len(labels) else float("nan")}
    for k, name in enumerate(classes):
        mask = labels == k
        if mask.any():
            result[f"acc_{name.replace(' ', '_')}"] = float((pred[mask] == k).mean())
    return result


def _cosine(optimizer: torch.optim.Optimizer, total: int) -> torch.optim.lr_scheduler.LRScheduler:
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + np.cos(np.pi * min(step, total) / max(total, 1))))


def _fit(model: SoundClassifier | ImageClassifier, inputs: torch.Tensor, labels: torch.Tensor,
         batch_input: Callable[[torch.Tensor], torch.Tensor], *, c: dict[str, Any],
         rng: np.random.Generator, max_steps: int | None, name: str, progress: bool) -> int:
    """The training loop both classifiers share; returns the number of steps taken.

    Adam at ``c["lr"]`` with a cosine-decayed rate over ``c["epochs"]`` epochs of
    ``c["batch"]`` rows (at most ``max_steps`` steps), each epoch in the order of a
    fresh ``rng`` permutation; ``batch_input`` turns a batch of ``inputs`` rows into
    the model's input (where augmentation draws its own randomness). The loss is
    cross-entropy plus :func:`~xmodal_cmgan.encoders.fc_l2_penalty`.
    """
    from tqdm.auto import tqdm

    optimizer = torch.optim.Adam(model.parameters(), lr=float(c["lr"]))
    per_epoch = int(np.ceil(len(labels) / int(c["batch"])))
    total = per_epoch * int(c["epochs"])
    if max_steps is not None:
        total = min(total, max_steps)
    schedule = _cosine(optimizer, total)
    model.train()
    bar = tqdm(total=total, desc=f"cmgan: {name}", unit="step", disable=not progress)
    step, running = 0, 0.0
    while step < total:
        order = rng.permutation(len(labels))
        for start in range(0, len(order), int(c["batch"])):
            if step >= total:
                break
            idx = torch.from_numpy(order[start : start + int(c["batch"])])
            x = batch_input(inputs[idx])
            loss = F.cross_entropy(model(x), labels[idx]) + fc_l2_penalty(model)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            step += 1
            running = 0.95 * running + 0.05 * loss.item() if step > 1 else loss.item()
            bar.update(1)
            bar.set_postfix(loss=f"{running:.3f}")
    bar.close()
    return total


def train_sound(folder: str | Path, *, split: str = "train", test_splits: tuple[str, ...] | None = None,
                epochs: int | None = None, width: int | None = None, hidden: int | None = None,
                batch: int | None = None, lr: float | None = None, tiny: bool = False,
                seed: int = 0, progress: bool = True, name: str = "sound-classifier",
                max_steps: int | None = None) -> dict[str, Any]:
    """Train a :class:`SoundClassifier` on a ``gm-phrases`` split and save it to ``folder``.

    ``test_splits`` defaults to ``test`` for ``train`` and ``sf-test`` for
    ``sf-train``. Returns the saved config's ``metrics`` plus the training time.
    """
    c = {**SOUND_DEFAULTS, **{k: v for k, v in dict(epochs=epochs, width=width, hidden=hidden,
                                                      batch=batch, lr=lr).items() if v is not None}}
    if test_splits is None:
        test_splits = ("sf-test",) if split.startswith("sf-") else ("test",)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    train = phrase_windows(split, tiny=tiny, progress=progress)
    classes = train.classes
    stats = lms_stats(train.lms)
    model = SoundClassifier(len(classes), int(c["width"]), *LMS.shape, hidden=int(c["hidden"]))
    model.set_stats(stats.mean, stats.std)
    total = _fit(model, torch.from_numpy(np.asarray(train.lms)), torch.from_numpy(train.instrument),
                 lambda x: x.float(), c=c, rng=rng, max_steps=max_steps, name=name, progress=progress)
    train_seconds = time.perf_counter() - started
    model.eval()
    metrics: dict[str, Any] = {}
    for test in (split, *test_splits):
        table = train if test == split else phrase_windows(test, tiny=tiny, progress=progress)
        acc = accuracy(predict(model, table.lms), table.instrument, classes)
        prefix = "train" if test == split else test.replace("-", "_")
        metrics.update({f"{prefix}_{k}": v for k, v in acc.items()})
        metrics[f"{prefix}_windows"] = len(table)
    metrics["train_seconds"] = round(train_seconds, 1)
    config = {
        "architecture": {"classes": len(classes), "width": int(c["width"]), "n_mels": LMS.n_mels,
                         "frames": LMS.frames, "hidden": int(c["hidden"])},
        "classes": classes, "lms": asdict(LMS), "data": {"dataset": "gm-phrases", "split": split,
                                                         "tiny": tiny},
        "training": {**c, "steps": total, "seed": seed, "optimizer": "Adam, cosine decay",
                     "fc_l2": 0.015, "dropout": [0.3, 0.2]},
        "metrics": metrics,
    }
    Path(folder).mkdir(parents=True, exist_ok=True)
    save_frozen(model, folder, name, config=config)
    return metrics


def train_gamma(folder: str | Path, *, epochs: int | None = None, width: int | None = None,
                hidden: int | None = None, batch: int | None = None, lr: float | None = None,
                tiny: bool = False, seed: int = 0, progress: bool = True, name: str = "gamma",
                max_steps: int | None = None) -> dict[str, Any]:
    """Train Gamma (:class:`ImageClassifier`) on the clipart ``train`` pictures; save to ``folder``."""
    from .images import augment, clipart_pictures, to_signed

    c = {**GAMMA_DEFAULTS, **{k: v for k, v in dict(epochs=epochs, width=width, hidden=hidden,
                                                      batch=batch, lr=lr).items() if v is not None}}
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    train = clipart_pictures("train", tiny=tiny)
    classes = train.classes
    model = ImageClassifier(len(classes), int(c["width"]), size=train.size, hidden=int(c["hidden"]))
    total = _fit(model, torch.from_numpy(np.asarray(train.image)), torch.from_numpy(train.instrument),
                 lambda x: augment(to_signed(x), gen), c=c, rng=rng, max_steps=max_steps, name=name,
                 progress=progress)
    train_seconds = time.perf_counter() - started
    model.eval()
    metrics: dict[str, Any] = {}
    for split in ("train", "test"):
        table = train if split == "train" else clipart_pictures(split, tiny=tiny)
        acc = accuracy(predict(model, table.image, transform=to_signed), table.instrument, classes)
        metrics.update({f"{split}_{k}": v for k, v in acc.items()})
        metrics[f"{split}_pictures"] = len(table)
    metrics["train_seconds"] = round(train_seconds, 1)
    config = {
        "architecture": {"classes": len(classes), "width": int(c["width"]), "size": train.size,
                         "hidden": int(c["hidden"])},
        "classes": classes,
        "data": {"dataset": "instruments-clipart", "split": "train", "tiny": tiny,
                 "drawings_train": train.drawings},
        "training": {**c, "steps": total, "seed": seed, "optimizer": "Adam, cosine decay",
                     "fc_l2": 0.015, "augmentation": "see xmodal_cmgan.images.augment"},
        "metrics": metrics,
    }
    Path(folder).mkdir(parents=True, exist_ok=True)
    save_frozen(model, folder, name, config=config)
    return metrics
