"""Training recipe: every stage of the method in one run, one stage after another.

Steps ``[0, feature_steps)`` train the two feature CNNs as classifiers of the
object classes (the stand-ins for SoundNet and VGG, frozen afterwards);
``[feature_steps, + mm_steps)`` train the multimodal layers on image-only,
sound-only and both inputs with the paper's three losses; the remaining steps
train GAN1 (multimodal pre-activation sound feature -> image feature, with
the 0.001 weight on its discriminator loss) and GAN2 (real image feature ->
picture) side by side, both pix2pix. A training pair is a sound and a picture
of its class drawn at random every step, as the paper's pairs share a label.

The loop's data stream gives the training sounds; pictures are drawn with the
loop's seeded noise, so a resumed run makes exactly the same draws. Frozen
features are computed once when a stage starts (and again on resume, from the
restored weights: the same numbers). The paper gives no widths, learning
rates, batch sizes or epochs: pix2pix's defaults (lambda_L1 100, Adam 2e-4,
betas (0.5, 0.999)) and sizes that fit a CPU are our choices.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from pydantic import Field, model_validator
from torch import nn

from engine.card import CardInfo
from engine.train import Recipe, RecipeConfig, StepContext, uniform_index

from .multimodal import LossWeights, multimodal_losses
from .pipeline import Sound2ImageArchitecture, Sound2ImageNet, Sound2ImagePipeline, SoundEncoder
from .pix2pix import PatchGAN, feature_to_map, pix2pix_d_loss, pix2pix_g_loss

__all__ = ["Sound2ImageConfig", "Sound2ImageRecipe", "SoundIndex"]


class Sound2ImageConfig(RecipeConfig):
    """sound2image: the fields besides the loop's own (see ``engine.train.RecipeConfig``)."""

    tiny: bool = Field(default=False, description="train on the tiny object-sounds/object-pictures builds")
    classes: int = Field(default=51, ge=2, description="object classes (must match the data sets)")
    image_size: int = Field(default=64, description="picture side (the paper: 128)")
    feature_dim: int = Field(default=1024, description="image fc6 = multimodal hidden size (paper 4096)")
    sound_width: int = Field(default=16, ge=1, description="sound CNN width")
    image_width: int = Field(default=16, ge=1, description="image CNN width")
    g_width: int = Field(default=16, ge=1, description="U-Net width (pix2pix: 64)")
    g_max_mult: int = Field(default=4, ge=1, description="U-Net channel cap in widths (pix2pix: 8)")
    d_width: int = Field(default=16, ge=1, description="PatchGAN width (pix2pix: 64)")
    g2_width: int | None = Field(default=None, ge=1, description="GAN2's U-Net width (None: g_width)")
    g2_max_mult: int | None = Field(default=None, ge=1, description="GAN2's channel cap (None: g_max_mult)")
    d2_width: int | None = Field(default=None, ge=1, description="GAN2's PatchGAN width (None: d_width)")
    feature_steps: int = Field(default=1200, ge=1, description="steps of the feature-CNN stage")
    mm_steps: int = Field(default=1000, ge=1, description="steps of the multimodal stage")
    feature_lr: float = Field(default=1e-3, gt=0.0, description="Adam lr of the feature CNNs (ours)")
    mm_lr: float = Field(default=1e-3, gt=0.0, description="Adam lr of the multimodal layers (ours)")
    lr: float = Field(default=2e-4, gt=0.0, description="Adam lr of both GANs (pix2pix: 2e-4)")
    beta1: float = Field(default=0.5, ge=0.0, lt=1.0, description="GAN Adam beta1 (pix2pix: 0.5)")
    beta2: float = Field(default=0.999, ge=0.0, lt=1.0, description="GAN Adam beta2 (pix2pix: 0.999)")
    lambda_l1: float = Field(default=100.0, ge=0.0, description="pix2pix L1 weight of GAN1 (pix2pix: 100)")
    lambda_l1_gan2: float | None = Field(default=None, ge=0.0,
                                         description="GAN2's L1 weight (None: lambda_l1)")
    gan1_d_weight: float = Field(default=0.001, gt=0.0, description="weight on GAN1's D loss (paper: 0.001)")
    loss_l1: float = Field(default=1.0, ge=0.0, description="multimodal hidden L1 weight (ours)")
    loss_hidden_ce: float = Field(default=0.1, ge=0.0, description="hidden cross-entropy weight (ours)")
    loss_cls: float = Field(default=1.0, ge=0.0, description="class cross-entropy weight (ours)")
    judge: str = Field(default="", description="folder of the independent judge ('' = the bundled one)")

    @property
    def gan2_d_width(self) -> int:
        """GAN2's PatchGAN width (``d2_width``, or GAN1's ``d_width`` when unset)."""
        return self.d2_width or self.d_width

    @property
    def gan2_lambda_l1(self) -> float:
        """GAN2's L1 weight (``lambda_l1_gan2``, or GAN1's ``lambda_l1`` when unset)."""
        return self.lambda_l1 if self.lambda_l1_gan2 is None else self.lambda_l1_gan2

    @model_validator(mode="after")
    def _stages(self) -> Sound2ImageConfig:
        if self.steps <= self.feature_steps + self.mm_steps:
            raise ValueError(f"steps ({self.steps}) must exceed feature_steps + mm_steps "
                             f"({self.feature_steps + self.mm_steps}): the GAN stage needs steps")
        return self


class SoundIndex(torch.utils.data.Dataset[dict[str, torch.Tensor]]):
    """The training sounds as (index, label): the loop shuffles and batches them."""

    def __init__(self, labels: torch.Tensor) -> None:
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"index": torch.tensor(i), "label": self.labels[i]}


def _unwrap(module: nn.Module) -> Any:
    return getattr(module, "module", module)


def _percentile(x: torch.Tensor, q: float) -> torch.Tensor:
    """The ``q`` quantile of every value of ``x`` (an even stride of at most 4M of them)."""
    flat = x.flatten()
    return torch.quantile(flat[::max(1, len(flat) // 4_000_000)], q).clamp_min(1e-6)


def _adam(module: nn.Module, lr: float, betas: tuple[float, float] = (0.9, 0.999)) -> torch.optim.Optimizer:
    return torch.optim.Adam(module.parameters(), lr=lr, betas=betas)


class Sound2ImageRecipe(Recipe[Sound2ImageConfig]):
    """Feature CNNs, then the multimodal layers, then GAN1 and GAN2 (pix2pix) side by side."""

    Config: ClassVar[type[RecipeConfig]] = Sound2ImageConfig
    model_type = Sound2ImagePipeline.model_type
    selection = None  # the last step is exported: no eval figure picks the checkpoint
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "test": {"tiny": True, "sound_width": 2, "image_width": 2, "feature_dim": 64, "image_size": 64,
                 "g_width": 2, "d_width": 2, "feature_steps": 3, "mm_steps": 3, "steps": 9,
                 "batch_size": 8, "checkpoint_every": 4, "eval_every": 0, "progress": False,
                 "log_every": 1, "threads": 1},
        # Measured on one thread of the 2-core machine: see docs/results/sound2image.md.
        "cpu-small": {"feature_steps": 800, "mm_steps": 600, "steps": 3400, "batch_size": 32,
                      "g2_width": 32, "g2_max_mult": 4, "d2_width": 32, "lambda_l1_gan2": 10.0,
                      "checkpoint_every": 400, "log_every": 20, "eval_every": 0, "threads": 1},
        # The paper's sizes: VGG fc6's 4096 as a 64x64 map upsampled to 128x128, pix2pix's widths.
        "paper": {"image_size": 128, "feature_dim": 4096, "sound_width": 64, "image_width": 64,
                  "g_width": 64, "g_max_mult": 8, "d_width": 64, "feature_steps": 20_000,
                  "mm_steps": 20_000, "steps": 240_000, "batch_size": 64, "checkpoint_every": 5000,
                  "log_every": 100, "eval_every": 0},
    }

    def __init__(self, config: Sound2ImageConfig) -> None:
        super().__init__(config)
        self._cache: dict[str, torch.Tensor] = {}
        self._cache_stage = ""

    # -- data and modules -----------------------------------------------------------
    def architecture(self) -> Sound2ImageArchitecture:
        c = self.config
        return Sound2ImageArchitecture(classes=c.classes, sound_width=c.sound_width,
                                       image_width=c.image_width, feature_dim=c.feature_dim,
                                       image_size=c.image_size, g_width=c.g_width, g_max_mult=c.g_max_mult,
                                       g2_width=c.g2_width, g2_max_mult=c.g2_max_mult)

    def data(self, split: str = "train") -> Any:
        from .data import load_objects

        part = load_objects(split, tiny=self.config.tiny, size=self.config.image_size)
        if part.num_classes != self.config.classes:
            from engine.errors import DataError

            raise DataError(f"the data sets have {part.num_classes} classes, the config "
                            f"{self.config.classes}: --set classes={part.num_classes}")
        return part

    def train_dataset(self) -> torch.utils.data.Dataset[Any]:
        return SoundIndex(self.data().sound_label)

    def build(self) -> dict[str, nn.Module]:
        arch = self.architecture()
        encoder, net = SoundEncoder(arch), Sound2ImageNet(arch)
        return {"sound_cnn": encoder.sound_cnn, "image_cnn": net.image_cnn, "mm": net.mm,
                "scales": net.scales, "gan1": net.gan1, "gan2": net.gan2,
                "d1": PatchGAN(2, self.config.d_width),
                "d2": PatchGAN(4, self.config.gan2_d_width)}

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        c = self.config
        betas = (c.beta1, c.beta2)
        return {"sound_cnn": _adam(modules["sound_cnn"], c.feature_lr),
                "image_cnn": _adam(modules["image_cnn"], c.feature_lr),
                "mm": _adam(modules["mm"], c.mm_lr),
                **{n: _adam(modules[n], c.lr, betas) for n in ("gan1", "gan2", "d1", "d2")}}

    # -- frozen features per stage ------------------------------------------------------
    @torch.no_grad()
    def _prepare(self, stage: str, modules: Mapping[str, nn.Module]) -> None:
        """Freeze what earlier stages trained and compute their features once (also after a resume)."""
        if self._cache_stage == stage:
            return
        from .data import pictures_to_tensor

        part = self.data()
        sound_cnn, image_cnn = _unwrap(modules["sound_cnn"]), _unwrap(modules["image_cnn"])
        scales = _unwrap(modules["scales"])
        sound_cnn.eval().requires_grad_(False)
        image_cnn.eval().requires_grad_(False)
        snd = torch.cat([sound_cnn.features(part.spec[i:i + 256]) for i in range(0, len(part.spec), 256)])
        fc6 = torch.cat([image_cnn.features(pictures_to_tensor(part.picture[i:i + 256]))
                         for i in range(0, len(part.picture), 256)])
        scales.image.copy_(_percentile(fc6, 0.99))
        scales.sound.copy_(_percentile(snd, 0.99))
        self._cache = {"sound": snd, "fc6": fc6}
        if stage == "gan":
            mm = _unwrap(modules["mm"])
            mm.eval().requires_grad_(False)
            pre = mm.pre(sound=snd / scales.sound)
            scales.pre.copy_(pre.std().clamp_min(1e-6))
            self._cache["pre"] = pre
            self._cache["target"] = scales.image_target(fc6)
        self._cache_stage = stage

    # -- one step -------------------------------------------------------------------------
    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        c = self.config
        if ctx.step < c.feature_steps:
            return self._feature_step(batch, ctx)
        if ctx.step < c.feature_steps + c.mm_steps:
            self._prepare("mm", ctx.modules)
            return self._mm_step(batch, ctx)
        self._prepare("gan", ctx.modules)
        return self._gan_step(batch, ctx)

    def _pictures(self, ctx: StepContext, n: int, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Indices of ``n`` training pictures: uniform, or one of each of ``labels``' classes."""
        part = self.data()
        u = ctx.rand(n).cpu()
        if labels is None:
            return uniform_index(u, len(part.picture))
        from .data import sample_same_class

        return sample_same_class(labels.cpu(), part.picture_label, u)

    def _feature_step(self, batch: Any, ctx: StepContext) -> dict[str, torch.Tensor]:
        from .data import pictures_to_tensor

        part = self.data()
        idx, label = batch["index"].cpu(), batch["label"]
        n = len(idx)
        spec = part.spec[idx].to(ctx.device)
        shift = int(ctx.rand(1)[0] * spec.shape[-1])
        spec = torch.roll(spec, shift, dims=-1)  # where in the second a sound starts says nothing
        spec = spec + torch.log(0.5 + ctx.rand(n))[:, None, None, None]  # a gain change: a log offset
        s_loss = F.cross_entropy(ctx.modules["sound_cnn"](spec), label)
        ctx.optimize("sound_cnn", s_loss)
        pick = self._pictures(ctx, n)
        x = pictures_to_tensor(part.picture[pick]).to(ctx.device)
        x = torch.where((ctx.rand(n) < 0.5)[:, None, None, None], x.flip(3), x)
        i_loss = F.cross_entropy(ctx.modules["image_cnn"](x), part.picture_label[pick].to(ctx.device))
        ctx.optimize("image_cnn", i_loss)
        return {"sound_ce": s_loss.detach(), "image_ce": i_loss.detach()}

    def _mm_step(self, batch: Any, ctx: StepContext) -> dict[str, torch.Tensor]:
        c = self.config
        scales = _unwrap(ctx.modules["scales"])
        idx, label = batch["index"].cpu(), batch["label"]
        pick = self._pictures(ctx, len(idx), label)
        sound = (self._cache["sound"][idx] / scales.sound).to(ctx.device)
        image = (self._cache["fc6"][pick] / scales.image).to(ctx.device)
        mm = ctx.modules["mm"]
        mm.train()
        losses = multimodal_losses(_unwrap(mm), image, sound, label,
                                   LossWeights(l1=c.loss_l1, hidden_ce=c.loss_hidden_ce, cls=c.loss_cls))
        ctx.optimize("mm", losses["total"])
        return {f"mm_{k}": v.detach() for k, v in losses.items()}

    def _gan_step(self, batch: Any, ctx: StepContext) -> dict[str, torch.Tensor]:
        from .data import pictures_to_tensor

        c = self.config
        part, size = self.data(), c.image_size
        scales = _unwrap(ctx.modules["scales"])
        idx, label = batch["index"].cpu(), batch["label"]
        n = len(idx)
        g1, g2, d1, d2 = (ctx.modules[k] for k in ("gan1", "gan2", "d1", "d2"))
        for m in (g1, g2, d1, d2):
            m.train()
        # GAN2: real image feature -> its picture.
        pick = self._pictures(ctx, n)
        cond2 = feature_to_map(self._cache["target"][pick], size).to(ctx.device)
        real2 = pictures_to_tensor(part.picture[pick]).to(ctx.device)
        fake2 = g2(cond2)
        d2_loss = pix2pix_d_loss(d2, cond2, real2, fake2)
        ctx.optimize("d2", d2_loss)
        lambda2 = c.gan2_lambda_l1
        g2_adv, g2_l1 = pix2pix_g_loss(d2, cond2, real2, fake2, lambda2)
        ctx.optimize("gan2", g2_adv + lambda2 * g2_l1)
        # GAN1: the sound's multimodal pre-activation -> the feature of a picture of its class.
        pick1 = self._pictures(ctx, n, label)
        cond1 = feature_to_map(self._cache["pre"][idx] / scales.pre, size).to(ctx.device)
        real1 = feature_to_map(self._cache["target"][pick1], size).to(ctx.device)
        fake1 = g1(cond1)
        d1_loss = pix2pix_d_loss(d1, cond1, real1, fake1)
        ctx.optimize("d1", c.gan1_d_weight * d1_loss)
        g1_adv, g1_l1 = pix2pix_g_loss(d1, cond1, real1, fake1, c.lambda_l1)
        ctx.optimize("gan1", g1_adv + c.lambda_l1 * g1_l1)
        return {"d1": d1_loss.detach(), "g1_adv": g1_adv.detach(), "g1_l1": g1_l1.detach(),
                "d2": d2_loss.detach(), "g2_adv": g2_adv.detach(), "g2_l1": g2_l1.detach()}

    # -- inference, evaluation, card ----------------------------------------------------------
    def pipeline(self, modules: Mapping[str, nn.Module]) -> Sound2ImagePipeline:
        arch = self.architecture()
        encoder, net = SoundEncoder(arch), Sound2ImageNet(arch)
        encoder.sound_cnn = _unwrap(modules["sound_cnn"])
        for name in ("image_cnn", "mm", "scales", "gan1", "gan2"):
            setattr(net, name, _unwrap(modules[name]))
        return Sound2ImagePipeline.make(arch, encoder=encoder, net=net)

    def evaluate(self, pipeline: Any, split: str) -> dict[str, float]:
        from .evaluation import evaluate_pipeline

        return evaluate_pipeline(pipeline, tiny=self.config.tiny, judge=self.config.judge or None,
                                 seed=self.config.seed)

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        from .cards import card_for

        return card_for(self.architecture(), dict(self.config.model_dump(mode="json")))
