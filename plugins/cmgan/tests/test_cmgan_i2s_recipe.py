"""The I2S recipe trains end to end on the tiny data and its export loads and voices a picture."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import torch
from xmodal_cmgan.encoders import ImageClassifier
from xmodal_cmgan.i2s_networks import I2SGenerator
from xmodal_cmgan.i2s_pipeline import I2SPipeline
from xmodal_cmgan.i2s_recipe import I2SRecipe

import engine
from engine.train.testing import check_recipe

KEYS = {"i2s_accuracy", "i2s_accuracy_train", "sound_classifier_real_accuracy",
        "band_profile_corr", "band_profile_match", "diversity_ratio"}


def _drawings(n: int) -> list[engine.Image]:
    """Real instrument pictures (tiny clipart): the pipeline refuses random pixels as no picture."""
    from engine import data

    images = np.asarray(data.load("instruments-clipart", tiny=True, progress=False)["image"])
    return [engine.Image.from_array(images[13 * k]) for k in range(n)]


def test_tiny_training_exports_a_model_that_voices_pictures(tmp_path: Path) -> None:
    result = check_recipe("cmgan-i2s", tmp_path / "run")
    assert set(result.metrics) >= KEYS
    assert all(0.0 <= result.metrics[k] <= 1.0 for k in ("i2s_accuracy", "i2s_accuracy_train",
                                                         "sound_classifier_real_accuracy"))
    assert any(k.startswith("i2s_acc_") for k in result.metrics)
    assert result.model_dir is not None
    model = engine.load(result.model_dir)
    assert isinstance(model, I2SPipeline)
    (picture,) = _drawings(1)
    sound = model.translate(picture, seed=1)
    assert sound.sample_rate == 44100
    assert 0.45 * 44100 < sound.data.shape[-1] <= 0.5 * 44100
    assert torch.isfinite(sound.data).all() and float(sound.data.abs().max()) <= 1.0
    again = model.translate(picture, seed=1)
    assert torch.equal(sound.data, again.data)
    assert model.spectrograms([picture], seed=2).shape == (1, 128, 44)


def test_the_seed_picks_the_noise_and_a_picture_ignores_its_batch() -> None:
    torch.manual_seed(0)
    classes = [f"c{k}" for k in range(13)]
    model = I2SPipeline.make(I2SGenerator(4, 8), ImageClassifier(13), np.zeros(128), np.ones(128),
                             classes)
    pictures = _drawings(3)
    one = model.spectrograms(pictures[:1], seed=1)
    assert np.allclose(one, model.spectrograms(pictures, seed=1)[:1], atol=1e-5)
    assert not np.allclose(one, model.spectrograms(pictures[:1], seed=2))


def test_training_steps_move_both_networks(tmp_path: Path) -> None:
    from engine.train import train

    result = train("cmgan-i2s", tmp_path / "run", preset="test",
                   overrides={"steps": 3, "eval_every": 0, "checkpoint_every": 0})
    fresh = I2SRecipe(I2SRecipe.configure("test")).build()
    for name in ("generator", "discriminator"):
        trained = result.modules[name].state_dict()
        changed = [k for k, v in fresh[name].state_dict().items()
                   if v.is_floating_point() and not torch.allclose(v, trained[k])]
        assert changed, f"{name} did not change"
    assert all(math.isfinite(v) for v in result.metrics.values())


def test_wrong_partners_come_from_other_classes() -> None:
    recipe = I2SRecipe(I2SRecipe.configure("test"))
    _, windows = recipe.pools
    labels = torch.from_numpy(recipe.train_windows.instrument[:64])
    u = torch.rand(64, generator=torch.Generator().manual_seed(0))
    other = windows.other(labels, u, u.flip(0))
    assert (torch.from_numpy(recipe.train_windows.instrument)[other] != labels).all()
    real = recipe.real_lms(torch.arange(4))
    assert real.shape == (4, 1, 128, 34)


def test_demo_inputs_are_test_pictures_of_the_demo_instruments() -> None:
    inputs = I2SPipeline.demo_inputs()
    assert [name for name, _ in inputs] == [f"{n}-drawing" for n in I2SPipeline.DEMO_INSTRUMENTS]
    for _, picture in inputs:
        assert isinstance(picture, engine.Image) and picture.data.shape == (3, 64, 64)
        assert float(picture.data.std()) > 0.01  # a drawing, not a blank canvas
