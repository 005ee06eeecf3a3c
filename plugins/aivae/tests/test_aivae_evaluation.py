"""Evaluation helpers on a tiny untrained model: generation, ablation curve, pictures."""

from __future__ import annotations

from pathlib import Path

import torch
from PIL import Image
from xmodal_aivae.augment import DRAWS, augment_mels
from xmodal_aivae.data import PairedMels
from xmodal_aivae.evaluation import generate, latent_ablation
from xmodal_aivae.pictures import ablation_plot, comparison_grid
from xmodal_aivae.pipeline import AivaeArchitecture, AivaePipeline, make_pipeline


def _tiny() -> tuple[AivaePipeline, PairedMels]:
    torch.manual_seed(0)
    pipeline = make_pipeline("tiny", AivaeArchitecture(width=4, latent_dim=4))
    pairs = PairedMels(torch.rand(30, 1, 48, 48), torch.rand(30, 1, 28, 28),
                       torch.arange(30) % 10)
    return pipeline, pairs


def test_generate_and_zeroing_every_dimension() -> None:
    pipeline, pairs = _tiny()
    images = generate(pipeline, pairs.mel, batch_size=7)
    assert images.shape == (30, 1, 28, 28)
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0
    blank = generate(pipeline, pairs.mel, zeroed=range(4))
    assert torch.allclose(blank, blank[:1].expand_as(blank))  # no latent left: one image for all


def test_ablation_curve_and_plot(tmp_path: Path) -> None:
    pipeline, pairs = _tiny()
    result = latent_ablation(pipeline, pairs, orders=2)
    assert result["k"] == [0, 1, 2, 3, 4]
    assert len(result["random_mean"]) == len(result["kl_ordered"]) == 5
    assert result["random_mean"][-1] == result["kl_ordered"][-1]  # everything zeroed: same images
    path = ablation_plot({"tiny": result}, tmp_path / "ablation.png")
    assert Image.open(path).size[0] > 100


def test_comparison_grid(tmp_path: Path) -> None:
    pipeline, pairs = _tiny()
    path = comparison_grid(pipeline, pairs, tmp_path / "grid.png", title="tiny",
                           per_digit=3)
    assert path.is_file()


def test_augmentation_is_identity_at_the_centre() -> None:
    mel = torch.rand(3, 1, 48, 48)
    u = torch.full((3, DRAWS), 0.5)
    u[:, 3] = u[:, 5] = 0.0  # zero-width masks
    assert torch.allclose(augment_mels(mel, u), mel, atol=1e-5)
    out = augment_mels(mel, torch.rand(3, DRAWS))
    assert out.shape == mel.shape and float(out.min()) >= 0.0 and float(out.max()) <= 1.0
