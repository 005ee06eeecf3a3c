"""Tiny training runs of S2I-C, S2I-N and S2I-A through the engine's recipe checker."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from xmodal_cmgan.classifier_train import train_gamma, train_sound
from xmodal_cmgan.networks import S2IDiscriminator, S2IGenerator
from xmodal_cmgan.recipe import s2i_step

from engine.loading import load_folder
from engine.train.testing import check_recipe, checkpoint_tensors


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Tiny, barely trained frozen nets (a few steps): what the recipe reads, not what it judges."""
    root = tmp_path_factory.mktemp("frozen")
    train_sound(root / "sound", tiny=True, max_steps=2, progress=False, width=2, hidden=8)
    train_gamma(root / "gamma", tiny=True, max_steps=2, progress=False, width=2, hidden=8)
    return {"sound_classifier": str(root / "sound"), "gamma": str(root / "gamma")}


@pytest.mark.parametrize("variant", [{}, {"wrong_pairs": False}, {"encoder": "autoencoder"},
                                     {"d_norm": "spectral"}],
                         ids=["s2i-c", "s2i-n", "s2i-a", "s2i-c-spectral"])
def test_tiny_run_passes_the_recipe_checker(tmp_path: Path, frozen: dict[str, str],
                                            variant: dict[str, object]) -> None:
    result = check_recipe("cmgan", tmp_path / "run", **frozen, **variant)
    for key in ("s2i_accuracy", "s2i_accuracy_train", "gamma_real_accuracy"):
        assert key in result.metrics and 0.0 <= result.metrics[key] <= 1.0
    assert all(math.isfinite(v) for v in result.metrics.values())
    assert ("sound_test_accuracy" in result.metrics) == ("encoder" not in variant)
    log = (tmp_path / "run" / "log.jsonl").read_text()
    assert ("s_wrong" in log) == bool(variant.get("wrong_pairs", True))
    # The test preset averages G (ema 0.5): the export is the best checkpoint's average.
    saved = checkpoint_tensors(tmp_path / "run", "best")
    exported = load_folder(result.model_dir).persistent_state_dict()
    average = {k[len("generator_ema."):]: v for k, v in saved.items() if k.startswith("generator_ema.")}
    assert average and any(not torch.equal(v, saved[f"generator.{k}"]) for k, v in average.items())
    for key, value in average.items():
        assert any(k.endswith(key) and torch.equal(v, value) for k, v in exported.items()), key


def test_s2i_n_never_scores_wrong_pairs() -> None:
    g, d = S2IGenerator(128, 2), S2IDiscriminator(128, 2)
    calls: list[int] = []
    d.register_forward_hook(lambda *_: calls.append(1))
    opts = {"gen": torch.optim.Adam(g.parameters()), "disc": torch.optim.Adam(d.parameters())}

    def optimize(name: str, loss: torch.Tensor) -> None:
        opts[name].zero_grad()
        loss.backward()
        opts[name].step()

    c, x = torch.randn(4, 128), torch.rand(4, 3, 64, 64) * 2 - 1
    out = s2i_step(g, d, optimize, c, x, None, torch.randn(4, 100))
    assert len(calls) == 3 and "s_wrong" not in out  # real, fake (D step), fake (G step)
    calls.clear()
    out = s2i_step(g, d, optimize, c, x, x.flip(0), torch.randn(4, 100))
    assert len(calls) == 4 and "s_wrong" in out


def test_augmentation_reaches_every_picture_d_sees() -> None:
    g, d = S2IGenerator(128, 2), S2IDiscriminator(128, 2)
    opts = {"gen": torch.optim.Adam(g.parameters()), "disc": torch.optim.Adam(d.parameters())}
    seen: list[int] = []

    def augment(x: torch.Tensor) -> torch.Tensor:
        seen.append(len(x))
        return x.flip(3)

    def optimize(name: str, loss: torch.Tensor) -> None:
        opts[name].zero_grad()
        loss.backward()
        opts[name].step()

    c, x = torch.randn(4, 128), torch.rand(4, 3, 64, 64) * 2 - 1
    s2i_step(g, d, optimize, c, x, x.flip(0), torch.randn(4, 100), augment)
    assert seen == [4, 4, 4, 4]  # real, fake and wrong in D's update, fake in G's


def test_spectral_discriminator_has_no_batch_norm_and_unit_gain() -> None:
    d = S2IDiscriminator(128, 4, norm="spectral")
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in d.modules())
    weighted = [m for m in d.modules() if isinstance(m, torch.nn.Conv2d | torch.nn.Linear)]
    assert weighted and all(torch.nn.utils.parametrize.is_parametrized(m, "weight") for m in weighted)
    d.train()
    for _ in range(30):  # power iterations converge while training-mode forwards run
        d(torch.randn(2, 3, 64, 64), torch.randn(2, 128))
    for m in weighted:
        sigma = torch.linalg.matrix_norm(m.weight.detach().flatten(1), ord=2)
        assert sigma == pytest.approx(1.0, abs=0.05)
    assert d(torch.randn(3, 3, 64, 64), torch.randn(3, 128)).shape == (3,)
    batch = S2IDiscriminator(128, 4)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in batch.modules()) == 4
    with pytest.raises(ValueError, match="norm"):
        S2IDiscriminator(128, 4, norm="layer")


def test_d_lr_sets_only_the_discriminators_learning_rate() -> None:
    from xmodal_cmgan.recipe import CmganConfig, CmganRecipe

    for d_lr, expected in ((None, 2e-4), (8e-4, 8e-4)):
        recipe = CmganRecipe(CmganConfig(g_width=2, d_width=2, d_lr=d_lr))
        opts = recipe.optimizers(recipe.build())
        assert opts["gen"].param_groups[0]["lr"] == 2e-4
        assert opts["disc"].param_groups[0]["lr"] == expected
