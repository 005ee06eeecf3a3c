"""How ``cmgan-i2s`` is judged: a separate sound classifier listens to the generated log-mels.

The paper's I2S figure is the share of generated spectrograms that a sound
classifier (80% on real test LMS) assigns to the picture's instrument:
11.17%. Ours, :func:`i2s_metrics`:

- ``sound_classifier_real_accuracy``: the judge on the real ``gm-phrases``
  test windows (it must be a competent listener for the figure to mean
  anything);
- ``i2s_accuracy`` (+ ``i2s_acc_<class>``): every test picture (drawings the
  GAN and Gamma never saw, wherever a class has two or more) is voiced
  ``copies`` times with different z; the share the judge puts in the
  picture's class. ``i2s_accuracy_train``: the same on training pictures;
- two checks that do not trust the judge: ``band_profile_corr``, the mean over
  classes of the correlation between the generated and the real mean per-band
  spectrum (the class's spectral envelope); ``band_profile_match``, the share of
  classes whose generated envelope is closer to their own real envelope than
  to any other class's; and ``diversity_ratio``, the spread of one picture's
  spectrograms over z against the spread of real windows of its class (near
  0: z is ignored, the mode-collapse sign).

The judge is a :class:`~xmodal_cmgan.encoders.SoundClassifier` trained by the
core's recipe with its own seed (``weights/cmgan-i2s/judge.*``), not the S2I
encoder, so the GAN is not graded by the network whose encoding it could have
learnt to please.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .classifier_train import accuracy
from .encoders import SoundClassifier
from .features import WindowedLms
from .i2s_networks import to_lms_frames
from .images import Pictures, to_signed

__all__ = ["I2SEvaluator", "band_profiles", "generate_lms", "judge_predictions"]


def judge_predictions(judge: SoundClassifier, lms: np.ndarray | torch.Tensor, batch: int = 512) -> np.ndarray:
    """Arg-max classes of the judge for log-mels ``[N, 128, 44]`` in the features' units."""
    judge.eval()
    out: list[np.ndarray] = []
    with torch.no_grad():
        for start in range(0, len(lms), batch):
            chunk = torch.as_tensor(np.asarray(lms[start : start + batch])).float()
            out.append(judge(chunk).argmax(1).numpy())
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def generate_lms(pipeline: torch.nn.Module, pictures: np.ndarray, seed: int,
                 batch: int = 256) -> torch.Tensor:
    """uint8 pictures ``[N, H, W, 3]`` -> log-mels ``[N, 128, 44]`` (features' units), z from ``seed``.

    Each picture gets its own z (rows of one seeded draw), unlike ``translate``,
    which uses one z for a whole batch so that a picture's sound never depends
    on its neighbours.
    """
    from .i2s_pipeline import I2SPipeline, noise

    assert isinstance(pipeline, I2SPipeline)
    generator = pipeline.translator.generator
    z_all = noise(len(pictures), generator.z_dim, seed)
    out: list[torch.Tensor] = []
    was_training = pipeline.training
    pipeline.eval()
    with torch.no_grad():
        for start in range(0, len(pictures), batch):
            x = to_signed(pictures[start : start + batch])
            enc = pipeline.encoder(x)
            lms = to_lms_frames(generator(enc, z_all[start : start + len(x)])).squeeze(1)
            out.append(pipeline.decoder.log_mel(lms))
    pipeline.train(was_training)
    return torch.cat(out) if out else torch.zeros(0, 128, 44)


def band_profiles(lms: np.ndarray | torch.Tensor, labels: np.ndarray, classes: int) -> np.ndarray:
    """Mean log-mel per band of each class, ``[classes, 128]`` (NaN rows for absent classes)."""
    x = torch.as_tensor(np.asarray(lms)).float().mean(dim=2).numpy()
    out = np.full((classes, x.shape[1]), np.nan, dtype=np.float64)
    for k in range(classes):
        mask = labels == k
        if mask.any():
            out[k] = x[mask].mean(axis=0)
    return out


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / max(np.sqrt((a * a).sum() * (b * b).sum()), 1e-12))


@dataclass
class I2SEvaluator:
    """The judge, the real test windows and the pictures; call it on a pipeline."""

    judge: SoundClassifier
    real_test: WindowedLms
    test_pictures: Pictures
    train_pictures: Pictures
    copies: int = 2
    seed: int = 0
    val_per_class: int = 40
    _real: dict[str, float] = field(default_factory=dict)
    _real_profiles: np.ndarray | None = None

    @property
    def classes(self) -> list[str]:
        return self.real_test.classes

    def real_metrics(self) -> dict[str, float]:
        """The judge's accuracy on real test windows (computed once)."""
        if not self._real:
            pred = judge_predictions(self.judge, self.real_test.lms)
            acc = accuracy(pred, self.real_test.instrument, self.classes)
            self._real = {"sound_classifier_real_accuracy": acc["accuracy"]}
        return dict(self._real)

    def real_profiles(self) -> np.ndarray:
        if self._real_profiles is None:
            self._real_profiles = band_profiles(self.real_test.lms, self.real_test.instrument,
                                                len(self.classes))
        return self._real_profiles

    def _val_rows(self) -> np.ndarray:
        """A fixed, class-balanced subset of the training pictures (what selection reads)."""
        rng = np.random.default_rng(self.seed + 101)
        rows = [rng.permutation(np.flatnonzero(self.train_pictures.instrument == k))[: self.val_per_class]
                for k in range(len(self.classes))]
        return np.sort(np.concatenate(rows))

    def accuracy_on(self, pipeline: torch.nn.Module, pictures: Pictures, rows: np.ndarray | None = None,
                    prefix: str = "i2s") -> tuple[dict[str, float], torch.Tensor, np.ndarray]:
        """Judge accuracy of ``copies`` generations per picture; also returns them and their labels."""
        images = pictures.image if rows is None else pictures.image[rows]
        labels = pictures.instrument if rows is None else pictures.instrument[rows]
        generated = torch.cat([generate_lms(pipeline, images, self.seed + 1000 * c)
                               for c in range(self.copies)])
        y = np.tile(labels, self.copies)
        acc = accuracy(judge_predictions(self.judge, generated), y, self.classes)
        out = {f"{prefix}_accuracy": acc["accuracy"]}
        out.update({f"{prefix}_{k}": v for k, v in acc.items() if k.startswith("acc_")})
        return out, generated, y

    def diversity_ratio(self, generated: torch.Tensor, labels: np.ndarray, n: int) -> float:
        """Spread over z of one picture's log-mels against real within-class spread."""
        if self.copies < 2:
            return float("nan")
        g = generated.view(self.copies, n, *generated.shape[1:])
        over_z = float(g.std(dim=0).mean())
        real = torch.as_tensor(np.asarray(self.real_test.lms)).float()
        counts = np.bincount(self.real_test.instrument, minlength=len(self.classes))
        spreads = [float(real[self.real_test.instrument == k].std(dim=0).mean())
                   for k in np.unique(labels[:n]) if counts[k] >= 2]
        return over_z / max(float(np.mean(spreads)), 1e-9) if spreads else float("nan")

    def __call__(self, pipeline: torch.nn.Module, split: str) -> dict[str, float]:
        """``val``: i2s accuracy on a fixed subset of training pictures (cheap, for selection).

        ``test``: everything in the module docstring.
        """
        if split == "val":
            metrics, _, _ = self.accuracy_on(pipeline, self.train_pictures, self._val_rows())
            return {"i2s_accuracy": metrics["i2s_accuracy"]}
        metrics, generated, labels = self.accuracy_on(pipeline, self.test_pictures)
        train, _, _ = self.accuracy_on(pipeline, self.train_pictures, self._val_rows(), "train")
        metrics["i2s_accuracy_train"] = train["train_accuracy"]
        metrics.update(self.real_metrics())
        fake = band_profiles(generated, labels, len(self.classes))
        real = self.real_profiles()
        present = [k for k in range(len(self.classes))
                   if not (np.isnan(fake[k]).any() or np.isnan(real[k]).any())]
        real = np.nan_to_num(real, nan=-1e3)  # an absent real class is never the closest
        corr = np.array([[_corr(fake[a], real[b]) for b in range(len(self.classes))] for a in present])
        metrics["band_profile_corr"] = float(np.mean([corr[i, k] for i, k in enumerate(present)]))
        metrics["band_profile_match"] = float(np.mean([int(np.argmax(corr[i]) == k)
                                                       for i, k in enumerate(present)]))
        metrics["diversity_ratio"] = self.diversity_ratio(generated, labels, len(self.test_pictures))
        metrics["test_pictures"] = float(len(self.test_pictures))
        metrics["real_test_windows"] = float(len(self.real_test))
        return metrics
