"""A tiny-config training run of every ablation row through the engine's runtime."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from xmodal_face2nsynth.pipeline import Face2NSynthPipeline
from xmodal_face2nsynth.recipe import Face2NSynthRecipe

import engine
from engine.train import find_recipe, train
from engine.train.testing import check_recipe, checkpoint_tensors


def test_recipe_is_registered_with_the_required_presets() -> None:
    assert find_recipe("face2nsynth") is Face2NSynthRecipe
    for row in ({"metric": False, "aux": False}, {"aux": False}, {}):
        config = Face2NSynthRecipe.configure("cpu-small", row)
        assert config.generator == "harmonic" and config.metric_weight == 10.0
        wavegan = Face2NSynthRecipe.configure("cpu-small-wavegan", row)
        assert wavegan.generator == "wavegan" and wavegan.critic_steps == 5
    assert Face2NSynthRecipe.configure("paper").generator == "wavegan"


@pytest.mark.parametrize(("overrides", "losses"), [
    ({"metric": False, "aux": False}, {"d", "g_adv", "g"}),
    ({"warmup": 2, "face_noise": 0.3, "ema": 0.5}, {"d", "d_aux", "g_adv", "metric", "g_aux", "g"}),
    ({"generator": "wavegan"}, {"d", "d_aux", "g_adv", "metric", "g_aux", "g"}),
    ({"note_encoder_steps": 4, "pitch_offsets": True, "metric_loss": "correlation"},
     {"d", "d_aux", "d_control", "g_adv", "g_control", "metric", "g_aux", "g"}),
])
def test_tiny_training_run_passes_the_recipe_checker(
    tmp_path: Path, overrides: dict[str, object], losses: set[str]
) -> None:
    """The engine's contract test on both ends of the ablation, then the row's own losses."""
    result = check_recipe("face2nsynth", tmp_path / "run", **overrides)
    assert result.steps == 3
    lines = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    logged = [e["losses"] for e in lines if e["event"] == "train"]
    assert logged and set(logged[-1]) == losses
    assert all(torch.isfinite(torch.tensor(list(entry.values()))).all() for entry in logged)
    for key in ("pc", "sv", "fid_pitch", "is_pitch", "fid_family", "is_family", "fid_phi",
                "pitch_accuracy", "families_used", "pc_same_pitch", "fixed_pitch_families",
                "fixed_pitch_spread"):
        assert key in result.metrics
    model = engine.load(str(result.model_dir))
    assert isinstance(model, Face2NSynthPipeline)
    kind = overrides.get("generator", "harmonic")
    assert model.config.architecture["generator"] == kind
    assert model.config.architecture.get("pitch_offsets", False) == overrides.get("pitch_offsets", False)
    assert model.config.references  # the dlib networks are referenced, not stored
    faces = torch.nn.functional.normalize(torch.randn(2, 128), dim=1)
    notes = model.notes(faces, pitch=60)
    assert notes[0].sample_rate == 16000 and notes[0].data.shape == (1, 8192)
    if "ema" in overrides:  # the export is the moving average, not the last weights
        saved = checkpoint_tensors(tmp_path / "run")
        average = {k[len("generator_ema."):]: v for k, v in saved.items()
                   if k.startswith("generator_ema.") and v.is_floating_point()}
        exported = model.persistent_state_dict()
        assert any(not torch.equal(v, saved[f"generator.{k}"]) for k, v in average.items())
        assert all(any(e.endswith(k) and torch.equal(x, v) for e, x in exported.items())
                   for k, v in average.items())


def test_pictures_of_a_tiny_model(tmp_path: Path) -> None:
    """The paper's Figure 2 (b) and Figure 3 drawn from a tiny trained run (random phi)."""
    from xmodal_face2nsynth.data import load_notes
    from xmodal_face2nsynth.pictures import draw_face_grid, draw_metric_space, draw_spectrograms

    train("face2nsynth", tmp_path / "run", preset="test")
    model = engine.load(str(tmp_path / "run" / "model"))
    recipe = Face2NSynthRecipe(Face2NSynthRecipe.configure("test"))
    evaluator = recipe.evaluator("test")
    space = draw_metric_space(evaluator, model.translator, tmp_path / "space.png", per_family=4)
    grid = draw_face_grid(evaluator, model.translator, tmp_path / "faces.png")
    spectra = draw_spectrograms(evaluator, model.translator, load_notes("test", tiny=True),
                                tmp_path / "spectra.png", people=2)
    for path in (space, grid, spectra):
        assert path.stat().st_size > 5000 and path.read_bytes()[:4] == b"\x89PNG"
    from xmodal_face2nsynth.samples import write_samples

    table = write_samples(evaluator, model.translator, load_notes("test", tiny=True), tmp_path / "wav",
                          pitches=(60,), people=2)
    assert len(table) >= 4 and "face0-60.wav" in table[2]
    assert (tmp_path / "wav" / "face0-60.wav").stat().st_size == 44 + 2 * 8192
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically, nothing left behind
