"""The frozen audio nets go through ``engine.frozen``; trained generators through ``engine.assemble``."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from xmodal_face2nsynth import AUDIO_NETS
from xmodal_face2nsynth.frozen import (
    AUDIO_NETS_NAME,
    load_audio_nets,
    random_audio_nets,
    save_audio_nets,
)
from xmodal_face2nsynth.generator import NoteGenerator
from xmodal_face2nsynth.pipeline import Face2NSynthPipeline

from engine.errors import CheckpointError
from engine.frozen import frozen_paths


def _tones() -> torch.Tensor:
    t = torch.arange(8192) / 16000
    return torch.stack([0.5 * torch.sin(2 * torch.pi * f * t) for f in (220.0, 440.0, 880.0)]).unsqueeze(1)


def test_bundled_nets_load_frozen_with_their_checksum_and_measurements() -> None:
    nets = load_audio_nets()
    assert sorted(p.name for p in AUDIO_NETS.iterdir()) == ["audio-nets.json", "audio-nets.safetensors"]
    assert nets.meta["trained"] and len(nets.meta["weights_sha256"]) == 64
    assert nets.meta["metrics"]["pitch_accuracy_test"] > 0.9
    for net in (nets.phi, nets.pitch, nets.family):
        assert not net.training and not any(p.requires_grad for p in net.parameters())


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    torch.manual_seed(0)
    nets = random_audio_nets()
    nets.phi.fit_scales(_tones())
    save_audio_nets(nets, tmp_path)
    again = load_audio_nets(tmp_path)
    waves = _tones()
    with torch.no_grad():
        torch.testing.assert_close(again.phi(waves), nets.phi(waves))
        torch.testing.assert_close(again.pitch(waves), nets.pitch(waves))
        torch.testing.assert_close(again.family(waves), nets.family(waves))
    assert again.meta["specs"] == nets.meta["specs"]
    save_audio_nets(again, tmp_path / "copy")  # a loaded meta (with its checksum) saves again


def test_a_tampered_file_is_refused(tmp_path: Path) -> None:
    save_audio_nets(random_audio_nets(), tmp_path)
    weights, _ = frozen_paths(tmp_path, AUDIO_NETS_NAME)
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0x01
    weights.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="checksum does not match audio-nets.json"):
        load_audio_nets(tmp_path)


def test_missing_nets_are_a_checkpoint_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="audio-nets.json: missing"):
        load_audio_nets(tmp_path)


def test_the_pipeline_wraps_a_trained_generator_only_if_it_fits_the_config() -> None:
    generator = NoteGenerator(width=2)
    assert Face2NSynthPipeline.make(2, generator=generator).translator is generator
    with pytest.raises(CheckpointError, match="trained translator"):
        Face2NSynthPipeline.make(4, generator=generator)
