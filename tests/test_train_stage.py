"""engine.train.cached_stage: a frozen earlier stage is trained once per key and then loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch
from torch import nn

from engine.train import cached_stage, stage_paths


def _fit_counter(calls: list[int]) -> Any:
    def fit(model: nn.Linear) -> dict[str, Any]:
        calls.append(1)
        with torch.no_grad():
            model.weight.fill_(0.5)
            model.bias.fill_(-1.0)
        return {"loss": 0.25}
    return fit


def test_a_stage_is_fitted_once_then_loaded_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path))
    calls: list[int] = []
    first, info = cached_stage("demo", "net", ["v1", 3], lambda: nn.Linear(3, 2), _fit_counter(calls))
    again, info_again = cached_stage("demo", "net", ["v1", 3], lambda: nn.Linear(3, 2), _fit_counter(calls))
    assert calls == [1]  # the second call loaded the weights instead of fitting
    assert info == info_again == {"loss": 0.25}
    assert torch.equal(again.weight, torch.full((2, 3), 0.5)) and torch.equal(again.bias, first.bias)
    assert not again.training and not any(p.requires_grad for p in again.parameters())
    weights, meta = stage_paths("demo", "net", ["v1", 3])
    assert weights.parent == tmp_path / "demo" and weights.suffix == ".safetensors" and meta.is_file()
    assert not list(weights.parent.glob(".*tmp*"))


def test_another_key_fits_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path))
    calls: list[int] = []
    cached_stage("demo", "net", ["v1"], lambda: nn.Linear(3, 2), _fit_counter(calls))
    cached_stage("demo", "net", ["v2"], lambda: nn.Linear(3, 2), _fit_counter(calls))
    assert calls == [1, 1]
    assert stage_paths("demo", "net", ["v1"]) != stage_paths("demo", "net", ["v2"])


def test_a_failed_fit_leaves_nothing_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path))

    def broken(model: nn.Linear) -> dict[str, Any]:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        cached_stage("demo", "net", ["v1"], lambda: nn.Linear(3, 2), broken)
    weights, meta = stage_paths("demo", "net", ["v1"])
    assert not weights.exists() and not meta.exists()
