"""The exported generator's moving average: a lerp of the weights, the statistics copied."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from engine.errors import XmodalError
from engine.loading import load_folder
from engine.train import averaged_copy, train, update_average
from engine.train.testing import checkpoint_tensors


def test_moving_average_lerps_weights_and_copies_statistics() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    average = averaged_copy(model)
    assert not any(p.requires_grad for p in average.parameters())
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p))
    model(torch.randn(8, 4))  # train mode: moves the batch-norm statistics
    start = [p.clone() for p in average.parameters()]
    update_average(average, model, 0.9)
    for a, s, m in zip(average.parameters(), start, model.parameters(), strict=True):
        torch.testing.assert_close(a, 0.9 * s + 0.1 * m)
        assert not torch.equal(a, m)
    for a, m in zip(average.buffers(), model.buffers(), strict=True):
        assert torch.equal(a, m)


def test_decay_zero_is_a_copy() -> None:
    model, average = nn.Linear(3, 2), nn.Linear(3, 2)
    update_average(average, model, 0.0)
    assert all(torch.equal(a, m) for a, m in zip(average.parameters(), model.parameters(), strict=True))


def test_the_loop_exports_the_moving_average_it_checkpoints(tmp_path: Path) -> None:
    from engine.testing.toy import ToyGanRecipe

    result = train(ToyGanRecipe, tmp_path / "run", preset="test", overrides={"ema": 0.5})
    saved = checkpoint_tensors(tmp_path / "run", "best")
    average = {k[len("generator_ema."):]: v for k, v in saved.items() if k.startswith("generator_ema.")}
    assert average and any(not torch.equal(v, saved[f"generator.{k}"]) for k, v in average.items())
    exported = load_folder(result.model_dir).persistent_state_dict()
    for key, value in average.items():
        assert any(k.endswith(key) and torch.equal(v, value) for k, v in exported.items()), key


def test_a_recipe_without_an_averaged_module_refuses_ema(tmp_path: Path) -> None:
    from engine.testing.toy import ToyGanRecipe

    class Unaveraged(ToyGanRecipe):
        averaged = None

    with pytest.raises(XmodalError, match="names no `averaged` module"):
        train(Unaveraged, tmp_path / "run", preset="test", overrides={"ema": 0.5})
