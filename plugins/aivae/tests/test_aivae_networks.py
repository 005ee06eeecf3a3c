"""Network shapes, the KL term against closed forms, and the pipeline's save/load round trip."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from torch.distributions import Normal
from torch.distributions import kl_divergence as torch_kl
from xmodal_aivae.lenet import LeNet5
from xmodal_aivae.networks import (
    AudioEncoderNet,
    DigitDecoderNet,
    Discriminator,
    VaeTrainingView,
    VaeTranslator,
    kl_divergence,
)
from xmodal_aivae.pipeline import AivaeArchitecture, AivaePipeline, make_pipeline

import engine
from engine import Audio, Image


def test_shapes() -> None:
    mel = torch.rand(5, 1, 48, 48)
    mu, logvar = AudioEncoderNet(latent_dim=64, width=4)(mel)
    assert mu.shape == logvar.shape == (5, 64)
    assert DigitDecoderNet(latent_dim=64, width=4)(mu).shape == (5, 1, 28, 28)
    assert VaeTranslator(64, width=4)(mel).shape == (5, 1, 28, 28)
    assert Discriminator(width=4)(torch.rand(7, 1, 28, 28)).shape == (7,)
    assert LeNet5()(torch.rand(3, 1, 28, 28)).shape == (3, 10)


def test_training_view_returns_posterior_and_prior_decodes() -> None:
    view = VaeTrainingView(VaeTranslator(16, width=4))
    out = view(torch.rand(4, 1, 48, 48), torch.randn(4, 16), torch.randn(4, 16))
    assert out.logits.shape == out.prior_logits.shape == (4, 1, 28, 28)
    assert out.mu.shape == out.logvar.shape == (4, 16)
    assert view(torch.rand(4, 1, 48, 48), torch.randn(4, 16)).prior_logits is None


def test_kl_matches_closed_form() -> None:
    torch.manual_seed(0)
    mu, logvar = torch.randn(6, 64), torch.randn(6, 64)
    expected = torch_kl(Normal(mu, (0.5 * logvar).exp()), Normal(0.0, 1.0)).sum(1)
    assert torch.allclose(kl_divergence(mu, logvar), expected, atol=1e-5)
    # One dimension by hand: KL(N(1, e^2) || N(0, 1)) = (e^2 + 1 - 1 - 2) / 2.
    value = kl_divergence(torch.tensor([[1.0]]), torch.tensor([[2.0]]))
    assert math.isclose(float(value), (math.exp(2.0) + 1.0 - 1.0 - 2.0) / 2.0, rel_tol=1e-6)
    assert float(kl_divergence(torch.zeros(2, 8), torch.zeros(2, 8)).abs().max()) == 0.0


def test_pipeline_translates_and_round_trips(tmp_path: Path) -> None:
    torch.manual_seed(0)
    pipeline = make_pipeline("aivae-tiny", AivaeArchitecture(width=4, latent_dim=8))
    t = torch.arange(4000) / 8000
    clip = Audio((0.5 * torch.sin(2 * math.pi * 440 * t)).unsqueeze(0), 8000)
    image = pipeline.translate(clip)
    assert isinstance(image, Image) and image.size == (28, 28) and image.channels == 1
    folder = pipeline.save_pretrained(tmp_path / "model")
    loaded = engine.load(folder)
    assert isinstance(loaded, AivaePipeline)
    assert loaded.architecture(loaded.config).latent_dim == 8
    again = loaded.translate([clip, clip])
    assert len(again) == 2
    assert torch.allclose(again[0].data, image.data, atol=1e-6)


def test_make_pipeline_shares_a_trained_translator_that_fits_the_config() -> None:
    arch = AivaeArchitecture(width=4, latent_dim=8)
    trained = VaeTranslator(8, width=4)
    assert make_pipeline("tiny", arch, trained).translator is trained
    with pytest.raises(engine.CheckpointError, match="trained translator"):
        make_pipeline("tiny", arch, VaeTranslator(8, width=8))  # the config says width 4
