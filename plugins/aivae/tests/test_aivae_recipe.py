"""Tiny-config training runs of both recipes through the engine's runtime (a few steps each)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from xmodal_aivae.data import load_pairs
from xmodal_aivae.frontend import MelSettings
from xmodal_aivae.pipeline import AivaePipeline
from xmodal_aivae.recipe import AivaeGanRecipe, AivaeRecipe, model_name

import engine
from engine.train import find_recipe, train
from engine.train.testing import check_recipe


@pytest.fixture(autouse=True)
def _data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    if "XMODAL_DATA_DIR" not in __import__("os").environ and shared.is_dir():
        monkeypatch.setenv("XMODAL_DATA_DIR", str(shared))


def test_recipes_are_registered() -> None:
    assert find_recipe("aivae") is AivaeRecipe
    assert find_recipe("aivaegan") is AivaeGanRecipe
    assert model_name("aivae", "one-to-one") == "aivae-1to1"


def test_val_is_cut_by_clip_and_disjoint() -> None:
    from engine import data

    ds = data.load("mnist-fsdd", progress=False)
    settings = MelSettings()
    train_pairs = load_pairs("many-to-one", "train", settings, 0.1, 0, 16)
    assert train_pairs.mel.shape == (16, 1, 48, 48)
    assert train_pairs.image.shape == (16, 1, 28, 28)
    from xmodal_aivae.data import _indices

    clips = ds["fsdd_index"]
    tr = set(clips[_indices(ds, "many-to-one", "train", 0.1, 0)].tolist())
    va = set(clips[_indices(ds, "many-to-one", "val", 0.1, 0)].tolist())
    assert tr and va and not tr & va


@pytest.mark.parametrize("recipe", ["aivae", "aivaegan"])
def test_tiny_training_run_passes_the_recipe_checker(recipe: str, tmp_path: Path) -> None:
    """The engine's contract test (run files, checkpoint, finite metrics, a loadable export)."""
    result = check_recipe(recipe, tmp_path / "run")
    assert result.steps == 4
    assert 0.0 <= result.metrics["lenet_accuracy"] <= 1.0
    assert result.model_dir is not None
    model = engine.load(result.model_dir)
    assert isinstance(model, AivaePipeline)
    assert model.config.name == recipe
    arch = model.architecture(model.config)
    assert arch.variant == recipe and arch.setting == "many-to-one"
    card = (result.model_dir / "README.md").read_text()
    assert "Audio-to-Image Cross-Modal Generation" in card


def test_gan_step_updates_both_networks(tmp_path: Path) -> None:
    result = train("aivaegan", tmp_path / "run", preset="test", overrides={"steps": 1,
                                                                           "eval_every": 0})
    from engine.train.checkpoint import CheckpointStore

    store = CheckpointStore(tmp_path / "run" / "checkpoints")
    latest = store.latest()
    assert latest is not None
    ckpt = store.load(latest)
    assert set(ckpt.modules) == {"vae", "discriminator"}
    assert all(torch.isfinite(v).all() for v in ckpt.modules["discriminator"].values())
    assert result.steps == 1


def test_alpha_grid_reads_finished_runs(tmp_path: Path) -> None:
    from xmodal_aivae.alphagrid import alpha_plot, markdown_table, read_cells

    runs = []
    for alpha in (2.0, 0.5):
        run = tmp_path / f"a{alpha}"
        result = train("aivaegan", run, preset="test", overrides={"alpha": alpha, "steps": 2})
        runs.append((run, result.metrics["lenet_accuracy"]))
    cells = read_cells([run for run, _ in runs])
    assert [c.alpha for c in cells] == [0.5, 2.0]  # sorted by alpha
    assert cells[1].lenet_accuracy == pytest.approx(runs[0][1])
    assert all(c.setting == "many-to-one" and c.steps == 2 and c.seconds > 0 for c in cells)
    table = markdown_table(cells).splitlines()
    assert len(table) == 4 and table[3].startswith("| 2 |") and table[3].endswith("94.3% |")
    assert alpha_plot(cells, tmp_path / "t5.png").stat().st_size > 1000
    with pytest.raises(engine.DataError, match="not a finished run"):
        read_cells([tmp_path])
