"""The loop end to end on the toy recipe: outputs, export, signals and exact resume, CLI."""

from __future__ import annotations

import json
import os
import signal
import types
from pathlib import Path
from typing import Any

import pytest
import torch

import engine
from engine.testing.toy import ToyGanRecipe
from engine.train import TrainingInterrupted, read_log, train
from engine.train.checkpoint import CheckpointStore
from engine.train.context import StepContext
from engine.train.testing import check_recipe, checkpoint_tensors

#: 12 steps, evaluated and checkpointed every 4.
RUN = {"steps": 12, "eval_every": 4, "checkpoint_every": 4}


@pytest.fixture(scope="module", autouse=True)
def toy_model_registered() -> None:
    """Make exported toy-gan folders loadable even before the engine registers the model."""
    from engine.plugins import get_manager
    from engine.train.builtin import builtin_models

    manager = get_manager()
    if "toy-gan" in manager.models:
        return

    def register_models(register: Any) -> None:
        for name, kwargs in builtin_models().items():
            register(name, **kwargs)

    shim = types.SimpleNamespace(__xmodal_api__=">=1,<2",
                                 register_models=engine.hookimpl(register_models))
    manager.register_module(shim, name="toy-gan-test-shim")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uninterrupted run that the other tests compare against."""
    out = tmp_path_factory.mktemp("reference")
    check_recipe("toy-gan", out, **RUN)
    return out


def _losses(out: Path) -> dict[int, dict[str, float]]:
    return {r["step"]: r["losses"] for r in read_log(out / "log.jsonl") if r["event"] == "train"}


def test_a_run_writes_log_plot_checkpoints_and_a_loadable_model(reference: Path) -> None:
    records = read_log(reference / "log.jsonl")
    events = [r["event"] for r in records]
    assert events[0] == "start" and events[-1] == "end"
    assert sorted(_losses(reference)) == list(range(1, 13))
    assert [r["step"] for r in records if r["event"] == "eval"] == [4, 8, 12]
    assert (reference / "losses.png").stat().st_size > 1000
    store = CheckpointStore(reference / "checkpoints")
    best = store.pointer("best")
    assert best is not None and store.verify(best)
    # keep_checkpoints=2 keeps the two newest plus the best
    assert {p.name for p in store.steps()} <= {"step-000008", "step-000012", best.name}
    model = engine.load(str(reference / "model"))
    exported = checkpoint_tensors(reference, "best")
    for key, value in model.translator.state_dict().items():
        assert torch.equal(value, exported[f"generator.{key}"])
    card = (reference / "model" / "README.md").read_text()
    assert "pitch_accuracy" in card and "xmodal train toy-gan --preset test" in card
    metrics = json.loads((reference / "model" / "metrics.json").read_text())
    assert set(metrics) == {"pitch_accuracy", "pitch_top3", "spectral_fd"}


def test_the_exported_pipeline_translates(reference: Path) -> None:
    model = engine.load(str(reference / "model"))
    image = engine.Image(torch.rand(1, 16, 16))
    audio = model.translate(image)
    assert isinstance(audio, engine.Audio) and audio.num_samples == 1024


class _SelfTerminating(ToyGanRecipe):
    """Sends itself SIGTERM during step 6, as a cluster scheduler would."""

    def train_step(self, batch: Any, ctx: StepContext) -> Any:
        if ctx.step == 5:
            os.kill(os.getpid(), signal.SIGTERM)
        return super().train_step(batch, ctx)


def test_sigterm_checkpoints_and_resume_matches_an_uninterrupted_run(
    tmp_path: Path, reference: Path
) -> None:
    with pytest.raises(TrainingInterrupted, match="SIGTERM at step 6/12") as info:
        train(_SelfTerminating, tmp_path, preset="test", overrides=RUN, name="toy-gan")
    assert info.value.signum == signal.SIGTERM
    assert CheckpointStore(tmp_path / "checkpoints").latest().name == "step-000006"  # type: ignore[union-attr]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers are restored
    result = train("toy-gan", tmp_path, resume=True)
    assert result.steps == 12
    assert _losses(tmp_path) == _losses(reference)  # bit-identical, steps 1-6 and 7-12
    final, expected = checkpoint_tensors(tmp_path), checkpoint_tensors(reference)
    assert final.keys() == expected.keys()
    assert all(torch.equal(final[k], expected[k]) for k in expected)
    events = [r["event"] for r in read_log(tmp_path / "log.jsonl")]
    assert "resume" in events and events.count("start") == 1


def test_a_finished_or_occupied_run_folder_needs_resume(reference: Path) -> None:
    with pytest.raises(engine.XmodalError, match="--resume"):
        train("toy-gan", reference, preset="test")
    with pytest.raises(engine.XmodalError, match="preset 'test'"):
        train("toy-gan", reference, preset="paper", resume=True)


def test_bf16_mixed_precision_trains(tmp_path: Path) -> None:
    result = train("toy-gan", tmp_path, preset="test",
                   overrides={"steps": 2, "mixed_precision": "bf16", "eval_every": 0})
    assert result.steps == 2 and all(v == v for v in result.metrics.values())


def test_cli_train_and_eval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main

    out = tmp_path / "run"
    main(["train", "toy-gan", "--preset", "test", "--out", str(out), "--set", "steps=2",
          "--set", "eval_every=0"])
    assert "trained toy-gan for 2 steps" in capsys.readouterr().out
    main(["eval", str(out / "model"), "--split", "test", "--preset", "test", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["recipe"] == "toy-gan" and report["split"] == "test"
    saved = json.loads((out / "model" / "metrics.json").read_text())
    metrics = {k: v for k, v in report.items() if k not in ("model", "recipe", "split", "preset")}
    assert metrics == pytest.approx(saved)  # same data, same weights, same numbers
    main(["eval", str(out / "model"), "--split", "test", "--preset", "test", "--json", "--device", "cpu"])
    assert json.loads(capsys.readouterr().out) == report  # --device reaches the evaluation
    with pytest.raises(SystemExit) as exit_info:
        main(["eval", str(out / "model"), "--preset", "test", "--device", "no-such-device"])
    assert exit_info.value.code == 2 and "no-such-device" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "toy-gan", "--preset", "test", "--out", str(out)])
    assert exit_info.value.code == 2
    assert "already holds a training run" in capsys.readouterr().err
