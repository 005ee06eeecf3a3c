"""Training recipe: S2I (sound -> picture) with GAN-CLS on the engine's loop.

Stages. The sound encoder and the judge Gamma are frozen networks trained
before (``xmodal cmgan train-classifiers``; the bundled ones by default, or
the folders ``sound_classifier`` / ``gamma``). The encoder's 128-D codes of all
training windows are computed once; S2I-A first trains its stacked
autoencoder (cached per data and settings). Then every step:

1. draws a batch of sound codes with their instruments, a real picture of the
   same instrument for each, and a wrong picture of another instrument
   (Eq. 5: the class uniform over the others);
2. D descends ``-[log S_r + (log(1 - S_w) + log(1 - S_f)) / 2]`` (S2I-N:
   ``-[log S_r + log(1 - S_f)]``), fakes detached;
3. G descends ``-log S_f``.

Ours, on in the cpu-small presets (S2I-C, -N and -A alike) and off in
``paper``: ``diff_augment`` passes every
picture D sees (real, wrong and fake, in D's update and G's) through
:func:`engine.train.diff_augment`, and ``ema`` > 0 exports a moving average of
G's weights (:func:`engine.train.update_average`); voice2face's remedies for a
critic that memorises a few hundred training pictures and a generator that
swings from step to step.

What the paper leaves open is ours and in the card: Adam 2e-4, betas (0.5,
0.999), batch 64, |z| = 100 (GAN-CLS's defaults), the widths and the number
of steps. Fig. 9 of the paper peaks and then collapses, so the loop evaluates
every ``eval_every`` steps on held-out training phrases (``val``, see
:mod:`xmodal_cmgan.data`) and exports the best evaluation.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

import torch
from pydantic import Field
from torch import nn

from engine.card import CardInfo
from engine.train import Recipe, RecipeConfig, StepContext, diff_augment

from .autoencoder import StackedAutoencoder
from .encoders import SoundClassifier
from .gan_cls import ClassPool, discriminator_loss, generator_loss
from .networks import PROJECTION_DIM, Z_DIM, S2IDiscriminator, S2IGenerator
from .pipeline import CmganArchitecture, CmganPipeline

__all__ = ["CmganConfig", "CmganRecipe", "s2i_step"]


class CmganConfig(RecipeConfig):
    """cmgan S2I: the fields besides the loop's own (see ``engine.train.RecipeConfig``)."""

    encoder: Literal["classifier", "autoencoder"] = Field(
        default="classifier", description="classifier: S2I-C / S2I-N; autoencoder: S2I-A")
    wrong_pairs: bool = Field(default=True, description="the S_w term (False: S2I-N)")
    g_width: int = Field(default=16, ge=1, description="generator width (GAN-CLS: 64)")
    d_width: int = Field(default=16, ge=1, description="discriminator width (GAN-CLS: 64)")
    z_dim: int = Field(default=Z_DIM, ge=1, description="|z| (not in the paper; GAN-CLS 100)")
    lr: float = Field(default=2e-4, gt=0.0, description="Adam learning rate (GAN-CLS: 2e-4)")
    d_lr: float | None = Field(default=None, gt=0.0, description="D's learning rate when it differs "
                               "from G's (two time scales, ours; None: lr)")
    beta1: float = Field(default=0.5, ge=0.0, lt=1.0, description="Adam beta1 (GAN-CLS: 0.5)")
    beta2: float = Field(default=0.999, ge=0.0, lt=1.0, description="Adam beta2")
    ae_channels: int = Field(default=8, ge=1, description="S2I-A: channels of stacks 1-3")
    ae_steps: int = Field(default=400, ge=1, description="S2I-A: Adam steps per stack")
    val_per_class: int = Field(default=80, ge=0, description="val windows per instrument (0: all)")
    tiny: bool = Field(default=False, description="the tiny data variants (tests)")
    sound_classifier: str = Field(default="", description="frozen sound classifier folder (default: bundled)")
    gamma: str = Field(default="", description="frozen Gamma folder (default: bundled)")
    d_norm: Literal["batch", "spectral"] = Field(
        default="batch", description="D's normalisation: batch (GAN-CLS) or spectral (ours)")
    diff_augment: bool = Field(default=False, description="colour, shift and cutout on every "
                               "picture D sees, real, wrong or fake (ours; Zhao et al. 2020)")


#: The bundled model's preset (S2I-C); S2I-N and S2I-A change one field each.
CPU_SMALL: dict[str, Any] = {"steps": 2400, "batch_size": 64, "eval_every": 200, "checkpoint_every": 200,
                             "log_every": 25, "threads": 2, "keep_checkpoints": 1,
                             "diff_augment": True, "ema": 0.995}


def s2i_step(generator: nn.Module, discriminator: nn.Module, optimize: Any, condition: torch.Tensor,
             real: torch.Tensor, wrong: torch.Tensor | None, z: torch.Tensor,
             augment: Callable[[torch.Tensor], torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
    """One GAN-CLS update of D then G; ``optimize(name, loss)`` steps ``disc`` and ``gen``.

    ``wrong`` is None for S2I-N; ``augment`` is applied to every batch of pictures
    before D sees it. Shared by the recipe and the tests.
    """
    seen = augment if augment is not None else (lambda x: x)
    fake = generator(condition, z)
    d_real = discriminator(seen(real), condition)
    d_fake = discriminator(seen(fake.detach()), condition)
    d_wrong = discriminator(seen(wrong), condition) if wrong is not None else None
    d_loss = discriminator_loss(d_real, d_fake, d_wrong)
    optimize("disc", d_loss)
    discriminator.requires_grad_(False)  # G's update changes only G
    try:
        g_loss = generator_loss(discriminator(seen(fake), condition))
        optimize("gen", g_loss)
    finally:
        discriminator.requires_grad_(True)
    out = {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(),
           "s_real": torch.sigmoid(d_real).mean().detach(),
           "s_fake": torch.sigmoid(d_fake).mean().detach()}
    if d_wrong is not None:
        out["s_wrong"] = torch.sigmoid(d_wrong).mean().detach()
    return out


class CmganRecipe(Recipe[CmganConfig]):
    """Chen et al. (2017) S2I: GAN-CLS conditioned on a frozen 128-D sound encoding."""

    Config: ClassVar[type[RecipeConfig]] = CmganConfig
    model_type = CmganPipeline.model_type
    selection = ("s2i_accuracy", "max")
    averaged = "generator"  # with ema > 0 the loop evaluates and exports G's moving average
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "test": {"g_width": 2, "d_width": 2, "steps": 4, "batch_size": 8, "checkpoint_every": 2,
                 "eval_every": 2, "progress": False, "tiny": True, "log_every": 1, "ae_steps": 2,
                 "val_per_class": 2, "threads": 1, "diff_augment": True, "ema": 0.5},
        # S2I-C. 2400 steps of batch 64 are about 10 passes over the 15K training windows
        # ("epochs"); the loop evaluates every 200 steps and exports the best evaluation.
        "cpu-small": CPU_SMALL,
        # S2I-N and S2I-A: the same run without the wrong term, or on the autoencoder's code.
        "cpu-small-n": {**CPU_SMALL, "wrong_pairs": False},
        "cpu-small-a": {**CPU_SMALL, "encoder": "autoencoder"},
        # GAN-CLS's sizes and about 70 passes over the windows (Fig. 9 runs to ~70 epochs); a GPU run.
        "paper": {"g_width": 64, "d_width": 64, "steps": 20_000, "batch_size": 64,
                  "eval_every": 1000, "checkpoint_every": 1000, "log_every": 100},
    }

    def __init__(self, config: CmganConfig) -> None:
        super().__init__(config)

    # -- frozen parts and data ------------------------------------------------------------
    def _folder(self, value: str, default: Path) -> Path:
        return Path(value) if value else default

    @functools.cached_property
    def sound_net(self) -> SoundClassifier | StackedAutoencoder:
        """The frozen sound encoder: the classifier, or (S2I-A) the trained autoencoder."""
        from . import SOUND_CLASSIFIER
        from .frozen import load_sound_classifier

        if self.config.encoder == "classifier":
            return load_sound_classifier(self._folder(self.config.sound_classifier, SOUND_CLASSIFIER))
        from .autoencoder import cached_autoencoder
        from .data import windows_for
        from .features import lms_stats

        table = windows_for("gan-train", tiny=self.config.tiny, progress=self.config.progress)
        stats = lms_stats(table.lms)
        key = f"{table.phrase.sum()}-{len(table)}-{self.config.tiny}"
        net, _ = cached_autoencoder(table.lms, (stats.mean, stats.std), key,
                                    channels=self.config.ae_channels,
                                    steps_per_stack=self.config.ae_steps, seed=self.config.seed,
                                    progress=self.config.progress)
        return net

    @functools.cached_property
    def gamma(self) -> Any:
        from . import GAMMA
        from .frozen import load_gamma

        return load_gamma(self._folder(self.config.gamma, GAMMA))

    @functools.cached_property
    def real_pictures(self) -> tuple[torch.Tensor, ClassPool]:
        """The training pictures in [-1, 1] and a class pool over them."""
        from .images import clipart_pictures, to_signed

        pictures = clipart_pictures("train", tiny=self.config.tiny)
        return to_signed(pictures.image), ClassPool(pictures.instrument)

    def architecture(self) -> CmganArchitecture:
        c = self.config
        net = self.sound_net
        arch: dict[str, Any] = {"encoder": c.encoder, "g_width": c.g_width, "z_dim": c.z_dim,
                                "proj_dim": PROJECTION_DIM, "ae_channels": c.ae_channels}
        if isinstance(net, SoundClassifier):
            arch.update(classes=net.classes, sound_width=net.width, sound_hidden=net.hidden)
        return CmganArchitecture(**arch)

    def train_dataset(self) -> torch.utils.data.Dataset[Any]:
        from .data import S2ITrainSet, encode, windows_for

        table = windows_for("gan-train", tiny=self.config.tiny, progress=self.config.progress)
        return S2ITrainSet(encode(self.sound_net, table.lms), table.instrument)

    def build(self) -> dict[str, nn.Module]:
        c = self.config
        return {"generator": S2IGenerator(128, c.g_width, c.z_dim),
                "discriminator": S2IDiscriminator(128, c.d_width, norm=c.d_norm)}

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        c = self.config
        betas = (c.beta1, c.beta2)
        return {"gen": torch.optim.Adam(modules["generator"].parameters(), lr=c.lr, betas=betas),
                "disc": torch.optim.Adam(modules["discriminator"].parameters(), lr=c.d_lr or c.lr,
                                         betas=betas)}

    # -- one step -------------------------------------------------------------------------
    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        condition, label = batch["condition"], batch["label"]
        n = len(label)
        pictures, pool = self.real_pictures
        real = pictures[pool.same(label, ctx.rand(n))].to(ctx.device)
        wrong = None
        u_class, u_item = ctx.rand(n), ctx.rand(n)
        if self.config.wrong_pairs:
            wrong = pictures[pool.other(label, u_class, u_item)].to(ctx.device)
        z = ctx.randn(n, self.config.z_dim)
        augment = (lambda x: diff_augment(x, ctx.rand)) if self.config.diff_augment else None
        return s2i_step(ctx.modules["generator"], ctx.modules["discriminator"], ctx.optimize,
                        condition, real, wrong, z, augment)

    # -- inference, evaluation, card ----------------------------------------------------------
    def pipeline(self, modules: Mapping[str, nn.Module]) -> CmganPipeline:
        generator = modules["generator"]
        assert isinstance(generator, S2IGenerator)
        net = self.sound_net
        net.eval()
        return CmganPipeline.make(self.architecture(), encoder_net=net, generator=generator)

    def evaluate(self, pipeline: Any, split: str) -> dict[str, float]:
        from .evaluation import evaluate_pipeline

        sf = None
        if split != "val":
            sf = _sf_accuracy()
        return evaluate_pipeline(pipeline, self.gamma, split, tiny=self.config.tiny,
                                 val_per_class=self.config.val_per_class, sound_sf_accuracy=sf,
                                 progress=self.config.progress)

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        from .cards import card_for

        return card_for(self.architecture(), dict(self.config.model_dump(mode="json")))


def _sf_accuracy() -> float | None:
    """The held-out-soundfont sound classifier's ``sf-test`` accuracy, from its frozen config."""
    from engine.errors import CheckpointError

    from . import SOUND_CLASSIFIER
    from .frozen import frozen_config

    try:
        config = frozen_config("sound-classifier-sf", SOUND_CLASSIFIER)
    except CheckpointError:
        return None
    value = config.get("metrics", {}).get("sf_test_accuracy")
    return None if value is None else float(value)

