"""Training recipes for AIVAE and AIVAEGAN on the engine's runtime.

``aivae``: BCE reconstruction + KL, Adam 1e-3 (the paper's Table 1 model).
``aivaegan``: the same VAE with an image discriminator, GAN loss + alpha *
reconstruction + KL, Adam 2e-4 (the paper's Table 2 model, alpha in
{0.2, 0.5, 1, 2}). Both pick the setting (``many-to-one``, ``one-to-one``,
``unseen-speakers``) from ``--set setting=...`` and select the checkpoint with
the best LeNet-5 accuracy on the ``val`` clips held out of ``train``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import torch
import torch.nn.functional as F
from pydantic import Field
from torch import nn

from engine.card import CardInfo
from engine.train import Recipe, RecipeConfig, StepContext

from .augment import DRAWS as AUGMENT_DRAWS
from .augment import augment_mels
from .cards import card_for
from .data import load_pairs
from .evaluation import evaluate_pipeline
from .frontend import MelSettings
from .networks import Discriminator, VaeTrainingView, VaeTranslator, kl_divergence
from .pipeline import AivaeArchitecture, AivaePipeline, Setting, make_pipeline

__all__ = ["AivaeConfig", "AivaeGanConfig", "AivaeGanRecipe", "AivaeRecipe", "model_name"]

_SUFFIX = {"many-to-one": "", "one-to-one": "-1to1", "unseen-speakers": "-unseen",
           "voices-1to1": "-voices", "voices-heard": "-voices", "voices-unheard": "-voices",
           "voices-engine": "-voices"}


def model_name(variant: str, setting: Setting) -> str:
    """``aivae``, ``aivae-1to1``, ``aivaegan-unseen``...: the catalogue's naming."""
    return variant + _SUFFIX[setting]


class AivaeConfig(RecipeConfig):
    """AIVAE: the fields besides the loop's own (see ``engine.train.RecipeConfig``)."""

    setting: Setting = Field(default="many-to-one", description="which pairing to train on")
    latent_dim: int = Field(default=64, ge=1)
    width: int = Field(default=32, ge=1, description="channels of the first conv layer")
    dropout: float = Field(default=0.0, ge=0.0, lt=1.0)
    lr: float = Field(default=1e-3, gt=0.0, description="Adam learning rate (paper: 1e-3)")
    frontend: MelSettings = Field(default_factory=MelSettings)
    augment: bool = Field(default=True, description="warp and mask training mel pictures")
    val_fraction: float = Field(default=0.1, ge=0.0, lt=1.0, description="train clips held out as val")
    limit: int | None = Field(default=None, ge=1, description="items per split (tiny test runs)")
    eval_setting: Setting | None = Field(
        default=None, description="evaluate on this pairing instead of the model's own")
    name: str | None = Field(default=None, description="exported model name (default from the setting)")


class AivaeRecipe(Recipe[AivaeConfig]):
    """The paper's AIVAE: mel picture -> 64-D Gaussian latent -> 28x28 digit, BCE + KL."""

    Config: ClassVar[type[RecipeConfig]] = AivaeConfig
    model_type = AivaePipeline.model_type
    selection = ("lenet_accuracy", "max")
    variant: ClassVar[Literal["aivae", "aivaegan"]] = "aivae"
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "test": {"width": 4, "steps": 4, "batch_size": 8, "limit": 24, "eval_every": 2,
                 "checkpoint_every": 2, "progress": False, "val_fraction": 0.25},
        # About 15 minutes on 2 CPU cores (one torch thread), 48 epochs of the 7,200 train pairs.
        "cpu-small": {"width": 16, "steps": 6000, "batch_size": 64, "eval_every": 500,
                      "checkpoint_every": 1000, "log_every": 50},
        # The paper's network width and a longer schedule (the paper does not state its epochs).
        "paper": {"width": 32, "steps": 25000, "batch_size": 64, "eval_every": 2500,
                  "checkpoint_every": 2500, "log_every": 100},
    }

    # -- data and modules -----------------------------------------------------------
    def architecture(self) -> AivaeArchitecture:
        c = self.config
        return AivaeArchitecture(latent_dim=c.latent_dim, width=c.width, dropout=c.dropout,
                                 frontend=c.frontend, setting=c.setting, variant=self.variant)

    def train_dataset(self) -> torch.utils.data.Dataset[Any]:
        c = self.config
        return load_pairs(c.setting, "train", c.frontend, c.val_fraction, c.seed, c.limit)

    def build(self) -> dict[str, nn.Module]:
        c = self.config
        translator = VaeTranslator(c.latent_dim, c.width, c.frontend.size, c.dropout)
        return {"vae": VaeTrainingView(translator)}

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        return {"vae": torch.optim.Adam(modules["vae"].parameters(), lr=self.config.lr)}

    # -- one step -------------------------------------------------------------------------
    def vae_terms(self, batch: Mapping[str, torch.Tensor], ctx: StepContext,
                  prior: bool = False) -> tuple[Any, torch.Tensor, torch.Tensor]:
        """The forward pass and its two VAE terms, per image: summed BCE and summed KL."""
        mel, image = batch["mel"], batch["image"]
        n = len(mel)
        if self.config.augment:
            mel = augment_mels(mel, ctx.rand(n, AUGMENT_DRAWS))
        noise = ctx.randn(n, self.config.latent_dim)
        draws = ctx.randn(n, self.config.latent_dim) if prior else None
        out = ctx.modules["vae"](mel, noise, draws)
        bce = F.binary_cross_entropy_with_logits(out.logits.float(), image, reduction="sum") / n
        kl = kl_divergence(out.mu.float(), out.logvar.float()).mean()
        return out, bce, kl

    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        _, bce, kl = self.vae_terms(batch, ctx)
        loss = bce + kl
        ctx.optimize("vae", loss)
        return {"loss": loss.detach(), "bce": bce.detach(), "kl": kl.detach()}

    # -- inference, evaluation, card ----------------------------------------------------------
    def pipeline(self, modules: Mapping[str, nn.Module]) -> AivaePipeline:
        view = modules["vae"]
        assert isinstance(view, VaeTrainingView)
        name = self.config.name or model_name(self.variant, self.config.setting)
        return make_pipeline(name, self.architecture(), view.translator)

    def evaluate(self, pipeline: Any, split: str) -> dict[str, float]:
        c = self.config
        return evaluate_pipeline(pipeline, split, setting=c.eval_setting,
                                 val_fraction=c.val_fraction, seed=c.seed, limit=c.limit)

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        return card_for(self.architecture(), dict(self.config.model_dump(mode="json")))


class AivaeGanConfig(AivaeConfig):
    """AIVAEGAN adds the discriminator and the weight of the reconstruction term."""

    lr: float = Field(default=2e-4, gt=0.0, description="Adam learning rate of both nets (paper: 2e-4)")
    beta1: float = Field(default=0.5, ge=0.0, lt=1.0, description="Adam beta1 (the DCGAN value)")
    alpha: float = Field(default=1.0, gt=0.0, description="reconstruction weight (paper: 0.2, 0.5, 1, 2)")
    disc_width: int = Field(default=32, ge=1, description="channels of the discriminator's first layer / 2")


class AivaeGanRecipe(AivaeRecipe):
    """The paper's AIVAEGAN: AIVAE's VAE whose decoder also has to fool an image critic.

    Per step: the discriminator learns real MNIST images (label 1) against
    reconstructions and decoded prior samples (label 0, half weight each); then
    the VAE minimises ``GAN + alpha * BCE + KL``, every term per image (BCE
    summed over pixels and KL over latent dimensions, as in AIVAE; the GAN term
    is the non-saturating loss on the same two kinds of fakes). alpha < 1 thus
    also weighs the KL term up relative to reconstruction.
    """

    Config = AivaeGanConfig
    variant: ClassVar[Literal["aivae", "aivaegan"]] = "aivaegan"
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        **AivaeRecipe.presets,
        "test": {**AivaeRecipe.presets["test"], "disc_width": 4},
        # About 25 minutes on 2 CPU cores: a GAN step costs three times an AIVAE step.
        "cpu-small": {**AivaeRecipe.presets["cpu-small"], "steps": 3000},
        # The Table 5 grid (4 alphas x 2 settings) at about 16 minutes per run.
        "grid": {**AivaeRecipe.presets["cpu-small"], "steps": 2000},
        "paper": {**AivaeRecipe.presets["paper"]},
    }
    config: AivaeGanConfig

    def build(self) -> dict[str, nn.Module]:
        return {**super().build(), "discriminator": Discriminator(self.config.disc_width)}

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        betas = (self.config.beta1, 0.999)
        return {name: torch.optim.Adam(m.parameters(), lr=self.config.lr, betas=betas)
                for name, m in modules.items()}

    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        out, bce, kl = self.vae_terms(batch, ctx, prior=True)
        n = len(batch["image"])
        fake, drawn = torch.sigmoid(out.logits), torch.sigmoid(out.prior_logits)
        critic = ctx.modules["discriminator"]
        scores = critic(torch.cat([batch["image"], fake.detach(), drawn.detach()])).float()
        ones, zeros = torch.ones(n, device=scores.device), torch.zeros(n, device=scores.device)
        d_loss = F.binary_cross_entropy_with_logits(scores[:n], ones) + 0.5 * (
            F.binary_cross_entropy_with_logits(scores[n:2 * n], zeros)
            + F.binary_cross_entropy_with_logits(scores[2 * n:], zeros))
        ctx.optimize("discriminator", d_loss)
        scores = critic(torch.cat([fake, drawn])).float()
        gan = 0.5 * (F.binary_cross_entropy_with_logits(scores[:n], ones)
                     + F.binary_cross_entropy_with_logits(scores[n:], ones))
        loss = gan + self.config.alpha * bce + kl
        ctx.optimize("vae", loss)
        return {"loss": loss.detach(), "gan": gan.detach(), "d_loss": d_loss.detach(),
                "bce": bce.detach(), "kl": kl.detach()}
