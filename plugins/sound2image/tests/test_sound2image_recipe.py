"""The recipe on the tiny data sets: every stage trains, the export loads, GAN1's D loss is weighted 0.001."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from xmodal_sound2image.data import load_objects, sample_same_class
from xmodal_sound2image.recipe import Sound2ImageRecipe

import engine
from engine.train import read_log
from engine.train.context import StepContext
from engine.train.testing import check_recipe


def test_tiny_run_trains_every_stage_and_exports(tmp_path: Path, tiny_judge: Path) -> None:
    result = check_recipe("sound2image", tmp_path / "run", judge=str(tiny_judge))
    losses = [r["losses"] for r in read_log(tmp_path / "run" / "log.jsonl") if r["event"] == "train"]
    assert "sound_ce" in losses[0] and "image_ce" in losses[0]  # stage 1: the feature CNNs
    assert any("mm_ce_pre" in x and "mm_cls" in x for x in losses)  # stage 2: the multimodal layers
    assert "d1" in losses[-1] and "g2_l1" in losses[-1]  # stage 3: both GANs
    for key in ("nn_match_after", "nn_match_before_train", "topk_overlap_1_shuffled",
                "topk_overlap_5_chance", "independent_accuracy"):
        assert key in result.metrics
    model = engine.load(str(tmp_path / "run" / "model"))
    test = load_objects("test", tiny=True)
    a = model.translate(engine.Audio(test.wave[0][None], 22050))
    b = model.translate(engine.Audio(test.wave[0][None], 22050))
    assert tuple(a.data.shape) == (3, 64, 64)
    assert torch.equal(a.data, b.data)


def test_stages_must_leave_steps_for_the_gans() -> None:
    from engine import XmodalError

    with pytest.raises((XmodalError, ValueError)):
        Sound2ImageRecipe.configure("test", {"steps": 6})


def test_pairs_share_their_class() -> None:
    pool = torch.tensor([2, 0, 1, 0, 2, 2, 1])
    labels = torch.tensor([0, 1, 2, 2, 0])
    for seed in range(5):
        u = torch.rand(5, generator=torch.Generator().manual_seed(seed))
        pick = sample_same_class(labels, pool, u)
        assert torch.equal(pool[pick], labels)
    picks = {int(sample_same_class(torch.tensor([2]), pool, torch.tensor([v])).item())
             for v in (0.0, 0.4, 0.9)}
    assert picks == {0, 4, 5}  # every picture of the class can be drawn


def _gan_step_d1_grad(weight: float) -> torch.Tensor:
    """The gradient D1 receives from its own update in one GAN-stage step (a real step context)."""
    from accelerate import Accelerator

    config = Sound2ImageRecipe.configure("test", {"gan1_d_weight": weight})
    torch.manual_seed(0)
    recipe = Sound2ImageRecipe(config)
    modules = recipe.build()
    optimizers = recipe.optimizers(modules)
    accelerator = Accelerator(cpu=True)
    dataset = recipe.train_dataset()
    batch: dict[str, Any] = torch.utils.data.default_collate([dataset[i] for i in range(8)])
    step = config.feature_steps + config.mm_steps
    ctx = StepContext(step=step, seed=0, modules=modules, optimizers=optimizers, accelerator=accelerator,
                      next_batch=lambda: batch)
    seen: list[torch.Tensor] = []
    last = modules["d1"].net[-1].weight
    last.register_hook(lambda g: seen.append(g.clone()))
    recipe.train_step(batch, ctx)
    return seen[0]  # the first backward through D1 is its own (weighted) loss


def test_gan1_discriminator_loss_carries_the_papers_weight() -> None:
    weighted, plain = _gan_step_d1_grad(0.001), _gan_step_d1_grad(1.0)
    assert float(plain.abs().sum()) > 0
    assert torch.allclose(weighted, 0.001 * plain, rtol=1e-3, atol=1e-10)


def test_gan2_has_its_own_width_and_l1_weight() -> None:
    """GAN2 decodes a picture and GAN1 only a feature map: cpu-small sizes them apart."""
    recipe = Sound2ImageRecipe(Sound2ImageRecipe.configure(
        "test", {"g2_width": 4, "g2_max_mult": 2, "d2_width": 3, "lambda_l1_gan2": 7.0}))
    modules = recipe.build()
    assert modules["gan1"].down[0][0].out_channels == 2  # g_width of the test preset
    assert modules["gan2"].down[0][0].out_channels == 4
    assert max(m.out_channels for m in modules["gan2"].modules() if isinstance(m, torch.nn.Conv2d)) == 8
    assert modules["d1"].net[0].out_channels == 2 and modules["d2"].net[0].out_channels == 3
    arch = recipe.architecture()
    assert arch.gan2_size == (4, 2)
    same = Sound2ImageRecipe(Sound2ImageRecipe.configure("test", {})).architecture()
    assert same.gan2_size == (same.g_width, same.g_max_mult)  # unset: GAN1's sizes, as before
    preset = Sound2ImageRecipe.presets["cpu-small"]
    assert preset["lambda_l1_gan2"] < Sound2ImageRecipe.Config.model_fields["lambda_l1"].default
