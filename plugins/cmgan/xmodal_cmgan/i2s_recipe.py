"""Training recipe of ``cmgan-i2s``: GAN-CLS from Gamma's picture encoding to a 128 x 34 log-mel.

Every step pairs each real training window (a ``gm-phrases`` ``train`` log-mel,
standardised per mel band and interpolated from 128 x 44 to 128 x 34) with a
training picture of the same instrument (the only pairing the stand-in data
has: class level), drawn uniformly; its *wrong* partner (Eq. 7) is a real
window of another instrument, the class drawn uniformly from the other 12.
The discriminator minimises ``-[log S_r + (log(1 - S_w) + log(1 - S_f)) / 2]``
and the generator ``-log S_f`` (the core's :mod:`~xmodal_cmgan.gan_cls`).

Gamma (the core's frozen image classifier) encodes every training picture
once; the judge that grades the outputs is a separate sound classifier
(:mod:`.i2s_evaluation`). The paper gives no optimiser, batch, z or epochs:
ours are GAN-CLS's defaults (Adam 2e-4, beta1 0.5, batch 64, z 100). The
training windows' statistics and the picture encodings are fixed at start.

Evaluation during training (``eval_every`` steps, split ``val``) is the judge's
accuracy on generations for a fixed class-balanced subset of *training*
pictures, so the best-epoch selection the paper's peak-then-collapse calls for
never looks at a test picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from pydantic import Field
from torch import nn
from torch.utils.data import Dataset

from engine import Pipeline
from engine.card import CardInfo
from engine.train import Recipe, RecipeConfig, StepContext

from .encoders import ImageClassifier, SoundClassifier
from .features import LMS, LmsStats, WindowedLms, lms_stats, phrase_windows
from .gan_cls import ClassPool, discriminator_loss, generator_loss
from .i2s_evaluation import I2SEvaluator
from .i2s_networks import I2SDiscriminator, I2SGenerator, to_generator_frames
from .i2s_pipeline import I2SPipeline
from .images import Pictures, clipart_pictures, to_signed

__all__ = ["JUDGE_NAME", "I2SConfig", "I2SRecipe", "load_judge"]

#: The judge's files in the bundled weights folder: ``judge.safetensors`` + ``judge.json``.
JUDGE_NAME = "judge"


def _i2s_weights() -> Path:
    from . import WEIGHTS

    return WEIGHTS["cmgan-i2s"]


def load_judge(source: str = "bundled") -> SoundClassifier:
    """The judge: ``bundled`` (``weights/cmgan-i2s/judge.*``) or a folder holding ``judge.*``."""
    from engine.frozen import load_frozen

    from .frozen import build_sound_classifier

    folder = _i2s_weights() if source == "bundled" else Path(source)
    judge, _ = load_frozen(folder, JUDGE_NAME, build_sound_classifier)
    assert isinstance(judge, SoundClassifier)
    return judge.eval()


class I2SConfig(RecipeConfig):
    """The recipe's settings (defaults: the bundled ``cpu-small`` run)."""

    width: int = Field(16, ge=1, description="generator's 32 x 32 map channels (paper: 128)")
    disc_width: int | None = Field(None, ge=1, description="discriminator width (default: width)")
    z_dim: int = Field(100, ge=1)
    lr: float = Field(2e-4, gt=0)
    beta1: float = 0.5
    beta2: float = 0.999
    wrong_pairs: bool = Field(True, description="the S_w term (Eq. 7); false: plain conditional GAN")
    tiny_data: bool = Field(False, description="tiny variants of gm-phrases and instruments-clipart")
    gamma: str = Field("bundled", description="'bundled' (the core's Gamma), 'random' (tests) or a folder")
    judge: str = Field("bundled", description="'bundled', 'random' (tests) or a folder with judge.*")
    eval_copies: int = Field(2, ge=1, description="generations (z draws) per picture in evaluation")
    val_per_class: int = Field(40, ge=1, description="training pictures per class the val split reads")


class WindowIndex(Dataset[dict[str, torch.Tensor]]):
    """Training items are window indices and labels; the step fetches and resizes the log-mels."""

    def __init__(self, labels: np.ndarray) -> None:
        self.labels = torch.from_numpy(np.asarray(labels, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"index": torch.tensor(i), "label": self.labels[i]}


class I2SRecipe(Recipe[I2SConfig]):
    Config = I2SConfig
    model_type: ClassVar[str] = "cmgan-i2s"
    selection = ("i2s_accuracy", "max")
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "test": {
            "width": 2, "z_dim": 8, "steps": 4, "batch_size": 8, "tiny_data": True,
            "gamma": "random", "judge": "random", "eval_copies": 2, "val_per_class": 2,
            "eval_every": 2, "checkpoint_every": 2, "progress": False, "log_every": 1,
        },
        "cpu-small": {
            # 280 steps an epoch (17,949 windows, batch 64): about 5.4 epochs, evaluated
            # every 250 steps (about once an epoch), roughly 0.5 s a step on one core.
            "width": 16, "steps": 1500, "batch_size": 64, "eval_every": 250,
            "checkpoint_every": 250, "log_every": 25, "threads": 1,
        },
        "paper": {
            # The paper's 32 x 32 x 128 map; 100 epochs, evaluated every 5 as in Fig. 9.
            "width": 128, "steps": 28_000, "batch_size": 64, "eval_every": 1400,
            "checkpoint_every": 1400, "log_every": 100,
        },
    }

    def __init__(self, config: I2SConfig) -> None:
        super().__init__(config)
        self._train: WindowedLms | None = None
        self._stats: LmsStats | None = None
        self._gamma: ImageClassifier | None = None
        self._pictures: Pictures | None = None
        self._encodings: torch.Tensor | None = None
        self._pools: tuple[ClassPool, ClassPool] | None = None
        self._evaluator: I2SEvaluator | None = None

    # -- data and frozen parts --------------------------------------------------------------
    @property
    def train_windows(self) -> WindowedLms:
        if self._train is None:
            self._train = phrase_windows("train", tiny=self.config.tiny_data,
                                         progress=self.config.progress)
        return self._train

    @property
    def stats(self) -> LmsStats:
        if self._stats is None:
            self._stats = lms_stats(self.train_windows.lms)
        return self._stats

    @property
    def gamma(self) -> ImageClassifier:
        if self._gamma is None:
            source = self.config.gamma
            if source == "random":
                torch.manual_seed(self.config.seed)
                self._gamma = ImageClassifier(len(self.train_windows.classes)).eval()
            else:
                from .frozen import load_gamma

                self._gamma = load_gamma(None if source == "bundled" else source)
        return self._gamma

    @property
    def pictures(self) -> Pictures:
        if self._pictures is None:
            self._pictures = clipart_pictures("train", tiny=self.config.tiny_data)
        return self._pictures

    @property
    def encodings(self) -> torch.Tensor:
        """Gamma's encoding of every training picture, ``[N, 128]`` (frozen, computed once)."""
        if self._encodings is None:
            if self.pictures.classes != self.train_windows.classes:
                raise ValueError("instruments-clipart and gm-phrases disagree on the class order")
            gamma = self.gamma.eval()
            images = self.pictures.image
            with torch.no_grad():
                self._encodings = torch.cat([gamma.encode(to_signed(images[s : s + 256]))
                                             for s in range(0, len(images), 256)])
        return self._encodings

    @property
    def pools(self) -> tuple[ClassPool, ClassPool]:
        """(pictures by class, training windows by class)."""
        if self._pools is None:
            self._pools = (ClassPool(self.pictures.instrument), ClassPool(self.train_windows.instrument))
        return self._pools

    def real_lms(self, index: torch.Tensor) -> torch.Tensor:
        """Training windows ``index`` as the discriminator reads them: ``[B, 1, 128, 34]``, standardised."""
        lms = torch.from_numpy(np.asarray(self.train_windows.lms[index.cpu().numpy()])).float()
        mean = torch.from_numpy(self.stats.mean)[:, None]
        std = torch.from_numpy(self.stats.std)[:, None]
        return to_generator_frames(((lms - mean) / std).unsqueeze(1))

    def train_dataset(self) -> WindowIndex:
        return WindowIndex(self.train_windows.instrument)

    # -- modules -----------------------------------------------------------------------------
    def build(self) -> dict[str, nn.Module]:
        c = self.config
        return {"generator": I2SGenerator(c.width, c.z_dim),
                "discriminator": I2SDiscriminator(c.disc_width or c.width)}

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        c = self.config
        return {name: torch.optim.Adam(m.parameters(), lr=c.lr, betas=(c.beta1, c.beta2))
                for name, m in modules.items()}

    # -- one step ------------------------------------------------------------------------------
    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        c = self.config
        G, D = ctx.modules["generator"], ctx.modules["discriminator"]
        index, label = batch["index"].cpu(), batch["label"].cpu()
        n = len(index)
        pictures, windows = self.pools
        condition = self.encodings[pictures.same(label, ctx.rand(n))].to(ctx.device)
        real = self.real_lms(index).to(ctx.device)
        z = ctx.randn(n, c.z_dim).to(ctx.device)
        fake = G(condition, z)
        wrong = None
        if c.wrong_pairs:
            other = windows.other(label, ctx.rand(n), ctx.rand(n))
            wrong = D(self.real_lms(other).to(ctx.device), condition)
        d_loss = discriminator_loss(D(real, condition), D(fake.detach(), condition), wrong)
        ctx.optimize("discriminator", d_loss)
        g_loss = generator_loss(D(fake, condition))
        ctx.optimize("generator", g_loss)
        return {"d": d_loss.detach(), "g": g_loss.detach()}

    # -- export and evaluation --------------------------------------------------------------------
    def pipeline(self, modules: Mapping[str, nn.Module]) -> Pipeline:
        generator = modules["generator"]
        assert isinstance(generator, I2SGenerator)
        return I2SPipeline.make(generator, self.gamma, self.stats.mean, self.stats.std,
                                self.train_windows.classes)

    def judge(self) -> SoundClassifier:
        if self.config.judge == "random":
            torch.manual_seed(self.config.seed + 1)
            judge = SoundClassifier(len(self.train_windows.classes), 4, *LMS.shape, hidden=16)
            judge.set_stats(self.stats.mean, self.stats.std)
            return judge.eval()
        return load_judge(self.config.judge)

    def evaluator(self) -> I2SEvaluator:
        if self._evaluator is None:
            c = self.config
            self._evaluator = I2SEvaluator(
                self.judge(), phrase_windows("test", tiny=c.tiny_data, progress=c.progress),
                clipart_pictures("test", tiny=c.tiny_data), self.pictures, copies=c.eval_copies,
                seed=c.seed, val_per_class=c.val_per_class)
        return self._evaluator

    def evaluate(self, pipeline: Pipeline, split: str) -> dict[str, float]:
        return self.evaluator()(pipeline, split)

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        from .i2s_cards import card_for

        return card_for(self.config, metrics)
