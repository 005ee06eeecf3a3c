"""Pipeline conventions (pipe(x), forward, device/dtype, option routing) and chains of pipelines."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

import engine
from engine import Audio, Chain, Image
from engine.chain import load_any, load_chain
from engine.chaining import ChainError
from engine.loading import load_folder

from tinyplug import tiny_weights

weights = tiny_weights  # the module-scoped fixture: both tiny models saved, plugin registered


def _clip() -> Audio:
    return Audio(torch.linspace(-1, 1, 800)[None] * torch.sin(torch.arange(800.0))[None], 8000)


def test_call_is_translate_and_forward_is_the_tensor_path(weights: dict[str, Path]) -> None:
    model = load_folder(weights["tiny-a2i"])
    clip = _clip()
    assert torch.equal(model(clip, gain=2.0).data, model.translate(clip, gain=2.0).data)
    batch = torch.stack([model.encoder.prepare(clip)])
    by_hand = model.decoder(model.translator(model.encoder(batch), gain=2.0))
    with torch.inference_mode():
        assert torch.allclose(model.forward(batch, gain=2.0), by_hand)
    assert model.input_kind == "audio" and model.output_kind == "image"
    assert model.task == "audio -> image"


def test_device_and_dtype_on_load(weights: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    base = load_folder(weights["tiny-a2i"])
    double = load_folder(weights["tiny-a2i"], dtype=torch.float64)
    assert base.dtype == torch.float32 and double.dtype == torch.float64
    out = double(_clip())
    assert out.data.dtype == torch.float32  # media values stay float32
    assert torch.allclose(out.data, base(_clip()).data, atol=1e-5)
    monkeypatch.setenv("XMODAL_DEVICE", "cpu")
    assert load_folder(weights["tiny-a2i"]).device == torch.device("cpu")
    monkeypatch.setenv("XMODAL_DEVICE", "no-such-device")
    with pytest.raises(engine.XmodalError):
        load_folder(weights["tiny-a2i"])


def test_chain_runs_stage_after_stage(weights: dict[str, Path]) -> None:
    a2i, i2a = load_folder(weights["tiny-a2i"]), load_folder(weights["tiny-i2a"])
    chain = a2i >> i2a
    assert isinstance(chain, Chain) and chain.name == "tiny-a2i+tiny-i2a"
    assert (chain.input_kind, chain.output_kind) == ("audio", "audio")
    out = chain(_clip(), gain=3.0)
    expected = i2a(a2i(_clip(), gain=3.0))
    assert isinstance(out, Audio) and torch.equal(out.data, expected.data)
    qualified = chain.translate([_clip()], **{"tiny-a2i.gain": 3.0})
    assert torch.equal(qualified[0].data, expected.data)
    longer = chain >> a2i
    assert isinstance(longer(_clip()), Image) and len(longer.stages) == 3


def test_kind_mismatch_and_unknown_options_are_one_clear_error(weights: dict[str, Path]) -> None:
    a2i = load_folder(weights["tiny-a2i"])
    with pytest.raises(ChainError, match="tiny-a2i makes image but tiny-a2i takes audio"):
        a2i >> a2i
    chain = a2i >> load_folder(weights["tiny-i2a"])
    with pytest.raises(ChainError, match="takes no option 'pitch'"):
        chain(_clip(), pitch=60)


def test_a_stage_tells_the_next_what_it_produced(weights: dict[str, Path]) -> None:
    i2a, a2i = load_folder(weights["tiny-i2a"]), load_folder(weights["tiny-a2i"])
    i2a.produces = {"gain": 3.0}  # as if its notes were meant to be read louder
    picture = Image(torch.rand(1, 8, 8))
    chain = i2a >> a2i
    told = chain(picture)
    assert torch.equal(told.data, a2i(i2a(picture), gain=3.0).data)
    overridden = chain(picture, gain=1.0)
    assert torch.equal(overridden.data, a2i(i2a(picture), gain=1.0).data)


def test_load_chain_by_reference(weights: dict[str, Path]) -> None:
    ref = f"{weights['tiny-a2i']}+{weights['tiny-i2a']}"
    chain = load_chain(ref)
    assert isinstance(chain, Chain) and len(chain.stages) == 2
    assert isinstance(load_any(str(weights["tiny-a2i"])), engine.Pipeline)
    with pytest.raises(ChainError, match="no empty part"):
        load_chain(f"{weights['tiny-a2i']}+")
    with pytest.raises(ChainError, match="makes image but"):
        load_chain(f"{weights['tiny-a2i']}+{weights['tiny-a2i']}")
