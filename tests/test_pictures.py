"""engine.pictures: figures are written whole or not at all, and freed."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from engine.pictures import save_figure


def test_save_figure_writes_png_and_closes(tmp_path: Path) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = save_figure(fig, tmp_path / "deep" / "plot.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert fig.number not in plt.get_fignums()
    assert sorted(p.name for p in path.parent.iterdir()) == ["plot.png"]


def test_failed_save_leaves_no_file(tmp_path: Path) -> None:
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, r"$\unknowncommand$")  # mathtext fails only when drawn
    with pytest.raises(ValueError):
        save_figure(fig, tmp_path / "plot.png")
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []
