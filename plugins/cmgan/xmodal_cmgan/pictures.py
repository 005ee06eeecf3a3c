"""The results page's pictures: generated pictures per instrument beside real ones, and Fig. 9's curve.

- :func:`instrument_grid`: one row per instrument: real test pictures
  (drawings Gamma and the GAN never saw, where a class has two or more), then
  pictures generated from different test windows of that instrument, each
  captioned with Gamma's verdict (``ok`` or the class it saw instead).
- :func:`epoch_curve`: Gamma's accuracy on pictures generated from held-out
  sounds at every evaluation of one or more runs, against epochs (passes over
  the training windows), like the paper's Fig. 9.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from engine.pictures import image_tile, save_figure, save_grid

from .classifier_train import predict
from .data import encode, windows_for
from .evaluation import generate
from .images import clipart_pictures

__all__ = ["epoch_curve", "instrument_grid"]


def _uint8(pictures: Any) -> np.ndarray:
    x = ((pictures.permute(0, 2, 3, 1).numpy() + 1) * 127.5).clip(0, 255)
    return x.astype(np.uint8)


def instrument_grid(pipeline: Any, gamma: Any, path: Path, per_row: int = 6, real: int = 2,
                    seed: int = 7) -> Path:
    """Real test pictures, then pictures generated from ``per_row`` test windows, per instrument."""
    table = windows_for("test", progress=False)
    pictures = clipart_pictures("test")
    rng = np.random.default_rng(seed)
    classes = table.classes
    tiles: list[tuple[Any, str]] = []
    for k, name in enumerate(classes):
        own = np.flatnonzero(pictures.instrument == k)
        for i in rng.choice(own, size=min(real, len(own)), replace=False):
            tiles.append((image_tile(pictures.image[i]), f"real {name}"))
        picks = rng.choice(np.flatnonzero(table.instrument == k), size=per_row, replace=False)
        made = generate(pipeline, encode(pipeline.encoder.net, table.lms[picks]), seed=seed + k)
        verdict = predict(gamma, made)
        for x, v in zip(_uint8(made), verdict, strict=True):
            tiles.append((image_tile(x), "ok" if v == k else f"as {classes[int(v)]}"))
    save_grid(tiles, path, "real test drawings | generated from test sounds (Gamma's verdict)",
              columns=real + per_row)
    return path


def epoch_curve(runs: dict[str, Path], path: Path, steps_per_epoch: float,
                paper_peak: float = 0.7556) -> Path:
    """Held-out S2I accuracy at every evaluation of each run, against epochs (Fig. 9)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from engine.train import read_log

    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for label, run in runs.items():
        points = [(r["step"] / steps_per_epoch, r["metrics"]["s2i_accuracy"])
                  for r in read_log(run / "log.jsonl")
                  if r.get("event") == "eval" and "s2i_accuracy" in r.get("metrics", {})
                  and r.get("split", "val") == "val"]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", label=label)
    ax.axhline(paper_peak, color="grey", linestyle="--", linewidth=1, label="paper S2I-C test 75.56%")
    ax.axhline(1 / 13, color="grey", linestyle=":", linewidth=1, label="chance 7.7%")
    ax.set_xlabel("epoch (passes over the training windows)")
    ax.set_ylabel("Gamma accuracy on generated pictures")
    ax.set_ylim(0, 1)
    ax.set_title("S2I accuracy on held-out sounds during training")
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(alpha=0.3)
    return save_figure(fig, path)
