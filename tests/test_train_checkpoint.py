"""Checkpoint directories are all-or-nothing; pointers, verification, pruning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from engine.errors import CheckpointError
from engine.train.checkpoint import CheckpointStore


def _save(store: CheckpointStore, step: int) -> Path:
    module = torch.nn.Linear(3, 2)
    optimizer = torch.optim.Adam(module.parameters())
    module(torch.randn(4, 3)).sum().backward()
    optimizer.step()
    return store.save(step, modules={"net": module}, optimizers={"net": optimizer},
                      schedulers={}, state={"step": step}, rng={"rank0.torch": torch.get_rng_state()})


def test_round_trip_and_pointer(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    path = _save(store, 3)
    assert store.latest() == path and store.verify(path)
    ckpt = store.load(path)
    assert ckpt.step == 3 and set(ckpt.modules["net"]) == {"weight", "bias"}
    assert ckpt.optimizers["net"]["state"][0]["exp_avg"].shape == (2, 3)


def test_a_crash_while_writing_leaves_no_checkpoint_and_the_old_pointer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CheckpointStore(tmp_path)
    first = _save(store, 1)

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        _save(store, 2)
    assert [p.name for p in store.steps()] == ["step-000001"]
    assert store.latest() == first
    assert not list(tmp_path.glob(".tmp-*"))


def test_killed_writers_leftovers_are_ignored_then_cleaned(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    first = _save(store, 1)
    leftover = tmp_path / ".tmp-step-000002-999"
    leftover.mkdir()
    (leftover / "modules.safetensors").write_bytes(b"half")
    assert store.latest() == first
    store.clean_temporaries()
    assert not leftover.exists() and first.exists()


def test_corruption_is_detected_and_skipped(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    first, second = _save(store, 1), _save(store, 2)
    blob = second / "modules.safetensors"
    blob.write_bytes(blob.read_bytes()[:-7])
    assert not store.verify(second)
    assert store.latest() == first  # the pointer names a bad checkpoint: fall back
    with pytest.raises(CheckpointError, match="incomplete or corrupt"):
        store.load(second)
    manifest = json.loads((first / "manifest.json").read_text())
    assert set(manifest["files"]) >= {"modules.safetensors", "optimizers.pt", "state.json"}


def test_prune_keeps_the_newest_and_the_best(tmp_path: Path) -> None:
    store = CheckpointStore(tmp_path)
    paths = [_save(store, s) for s in (1, 2, 3, 4)]
    store.mark_best(paths[0])
    store.prune(2)
    assert [p.name for p in store.steps()] == ["step-000001", "step-000003", "step-000004"]
