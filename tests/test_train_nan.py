"""A NaN loss stops the run with one clear line and the last good checkpoint intact."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import torch

from engine.errors import XmodalError
from engine.testing.toy import ToyGanRecipe
from engine.train import TrainingDiverged, read_log, train
from engine.train.checkpoint import CheckpointStore
from engine.train.context import StepContext
from engine.train.testing import checkpoint_tensors


class _PoisonedAtStep5(ToyGanRecipe):
    """Step 5's critic loss is NaN, which poisons the critic's weights through its update."""

    def train_step(self, batch: Any, ctx: StepContext) -> Any:
        if ctx.step != 4:
            return super().train_step(batch, ctx)
        critic = ctx.modules["critic"]
        loss = critic(batch["audio"], batch["image"]).mean() * float("nan")
        ctx.optimize("critic", loss)
        return {"d_loss": loss.detach(), "g_adv": 0.0, "g_spec": 0.0}


def test_nan_loss_stops_clearly_and_keeps_the_last_good_checkpoint(tmp_path: Path) -> None:
    overrides = {"steps": 10, "checkpoint_every": 2, "eval_every": 0}
    with pytest.raises(TrainingDiverged) as info:
        train(_PoisonedAtStep5, tmp_path, preset="test", overrides=overrides, name="toy-gan")
    message = str(info.value)
    print(message)
    assert isinstance(info.value, XmodalError) and "\n" not in message
    assert "loss 'd_loss' became nan at step 5" in message
    assert "step-000004" in message and "--resume" in message
    store = CheckpointStore(tmp_path / "checkpoints")
    last = store.latest()
    assert last is not None and last.name == "step-000004" and store.verify(last)
    assert [p.name for p in store.steps()] == ["step-000002", "step-000004"]
    assert all(bool(torch.isfinite(t).all()) for t in checkpoint_tensors(tmp_path).values())
    assert not (tmp_path / "model").exists()
    records = read_log(tmp_path / "log.jsonl")
    assert records[-1]["event"] == "diverged" and records[-1]["step"] == 5
    # the kept checkpoint is a working restart point (here with the healthy recipe)
    result = train("toy-gan", tmp_path, resume=True, overrides={"steps": 6})
    assert result.steps == 6
    assert all(math.isfinite(v) for v in result.metrics.values())
