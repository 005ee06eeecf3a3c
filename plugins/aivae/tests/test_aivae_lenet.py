"""The bundled LeNet-5 evaluator is stored through ``engine.frozen``: checked, frozen, atomic."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from xmodal_aivae.lenet import LENET_NAME, LENET_WEIGHTS, LeNet5, lenet_metrics, load_lenet, save_lenet

from engine.errors import CheckpointError
from engine.frozen import frozen_paths, load_frozen, save_frozen


def _saved(folder: Path) -> LeNet5:
    torch.manual_seed(0)
    model = LeNet5()
    save_lenet(model, {"test_accuracy": 0.5}, folder)
    return model


def test_bundled_lenet_loads_frozen_with_its_metrics() -> None:
    model = load_lenet()
    assert not model.training and not any(p.requires_grad for p in model.parameters())
    assert lenet_metrics()["test_accuracy"] > 0.98
    assert sorted(p.name for p in LENET_WEIGHTS.iterdir()) == ["lenet5.json", "lenet5.safetensors"]


def test_save_and_load_round_trip_without_leftovers(tmp_path: Path) -> None:
    model = _saved(tmp_path / "lenet")
    loaded = load_lenet(tmp_path / "lenet")
    for key, tensor in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], tensor)
    assert lenet_metrics(tmp_path / "lenet") == {"test_accuracy": 0.5}
    assert sorted(p.name for p in (tmp_path / "lenet").iterdir()) == ["lenet5.json", "lenet5.safetensors"]


def test_missing_lenet_names_the_command_that_makes_it(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="xmodal aivae lenet"):
        load_lenet(tmp_path)


def test_tampered_or_truncated_weights_are_refused(tmp_path: Path) -> None:
    _saved(tmp_path)
    weights, _ = frozen_paths(tmp_path, LENET_NAME)
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="checksum does not match lenet5.json"):
        load_frozen(tmp_path, LENET_NAME, lambda config: LeNet5())
    weights.write_bytes(bytes(data[: len(data) // 2]))
    with pytest.raises(CheckpointError, match="checksum"):
        load_frozen(tmp_path, LENET_NAME, lambda config: LeNet5())


def test_tensors_that_do_not_fit_the_network_are_refused(tmp_path: Path) -> None:
    state = LeNet5().state_dict()
    save_frozen({**state, "classifier.4.weight": torch.zeros(9, 84)}, tmp_path, "odd")
    with pytest.raises(CheckpointError, match=r"'classifier.4.weight' has shape \(9, 84\)"):
        load_frozen(tmp_path, "odd", lambda config: LeNet5())
    save_frozen({k: v for k, v in state.items() if k != "classifier.4.bias"}, tmp_path, "short")
    with pytest.raises(CheckpointError, match="missing tensor 'classifier.4.bias'"):
        load_frozen(tmp_path, "short", lambda config: LeNet5())
    frozen_paths(tmp_path, "short")[1].write_text("{}")
    with pytest.raises(CheckpointError, match="records no weights_sha256"):
        load_frozen(tmp_path, "short", lambda config: LeNet5())
