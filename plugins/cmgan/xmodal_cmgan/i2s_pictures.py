"""Pictures and sounds of ``cmgan-i2s`` for a reader: spectrograms per instrument, the epoch curve, WAVs.

- :func:`draw_spectrogram_grid`: one row per instrument: a test picture, the
  log-mels generated from it with three seeds, and two real windows of the
  instrument, on one colour scale, so one sees at a glance whether the
  generated energy sits in the right bands;
- :func:`draw_accuracy_curve`: ``i2s_accuracy`` on the training pictures at
  every evaluation of a run (the paper's Fig. 9 shape: look for the peak);
- :func:`write_samples`: playable WAVs: per instrument the sound of one test
  picture under a few seeds, beside the same Griffin-Lim applied to real
  windows of it (what the voicing alone does to a perfect spectrogram);
- :func:`save_lms_picture`: one spectrogram as a PNG (``xmodal cmgan spectrogram``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .features import LMS, WindowedLms
from .i2s_evaluation import I2SEvaluator, generate_lms, judge_predictions

__all__ = ["SAMPLE_INSTRUMENTS", "draw_accuracy_curve", "draw_spectrogram_grid", "save_lms_picture",
           "spectral_centroid", "write_samples"]

#: Instruments whose sounds :func:`write_samples` writes (low to high, four families).
SAMPLE_INSTRUMENTS = ("tuba", "cello", "trumpet", "flute")


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_lms_picture(lms: np.ndarray, path: Path, title: str = "") -> Path:
    """A ``[128, T]`` log-mel as a PNG: time across, mel bands up (low at the bottom)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(3.2, 4.0), dpi=100)
    seconds = (lms.shape[1] - 1) * LMS.hop_length / LMS.sample_rate
    ax.imshow(lms, origin="lower", aspect="auto", cmap="magma", extent=(0, seconds, 0, lms.shape[0]))
    ax.set_xlabel("seconds")
    ax.set_ylabel("mel band")
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def _first_rows(labels: np.ndarray, k: int, n: int, seed: int) -> np.ndarray:
    rows = np.flatnonzero(labels == k)
    return np.random.default_rng(seed).permutation(rows)[:n] if len(rows) else rows


def draw_spectrogram_grid(pipeline: torch.nn.Module, evaluator: I2SEvaluator, path: Path,
                          seeds: tuple[int, ...] = (0, 1, 2), real_per_class: int = 2) -> Path:
    """Per instrument: a test picture, its generated log-mels (one per seed) and real ones."""
    plt = _pyplot()
    classes = evaluator.classes
    pictures, real = evaluator.test_pictures, evaluator.real_test
    cols = 1 + len(seeds) + real_per_class
    fig, axes = plt.subplots(len(classes), cols, figsize=(1.5 * cols, 1.45 * len(classes)), dpi=90)
    lo, hi = np.percentile(np.asarray(real.lms[:: max(1, len(real) // 500)], dtype=np.float32), [2, 99.5])
    for k, name in enumerate(classes):
        row = axes[k]
        pic = _first_rows(pictures.instrument, k, 1, 0)
        real_rows = _first_rows(real.instrument, k, real_per_class, 1)
        for ax in row:
            ax.set_xticks([])
            ax.set_yticks([])
        if len(pic):
            row[0].imshow(pictures.image[pic[0]])
            made = [generate_lms(pipeline, pictures.image[pic], seed)[0].numpy() for seed in seeds]
            said = judge_predictions(evaluator.judge, np.stack(made))
            for j, (lms, guess) in enumerate(zip(made, said, strict=True)):
                ax = row[1 + j]
                ax.imshow(lms, origin="lower", aspect="auto", cmap="magma", vmin=lo, vmax=hi)
                mark = "ok" if guess == k else classes[int(guess)][:8]
                ax.set_title(f"seed {seeds[j]}: {mark}", fontsize=6, pad=2)
        for j, r in enumerate(real_rows):
            ax = row[1 + len(seeds) + j]
            ax.imshow(np.asarray(real.lms[r], dtype=np.float32), origin="lower", aspect="auto",
                      cmap="magma", vmin=lo, vmax=hi)
            ax.set_title("real", fontsize=6, pad=2)
        row[0].set_ylabel(name, fontsize=7)
    fig.suptitle("cmgan-i2s: test picture | generated log-mel per seed (judge's verdict) | real",
                 fontsize=8)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def draw_accuracy_curve(run: Path, path: Path) -> Path:
    """``i2s_accuracy`` (training pictures) at every evaluation of the run in ``run``."""
    plt = _pyplot()
    points = []
    for line in (run / "log.jsonl").read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event.get("event") == "eval" and "i2s_accuracy" in event.get("metrics", {}):
            points.append((int(event["step"]), float(event["metrics"]["i2s_accuracy"]), event["split"]))
    fig, ax = plt.subplots(figsize=(5, 3), dpi=100)
    val = [(s, a) for s, a, split in points if split == "val"]
    if val:
        ax.plot([s for s, _ in val], [a for _, a in val], "o-", label="training pictures (selection)")
    test = [(s, a) for s, a, split in points if split == "test"]
    if test:
        ax.plot([s for s, _ in test], [a for _, a in test], "s", label="test pictures (best step)")
    ax.axhline(0.1117, color="grey", ls="--", lw=1, label="paper 11.17%")
    ax.axhline(1 / 13, color="grey", ls=":", lw=1, label="chance")
    ax.set_xlabel("step")
    ax.set_ylabel("i2s accuracy")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def _real_windows(real: WindowedLms, k: int, n: int) -> np.ndarray:
    return np.asarray(real.lms[_first_rows(real.instrument, k, n, 2)], dtype=np.float32)


def write_samples(pipeline: Any, evaluator: I2SEvaluator, out: Path,
                  instruments: tuple[str, ...] = SAMPLE_INSTRUMENTS,
                  seeds: tuple[int, ...] = (0, 1)) -> list[dict[str, Any]]:
    """WAVs per instrument: generated (one test picture, ``seeds`` joined) and real, both voiced.

    Returns one row per file: its name, instrument, what it is and the judge's
    verdict on each of its windows.
    """
    from engine import Audio

    out.mkdir(parents=True, exist_ok=True)
    classes = evaluator.classes
    rows: list[dict[str, Any]] = []
    for name in instruments:
        k = classes.index(name)
        pic = _first_rows(evaluator.test_pictures.instrument, k, 1, 0)
        made = np.stack([generate_lms(pipeline, evaluator.test_pictures.image[pic], s)[0].numpy()
                         for s in seeds])
        real = _real_windows(evaluator.real_test, k, len(seeds))
        for kind, lms in (("generated", made), ("real-voiced", real)):
            wave = pipeline.decoder.voice(torch.from_numpy(lms)).reshape(-1)
            file = out / f"{name.replace(' ', '-')}-{kind}.wav"
            Audio(wave[None], LMS.sample_rate).save(file)
            said = judge_predictions(evaluator.judge, lms)
            heard = judge_predictions(evaluator.judge, _relisten(wave, len(lms)))
            rows.append({"file": file.name, "instrument": name, "kind": kind,
                         "judge_on_lms": [classes[int(p)] for p in said],
                         "judge_on_wav": [classes[int(p)] for p in heard],
                         "centroid_hz": round(spectral_centroid(wave), 1),
                         "seconds": round(wave.numel() / LMS.sample_rate, 2)})
    return rows


def _relisten(wave: torch.Tensor, windows: int) -> np.ndarray:
    """The written audio cut back into its 0.5 s windows and analysed again: ``[n, 128, 44]``."""
    from .features import log_mel

    pieces = wave.reshape(windows, -1)
    pad = LMS.window_samples - pieces.shape[1]
    pieces = torch.nn.functional.pad(pieces, (0, max(pad, 0)))[:, : LMS.window_samples]
    return log_mel(pieces).numpy()


def spectral_centroid(wave: torch.Tensor) -> float:
    """The power-weighted mean frequency (Hz) of a waveform: how bright it sounds."""
    spec = torch.stft(wave.float(), LMS.n_fft, LMS.hop_length, window=torch.hann_window(LMS.n_fft),
                      return_complex=True).abs() ** 2
    freqs = torch.linspace(0, LMS.sample_rate / 2, spec.shape[0])
    return float((spec.sum(1) * freqs).sum() / spec.sum().clamp_min(1e-12))
