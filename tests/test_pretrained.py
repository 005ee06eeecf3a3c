"""Pretrained folders: save, load, translate, and strict refusal of damaged weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

import engine
from engine import Audio, CheckpointError, Image
from engine.loading import load_folder

import tinyplug

weights = tinyplug.tiny_weights  # the module-scoped fixture: both tiny models saved


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def test_folder_layout_and_card(weights: dict[str, Path]) -> None:
    folder = weights["tiny-a2i"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md", "config.json", "metrics.json", "model.safetensors"
    ]
    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == "tiny-a2i" and len(config["weights_sha256"]) == 64
    card = (folder / "README.md").read_text()
    assert card.startswith("---\nlibrary_name: xmodal\n")
    assert "model-index" in card and "score" in card
    assert json.loads((folder / "metrics.json").read_text()) == {"score": 0.5}


def test_load_and_translate_same_answers(weights: dict[str, Path]) -> None:
    model = load_folder(weights["tiny-a2i"])
    clip = Audio(torch.randn(1, 8000) * 0.1, 8000)
    one = model.translate(clip)
    assert isinstance(one, Image) and one.size == (8, 8)
    many = model.translate([clip, clip, clip])
    assert isinstance(many, list) and len(many) == 3
    assert torch.allclose(many[0].data, one.data, atol=1e-6)
    again = engine.load(str(weights["tiny-a2i"])).translate(clip)
    assert torch.equal(again.data, one.data)
    assert model.translate([]) == []


def test_batching_matches_single(weights: dict[str, Path]) -> None:
    model = load_folder(weights["tiny-i2a"])
    rng = np.random.default_rng(1)
    images = [rng.random((12, 12)).astype(np.float32) for _ in range(5)]
    model.batch_size = 2
    batched = model.translate(images)
    single = [model.translate(i) for i in images]
    for b, s in zip(batched, single, strict=True):
        assert isinstance(b, Audio) and b.sample_rate == 8000
        assert torch.allclose(b.data, s.data, atol=1e-6)


def test_options_are_checked(weights: dict[str, Path]) -> None:
    model = load_folder(weights["tiny-a2i"])
    clip = Audio(torch.randn(1, 800), 8000)
    assert not torch.equal(model.translate(clip, gain=3.0).data, model.translate(clip).data)
    with pytest.raises(engine.MediaError, match="no option 'pitch'"):
        model.translate(clip, pitch=60)


def test_tampered_weights(weights: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(weights["tiny-a2i"], tmp_path / "m")
    data = bytearray((folder / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (folder / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="checksum does not match"):
        load_folder(folder)


def test_truncated_weights(weights: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(weights["tiny-a2i"], tmp_path / "m")
    data = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    config = json.loads((folder / "config.json").read_text())
    config["weights_sha256"] = None  # even without a checksum, truncation is caught
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match="not a valid safetensors"):
        load_folder(folder)


def _rewrite(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    tensors = load_file(str(folder / "model.safetensors"))
    change(tensors)
    save_file(tensors, str(folder / "model.safetensors"))
    config = json.loads((folder / "config.json").read_text())
    config["weights_sha256"] = None
    (folder / "config.json").write_text(json.dumps(config))


def test_missing_key(weights: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(weights["tiny-a2i"], tmp_path / "m")
    _rewrite(folder, lambda t: t.pop("translator.fc.bias"))
    with pytest.raises(CheckpointError, match="missing tensor 'translator.fc.bias'"):
        load_folder(folder)


def test_unexpected_key(weights: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(weights["tiny-a2i"], tmp_path / "m")
    _rewrite(folder, lambda t: t.update(extra=torch.zeros(1)))
    with pytest.raises(CheckpointError, match="unexpected tensor 'extra'"):
        load_folder(folder)


def test_wrong_shape(weights: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(weights["tiny-a2i"], tmp_path / "m")
    _rewrite(folder, lambda t: t.update({"translator.fc.bias": torch.zeros(3)}))
    with pytest.raises(CheckpointError, match=r"has shape \(3,\), the model expects \(64,\)"):
        load_folder(folder)


def test_bad_config(weights: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(weights["tiny-a2i"], tmp_path / "m")
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**config, "surprise": 1}))
    with pytest.raises(CheckpointError, match="invalid config"):
        load_folder(folder)
    (folder / "config.json").write_text(json.dumps({**config, "plugin": "nonesuch"}))
    with pytest.raises(CheckpointError, match="needs the plugin 'nonesuch'.*plugins/nonesuch"):
        load_folder(folder)
    (folder / "config.json").write_text(
        json.dumps({**config, "architecture": {"samples": "many"}})
    )
    with pytest.raises(CheckpointError, match="architecture does not fit"):
        load_folder(folder)
    (folder / "config.json").unlink()
    with pytest.raises(CheckpointError, match="missing"):
        load_folder(folder)


def test_pickle_is_never_loaded(weights: dict[str, Path], tmp_path: Path) -> None:
    folder = _copy(weights["tiny-a2i"], tmp_path / "m")
    (folder / "model.safetensors").unlink()
    torch.save({"x": torch.zeros(1)}, folder / "pytorch_model.bin")
    with pytest.raises(CheckpointError, match="missing weights file"):
        load_folder(folder)


def test_bare_arrays_take_the_encoder_rate(weights: dict[str, Path]) -> None:
    model = load_folder(weights["tiny-a2i"])
    clip = np.random.default_rng(0).standard_normal(800).astype(np.float32) * 0.1
    from_array = model.translate(clip)
    from_audio = model.translate(Audio(torch.from_numpy(clip)[None], 8000))
    assert torch.allclose(from_array.data, from_audio.data)
