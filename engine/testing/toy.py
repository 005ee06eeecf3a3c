"""``toy-gan``: a small conditional GAN on synthetic data, the engine's demo recipe.

Task (image -> audio, like face2nsynth): a 16x16 grating whose stripe frequency
encodes one of eight pitch classes becomes a 1024-sample tone at that pitch
(8 kHz). The generator is WaveGAN-shaped (1-D transposed convolutions, kernel
25, stride 4), the critic is a spectral-normalised 1-D CNN with a projection on
the image, trained with hinge losses, several critic steps per generator step
and an L1 log-band spectral term. It is small enough for unit tests, representative
enough for the throughput benchmark, and shows every part of the recipe API.

It lives in :mod:`engine.testing` (not :mod:`engine.train`) because it is a fixture of the
test-suite and the benchmarks, not part of the training runtime; it is still registered as
``toy-gan`` (see :mod:`engine.train.builtin`) so ``xmodal train toy-gan`` keeps working.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from pydantic import BaseModel, Field
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm
from torch.utils.data import Dataset

from ..assemble import assemble_pipeline
from ..card import CardInfo
from ..decoders import WaveformDecoder
from ..encoders import ImagePixels
from ..interfaces import Translator
from ..pipeline import Pipeline, PipelineConfig
from ..train.config import RecipeConfig
from ..train.context import StepContext
from ..train.recipe import Recipe, Selection

__all__ = [
    "ToneCritic",
    "ToneDataset",
    "ToneGenerator",
    "ToyArchitecture",
    "ToyGanConfig",
    "ToyGanRecipe",
    "ToyPipeline",
]

MODEL_TYPE = "toy-gan"


class ToyArchitecture(BaseModel):
    """The exported pipeline's hyper-parameters (``config.json`` architecture)."""

    image_size: int = 16
    samples: int = 1024
    sample_rate: int = 8000
    width: int = 16
    noise_dim: int = 16
    classes: int = 8


def class_frequencies(classes: int) -> torch.Tensor:
    """Pitch of each class in Hz: three octaves up from 250 Hz, log-spaced."""
    return 250.0 * 2.0 ** (3.0 * torch.arange(classes, dtype=torch.float64) / max(classes - 1, 1))


class ToneDataset(Dataset[dict[str, torch.Tensor]]):
    """Synthetic (grating image, tone, class) triples, fixed by ``seed``."""

    def __init__(self, size: int, arch: ToyArchitecture, seed: int) -> None:
        gen = torch.Generator().manual_seed(seed)
        labels = torch.randint(arch.classes, (size,), generator=gen)
        rows = torch.arange(arch.image_size, dtype=torch.float64) / arch.image_size
        phase = torch.rand(size, 1, generator=gen, dtype=torch.float64) * 2 * math.pi
        stripes = (1.0 + 0.5 * labels.double()).unsqueeze(1)  # 1 to 4.5 cycles: below Nyquist
        profile = 0.5 + 0.4 * torch.sin(2 * math.pi * stripes * rows + phase)
        image = profile.unsqueeze(2).expand(size, arch.image_size, arch.image_size)
        image = image + 0.05 * torch.randn(image.shape, generator=gen, dtype=torch.float64)
        t = torch.arange(arch.samples, dtype=torch.float64) / arch.sample_rate
        freq = class_frequencies(arch.classes)[labels].unsqueeze(1)
        tone_phase = torch.rand(size, 1, generator=gen, dtype=torch.float64) * 2 * math.pi
        amp = 0.5 + 0.4 * torch.rand(size, 1, generator=gen, dtype=torch.float64)
        self.images = image.clamp(0, 1).float().unsqueeze(1)
        self.audio = (amp * torch.sin(2 * math.pi * freq * t + tone_phase)).float()
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int) -> dict[str, torch.Tensor]:
        return {"image": self.images[index], "audio": self.audio[index], "label": self.labels[index]}


class ToneGenerator(Translator):
    """Image features (+ noise) -> waveform, WaveGAN-style upsampling by 4 per layer."""

    def __init__(self, arch: ToyArchitecture) -> None:
        super().__init__()
        self.noise_dim = arch.noise_dim
        self.start = arch.samples // 64
        w = arch.width
        self.project = nn.Linear(arch.image_size**2 + arch.noise_dim, 4 * w * self.start)
        self.body = nn.Sequential(
            nn.ReLU(),
            nn.ConvTranspose1d(4 * w, 2 * w, 25, stride=4, padding=11, output_padding=1),
            nn.ReLU(),
            nn.ConvTranspose1d(2 * w, w, 25, stride=4, padding=11, output_padding=1),
            nn.ReLU(),
            nn.ConvTranspose1d(w, 1, 25, stride=4, padding=11, output_padding=1),
            nn.Tanh(),
        )

    def forward(
        self, features: torch.Tensor, noise: torch.Tensor | None = None, **condition: Any
    ) -> torch.Tensor:
        flat = features.flatten(1)
        if noise is None:  # inference: the noise mean, so a translation is deterministic
            noise = flat.new_zeros(flat.shape[0], self.noise_dim)
        h = self.project(torch.cat([flat, noise], dim=1))
        out: torch.Tensor = self.body(h.view(flat.shape[0], -1, self.start)).squeeze(1)
        return out


class ToneCritic(nn.Module):
    """Waveform + image features -> realness score (projection discriminator)."""

    def __init__(self, arch: ToyArchitecture) -> None:
        super().__init__()
        w = arch.width
        self.body = nn.Sequential(
            spectral_norm(nn.Conv1d(1, w, 25, stride=4, padding=12)),
            nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv1d(w, 2 * w, 25, stride=4, padding=12)),
            nn.LeakyReLU(0.2),
            spectral_norm(nn.Conv1d(2 * w, 4 * w, 25, stride=4, padding=12)),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
        )
        hidden = 4 * w * (arch.samples // 64)
        self.score = spectral_norm(nn.Linear(hidden, 1))
        self.embed = spectral_norm(nn.Linear(arch.image_size**2, hidden))

    def forward(self, audio: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        h = self.body(audio.unsqueeze(1))
        projection = (self.embed(features.flatten(1)) * h).sum(dim=1, keepdim=True)
        out: torch.Tensor = (self.score(h) + projection).squeeze(1)
        return out


class ToyPipeline(Pipeline):
    """Grating image -> tone: ImagePixels -> ToneGenerator -> waveform."""

    model_type: ClassVar[str] = MODEL_TYPE
    Architecture = ToyArchitecture

    @classmethod
    def build(cls, config: PipelineConfig) -> ToyPipeline:
        arch: ToyArchitecture = cls.architecture(config)
        return cls(
            config,
            ImagePixels(arch.image_size, "L"),
            ToneGenerator(arch),
            WaveformDecoder(arch.sample_rate),
        )


class ToyGanConfig(RecipeConfig):
    """toy-gan settings: the loop's fields plus the model's and the optimisers'."""

    architecture: ToyArchitecture = Field(default_factory=ToyArchitecture)
    train_size: int = Field(4096, ge=1)
    eval_size: int = Field(512, ge=2)
    lr_generator: float = 2e-4
    lr_critic: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.9)
    critic_steps: int = Field(2, ge=1, description="critic updates per generator update")
    spectral_weight: float = Field(5.0, ge=0, description="weight of the L1 log-band loss")
    adversarial_weight: float = Field(0.1, ge=0, description="weight of the generator's GAN loss")


def log_spectrum(audio: torch.Tensor) -> torch.Tensor:
    return torch.log1p(torch.fft.rfft(audio.float(), dim=-1).abs())


def log_bands(audio: torch.Tensor, bands: int = 64) -> torch.Tensor:
    """Log of the mean magnitude in equal-width frequency bands: a pitch-sensitive summary."""
    mag = torch.fft.rfft(audio.float(), dim=-1).abs()[:, :-1]
    return torch.log1p(mag.view(mag.shape[0], bands, -1).mean(dim=2))


class _PitchLogits(nn.Module):
    """A fixed 'classifier': log energy of each class's frequency bin."""

    def __init__(self, arch: ToyArchitecture) -> None:
        super().__init__()
        bins = (class_frequencies(arch.classes) * arch.samples / arch.sample_rate).round().long()
        self.bins: torch.Tensor
        self.register_buffer("bins", bins)

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        return log_spectrum(audio)[:, self.bins]


class _SpectrumFeatures(nn.Module):
    """A fixed feature network for the Fréchet distance: log spectrum pooled to 32 bands."""

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        spec = log_spectrum(audio)[:, :-1]
        return spec.view(spec.shape[0], 32, -1).mean(dim=2)


class ToyGanRecipe(Recipe[ToyGanConfig]):
    """Hinge-loss conditional GAN with ``critic_steps`` critic updates per generator update."""

    Config = ToyGanConfig
    model_type = MODEL_TYPE
    selection: ClassVar[Selection | None] = ("pitch_accuracy", "max")
    averaged: ClassVar[str | None] = "generator"  # what --set ema=... averages
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "test": {
            "architecture": {"width": 4, "noise_dim": 4}, "train_size": 64, "eval_size": 32,
            "batch_size": 8, "steps": 8, "eval_every": 4, "checkpoint_every": 4, "log_every": 1,
            "critic_steps": 2, "progress": False, "threads": 1,
        },
        "cpu-small": {
            "architecture": {"width": 16}, "train_size": 4096, "eval_size": 512,
            "batch_size": 64, "steps": 1500, "eval_every": 250, "checkpoint_every": 250,
        },
        "paper": {
            "architecture": {"width": 64, "noise_dim": 100}, "train_size": 16384, "eval_size": 2048,
            "batch_size": 64, "steps": 20000, "eval_every": 1000, "checkpoint_every": 1000,
            "critic_steps": 5,
        },
    }

    def train_dataset(self) -> Dataset[Any]:
        return ToneDataset(self.config.train_size, self.config.architecture, self.config.seed)

    def build(self) -> dict[str, nn.Module]:
        arch = self.config.architecture
        return {"generator": ToneGenerator(arch), "critic": ToneCritic(arch)}

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        c = self.config
        return {
            "generator": torch.optim.Adam(modules["generator"].parameters(), c.lr_generator, betas=c.betas),
            "critic": torch.optim.Adam(modules["critic"].parameters(), c.lr_critic, betas=c.betas),
        }

    def train_step(self, batch: Any, ctx: StepContext) -> dict[str, torch.Tensor]:
        generator, critic = ctx.modules["generator"], ctx.modules["critic"]
        noise_dim = self.config.architecture.noise_dim
        for i in range(self.config.critic_steps):
            if i:
                batch = ctx.next_batch()
            n = batch["image"].shape[0]
            with torch.no_grad():
                fake = generator(batch["image"], ctx.randn(n, noise_dim))
            scores = critic(torch.cat([batch["audio"], fake]), torch.cat([batch["image"]] * 2))
            real_score, fake_score = scores[:n], scores[n:]
            d_loss = F.relu(1 - real_score).mean() + F.relu(1 + fake_score).mean()
            ctx.optimize("critic", d_loss)
        n = batch["image"].shape[0]
        fake = generator(batch["image"], ctx.randn(n, noise_dim))
        adversarial = -critic(fake, batch["image"]).mean()
        spectral = F.l1_loss(log_bands(fake), log_bands(batch["audio"]))
        g_loss = self.config.adversarial_weight * adversarial + self.config.spectral_weight * spectral
        ctx.optimize("generator", g_loss)
        return {"d_loss": d_loss.detach(), "g_adv": adversarial.detach(), "g_spec": spectral.detach()}

    def pipeline(self, modules: Mapping[str, nn.Module]) -> Pipeline:
        return assemble_pipeline(
            ToyPipeline, MODEL_TYPE, "engine", architecture=self.config.architecture,
            trained={"translator": modules["generator"]},
        )

    def evaluate(self, pipeline: Pipeline, split: str) -> dict[str, float]:
        from ..metrics import ClassifierAccuracy, FrechetDistance

        arch = pipeline.architecture(pipeline.config)
        seeds = {"val": 1, "test": 2}
        data = ToneDataset(self.config.eval_size, arch, self.config.seed * 10 + seeds.get(split, 3))
        accuracy = ClassifierAccuracy(classifier=_PitchLogits(arch), top_k=(1, 3))
        frechet = FrechetDistance(feature=_SpectrumFeatures())
        with torch.no_grad():
            for start in range(0, len(data), 128):
                images = data.images[start : start + 128]
                fake = pipeline.forward(images)
                accuracy.update(fake, data.labels[start : start + 128])
                frechet.update(data.audio[start : start + 128], real=True)
                frechet.update(fake, real=False)
        acc = accuracy.compute()
        return {
            "pitch_accuracy": acc["top1"],
            "pitch_top3": acc["top3"],
            "spectral_fd": frechet.compute()["frechet_distance"],
        }

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        return CardInfo(
            summary="A demo conditional GAN: grating images become tones of the matching pitch.",
            stand_in_data="Synthetic: 16x16 gratings (8 stripe frequencies, 1 to 4.5 cycles) "
            "paired with 1024-sample tones at 8 kHz (250-2000 Hz), generated from the run's seed.",
            tags=["demo", "gan"],
        )
