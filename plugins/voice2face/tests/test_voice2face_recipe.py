"""Tiny training runs: the engine's recipe contract, and the encoder freeze of Algorithm 1."""

from __future__ import annotations

from pathlib import Path

import torch
from xmodal_voice2face.assignment import load_assignment
from xmodal_voice2face.networks import FaceCritic, Generator
from xmodal_voice2face.recipe import gan_step, make_optimizers
from xmodal_voice2face.voiceenc import VoiceEmbedNet, VoiceEncoder

from engine.loading import load_folder
from engine.train.testing import check_recipe, checkpoint_tensors


def test_tiny_run_passes_the_recipe_checker(tmp_path: Path) -> None:
    result = check_recipe("voice2face", tmp_path / "run")  # a few steps on synthesised probes
    for key in ("id_top1", "id_top5", "id_top1_independent", "id_top5_independent",
                "gender_match", "match_1v2_train", "match_1v2_test", "match_1v2_test_stratified",
                "id_trials", "gender_trials", "match_1v2_test_trials"):
        assert key in result.metrics
    # The test preset averages F_g (ema 0.5): the export is the average, not F_g's last weights.
    saved = checkpoint_tensors(tmp_path / "run")
    exported = load_folder(result.model_dir).persistent_state_dict()
    key = "generator.net.0.weight"
    assert torch.equal(exported[f"translator.{key}"], saved[f"generator_ema.{key[10:]}"])
    assert not torch.equal(saved[key], saved[f"generator_ema.{key[10:]}"])


def test_networks_keep_channels_last_weights_and_save_contiguous() -> None:
    g, critic = Generator(8, 2, 1), FaceCritic(3, 2, 1)
    conv = [p for p in [*g.parameters(), *critic.parameters()] if p.ndim == 4]
    assert all(p.is_contiguous(memory_format=torch.channels_last) for p in conv)
    restored = Generator(8, 2, 1)
    restored.load_state_dict({k: v.contiguous() for k, v in g.state_dict().items()})
    assert all(torch.equal(a, b) for a, b in zip(restored.parameters(), g.parameters(), strict=True))
    assert next(restored.parameters()).is_contiguous(memory_format=torch.channels_last)


def test_no_gradient_reaches_the_frozen_encoder() -> None:
    torch.manual_seed(0)
    e = VoiceEmbedNet(dim=64, width=8).eval()
    e.requires_grad_(False)
    g, critic = Generator(64, 2), FaceCritic(5, 2)
    opts = make_optimizers(g, critic, 2e-4, (0.5, 0.999))

    def optimize(name: str, loss: torch.Tensor) -> None:
        opts[name].zero_grad(set_to_none=True)
        loss.backward()
        opts[name].step()

    mel = torch.randn(4, 64, 300)
    with torch.no_grad():
        voice = e(mel)
    before = {k: v.clone() for k, v in e.state_dict().items()}
    g_before = [p.clone() for p in g.parameters()]
    labels = torch.randint(0, 5, (4,))
    losses = gan_step(g, critic, optimize, voice, labels, torch.rand(4, 3, 64, 64) * 2 - 1,
                      labels, torch.randn(4, 64))
    assert all(torch.isfinite(v) for v in losses.values())
    assert all(p.grad is None for p in e.parameters())
    assert all(torch.equal(v, before[k]) for k, v in e.state_dict().items())  # BN stats too
    assert any(not torch.equal(a, b) for a, b in zip(g_before, g.parameters(), strict=True))
    assert all(p.requires_grad for p in critic.parameters())  # restored after G's update


def test_pipeline_saves_no_encoder_weights() -> None:
    from xmodal_voice2face.pipeline import Voice2FaceArchitecture, Voice2FacePipeline

    assert VoiceEncoder.persistent is False
    pipeline = Voice2FacePipeline.make(Voice2FaceArchitecture(g_width=2, d_width=2))
    assert not list(pipeline.encoder.parameters())
    assert Voice2FacePipeline.produces == {"crop": "tight"}


def test_gender_balance_repeats_the_minority_and_halves_the_faces(tmp_path: Path) -> None:
    import numpy as np
    from xmodal_voice2face.recipe import Voice2FaceRecipe, balanced_rows

    rows = balanced_rows(np.array(["male"] * 7 + ["female"] * 2))
    assert sorted(rows.tolist()) == [0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 7, 8, 8, 8]
    recipe = Voice2FaceRecipe(Voice2FaceRecipe.configure("test", {"balance_gender": True}))
    _, labels = recipe.train_faces()
    train = load_assignment().split("train")
    picked = labels[recipe._pick_faces(torch.rand(4000), torch.rand(4000))]
    women = float(np.mean([train[int(k)].gender == "female" for k in picked]))
    assert 0.45 < women < 0.55  # uniform draws would give 2/30
    result = check_recipe("voice2face", tmp_path / "run", balance_gender=True, resize=True)
    assert "gender_match" in result.metrics


def test_gender_loss_is_minus_log_of_the_allowed_probability_mass() -> None:
    from xmodal_voice2face.recipe import gender_loss

    torch.manual_seed(0)
    logits = torch.randn(6, 5) * 3
    allowed = torch.tensor([[True, False, False, True, False]] * 3 + [[False, True, True, False, True]] * 3)
    p = torch.softmax(logits, dim=1)
    direct = -torch.log((p * allowed).sum(1)).mean()
    assert torch.allclose(gender_loss(logits, allowed), direct, atol=1e-6)
    # all the mass on allowed classes costs nothing
    sure = torch.where(allowed, torch.tensor(30.0), torch.tensor(-30.0))
    assert float(gender_loss(sure, allowed)) < 1e-6


def test_spare_voices_are_balanced_and_point_at_their_gender() -> None:
    import numpy as np
    from xmodal_voice2face.recipe import Voice2FaceRecipe

    recipe = Voice2FaceRecipe(Voice2FaceRecipe.configure("test"))
    assert recipe.config.spare_voices > 0
    emb, allowed = recipe.spare_pool()
    train = load_assignment().split("train")
    class_female = np.array([f.gender == "female" for f in train])
    row_female = allowed[:, int(np.flatnonzero(class_female)[0])].numpy()
    assert len(emb) == len(allowed) and 0 < row_female.sum() < len(row_female)
    assert row_female.mean() == 0.5  # one woman's and one man's voice, equal rows
    for row, female in zip(allowed.numpy(), row_female, strict=True):
        assert (row == (class_female == female)).all()


def test_spare_fakes_are_judged_by_d_and_move_the_generator() -> None:
    torch.manual_seed(0)
    g, critic = Generator(16, 2), FaceCritic(4, 2)
    opts = make_optimizers(g, critic, 2e-4, (0.5, 0.999))
    seen: dict[str, torch.Tensor] = {}

    def optimize(name: str, loss: torch.Tensor) -> None:
        seen[name] = loss.detach()
        opts[name].zero_grad(set_to_none=True)
        loss.backward()
        opts[name].step()

    labels = torch.randint(0, 4, (3,))
    allowed = torch.tensor([[True, True, False, False], [False, False, True, True]])
    losses = gan_step(g, critic, optimize, torch.randn(3, 16), labels,
                      torch.rand(3, 3, 64, 64) * 2 - 1, labels, torch.randn(5, 16),
                      spare=(torch.randn(2, 16), allowed))
    assert "g_gender" in losses and torch.isfinite(losses["g_gender"])
    assert torch.allclose(seen["gen"], losses["g_gan"] + losses["g_id"] + losses["g_gender"])
