"""The paper's classifier-based evaluation (Table 5) and the figures around it.

``s2i_accuracy``: a picture is generated from every test window (noise z drawn
with a fixed seed) and Gamma classifies it; the share classified as the
window's instrument is the accuracy (chance 1/13 = 7.7%). The same on the
generator's own training windows is ``s2i_accuracy_train`` (a seeded
subsample). ``s2i_real_recordings`` runs whole real recordings (GCompris and
Tux Paint, out of domain: never trained on) through the pipeline exactly as
``xmodal translate`` does (the loudest 0.5 s window) and scores the pictures
the same way, over the recordings of URMP classes only.

Beside them: ``gamma_real_accuracy`` (Gamma on the real test pictures, drawings
it never saw), the sound classifier's own accuracy on the test windows (Table
1's LMS row) and on the held-out soundfont (a classifier of the same recipe
trained on ``sf-train``, read from its frozen config), and per-class figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .classifier_train import accuracy, predict
from .data import encode, subsample, windows_for
from .encoders import ImageClassifier
from .features import WindowedLms
from .images import clipart_pictures, to_signed

__all__ = ["evaluate_pipeline", "generate", "pixel_spread", "real_recordings", "s2i_scores"]

_EVAL_SEED = 1234


def _slug(name: str) -> str:
    return name.replace(" ", "_")


def generate(pipeline: Any, encoding: torch.Tensor, seed: int = _EVAL_SEED,
             batch: int = 256) -> torch.Tensor:
    """Pictures ``[N, 3, 64, 64]`` in [-1, 1] from encodings, with a fresh seeded z per picture."""
    g = torch.Generator().manual_seed(seed)
    z_dim = pipeline.translator.generator.z_dim
    out = []
    with torch.no_grad():
        for start in range(0, len(encoding), batch):
            chunk = encoding[start : start + batch]
            z = torch.randn(len(chunk), z_dim, generator=g)
            out.append(pipeline.pictures(chunk, z))
    return torch.cat(out) if out else torch.zeros(0, 3, 64, 64)


def s2i_scores(pipeline: Any, gamma: ImageClassifier, table: WindowedLms,
               seed: int = _EVAL_SEED) -> tuple[np.ndarray, torch.Tensor]:
    """Gamma's predictions on pictures generated from every window of ``table``, and the pictures."""
    encoding = encode(pipeline.encoder.net, table.lms)
    pictures = generate(pipeline, encoding, seed)
    return predict(gamma, pictures), pictures


def pixel_spread(pictures: torch.Tensor, labels: np.ndarray) -> float:
    """Mean over classes of the per-pixel standard deviation among a class's pictures ([-1, 1]).

    A generator that draws one picture per class (mode collapse) scores near 0
    however well Gamma classifies it; real augmented drawings set the scale.
    """
    spreads = [float(pictures[torch.from_numpy(labels == k)].float().std(dim=0).mean())
               for k in np.unique(labels) if (labels == k).sum() > 1]
    return float(np.mean(spreads)) if spreads else float("nan")


def real_recordings(pipeline: Any, gamma: ImageClassifier, classes: list[str]) -> dict[str, float]:
    """``s2i_real_recordings`` over the real recordings of URMP classes (others skipped)."""
    from engine import Audio, MediaError, data
    from engine.errors import DataError

    try:
        ds = data.load("instrument-recordings")
    except (DataError, KeyError, ValueError):
        return {}
    names = list(ds.classes["instrument"])
    labels = np.asarray(ds["instrument"])
    audio = ds["audio"]
    rate = int(ds.meta.get("sample_rate", 44100))
    lms, truth = [], []
    for i, label in enumerate(labels):
        name = names[int(label)]
        if name not in classes:
            continue
        wave = np.asarray(audio[i], dtype=np.float32) / 32768.0
        try:
            lms.append(pipeline.encoder.prepare(Audio(torch.from_numpy(wave[None].copy()), rate)))
        except MediaError:
            continue
        truth.append(classes.index(name))
    if not lms:
        return {}
    with torch.no_grad():
        encoding = pipeline.encoder(torch.stack(lms))
    pred = predict(gamma, generate(pipeline, encoding))
    truth_a = np.asarray(truth)
    out = {"s2i_real_recordings": float((pred == truth_a).mean()),
           "s2i_real_recordings_count": float(len(truth_a)),
           "s2i_real_recordings_classes": float(len(np.unique(truth_a)))}
    for k in np.unique(truth_a):
        out[f"s2i_real_acc_{_slug(classes[int(k)])}"] = float((pred[truth_a == k] == k).mean())
    return out


def evaluate_pipeline(pipeline: Any, gamma: ImageClassifier, split: str, *, tiny: bool = False,
                      val_per_class: int = 80, train_per_class: int = 200,
                      sound_sf_accuracy: float | None = None, progress: bool = False) -> dict[str, float]:
    """Metrics of one split: ``val`` (quick, during training) or ``test`` (everything).

    ``val`` scores a seeded subsample of ``val_per_class`` held-out training
    windows per instrument: it picks the best epoch. ``test`` scores every test
    window and adds the train accuracy, the real recordings, Gamma on real
    pictures and the sound classifier's own accuracy.
    """
    pipeline.eval()
    if split == "val":
        table = subsample(windows_for("val", tiny=tiny, progress=progress), val_per_class)
        pred, _ = s2i_scores(pipeline, gamma, table)
        return {"s2i_accuracy": float((pred == table.instrument).mean())}
    table = windows_for(split, tiny=tiny, progress=progress)
    classes = table.classes
    pred, made = s2i_scores(pipeline, gamma, table)
    metrics: dict[str, float] = {"s2i_pixel_spread": pixel_spread(made, table.instrument)}
    acc = accuracy(pred, table.instrument, classes)
    metrics["s2i_accuracy"] = acc.pop("accuracy")
    metrics.update({f"s2i_{k}": v for k, v in acc.items()})
    metrics["s2i_windows"] = float(len(table))
    train = subsample(windows_for("gan-train", tiny=tiny, progress=progress), train_per_class)
    train_pred, _ = s2i_scores(pipeline, gamma, train)
    metrics["s2i_accuracy_train"] = float((train_pred == train.instrument).mean())
    metrics.update(real_recordings(pipeline, gamma, classes))
    pictures = clipart_pictures("test", tiny=tiny)
    gamma_acc = accuracy(predict(gamma, pictures.image, transform=to_signed), pictures.instrument,
                         pictures.classes)
    metrics["gamma_real_accuracy"] = gamma_acc.pop("accuracy")
    metrics["real_pixel_spread"] = pixel_spread(to_signed(pictures.image), pictures.instrument)
    metrics.update({f"gamma_real_{k}": v for k, v in gamma_acc.items()})
    net = pipeline.encoder.net
    if hasattr(net, "fc3"):
        sound = accuracy(predict(net, table.lms), table.instrument, classes)
        metrics["sound_test_accuracy"] = sound["accuracy"]
    if sound_sf_accuracy is not None:
        metrics["sound_sf_test_accuracy"] = float(sound_sf_accuracy)
    return metrics
