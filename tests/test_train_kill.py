"""SIGKILL mid-run, then --resume: the same final weights as a run never interrupted.

The child process is killed while it is writing a checkpoint (its fsync of the
manifest is made to wait), the worst moment for a checkpoint to be half-written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from engine.train import read_log, train
from engine.train.checkpoint import CheckpointStore
from engine.train.testing import checkpoint_tensors

REPO = Path(__file__).resolve().parents[1]
SETTINGS = {"steps": 15, "checkpoint_every": 3, "eval_every": 0}

#: Runs ``xmodal train`` with checkpoint step 9 stalling just before its rename.
CHILD = """
import sys, time
import engine.train.checkpoint as checkpoint

real_fsync = checkpoint._fsync

def stalling_fsync(path):
    real_fsync(path)
    if path.name == "manifest.json" and path.parent.name.startswith(".tmp-step-000009"):
        (path.parent.parent.parent / "WRITING").touch()
        time.sleep(120)

checkpoint._fsync = stalling_fsync
from engine.train.__main__ import run
run()
"""


def _start(out: Path, script: Path) -> subprocess.Popen[bytes]:
    args = [sys.executable, str(script), "toy-gan", "--preset", "test", "--out", str(out)]
    for key, value in SETTINGS.items():
        args += ["--set", f"{key}={value}"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(proc: subprocess.Popen[bytes], marker: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if marker.exists():
            return
        if proc.poll() is not None:
            raise AssertionError(f"training ended early: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        time.sleep(0.01)
    proc.kill()
    raise AssertionError("the child never reached checkpoint 9")


@pytest.mark.slow
def test_sigkill_while_checkpointing_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    out = tmp_path / "killed"
    proc = _start(out, script)
    _wait_for(proc, out / "WRITING")
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    # the half-made checkpoint is a hidden temporary; everything visible is complete
    store = CheckpointStore(out / "checkpoints")
    names = sorted(p.name for p in store.root.iterdir())
    leftovers = [n for n in names if n.startswith(".tmp-step-000009")]
    assert len(leftovers) == 1, names
    assert [p.name for p in store.steps()] == ["step-000003", "step-000006"]
    assert all(store.verify(p) for p in store.steps())
    assert store.latest() == store.root / "step-000006"
    print(f"killed while writing checkpoint 9; visible: {names}")

    resumed = train("toy-gan", out, resume=True)
    assert resumed.steps == SETTINGS["steps"]
    assert not list(store.root.glob(".tmp-*"))

    reference = tmp_path / "reference"
    train("toy-gan", reference, preset="test", overrides=SETTINGS)
    final, expected = checkpoint_tensors(out), checkpoint_tensors(reference)
    assert final.keys() == expected.keys()
    assert all(torch.equal(final[k], expected[k]) for k in expected)

    def losses(run: Path) -> dict[int, object]:
        return {r["step"]: r["losses"] for r in read_log(run / "log.jsonl") if r["event"] == "train"}

    assert losses(out) == losses(reference)
