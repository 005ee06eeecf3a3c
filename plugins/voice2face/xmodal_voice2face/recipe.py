"""Training recipe: the paper's Algorithm 1 on the engine's runtime.

Each step draws a batch of voices (cached embeddings of the frozen encoder)
and, independently, a batch of real faces of the training identities (as the
official loader does), then makes the paper's three updates in order:

1. D: trunk + d head ascend log F_d(f) + log(1 - F_d(F_g(v))), fakes detached;
2. C: trunk + c head ascend log F_c(f)[y_f] on real faces only;
3. G: F_g ascends log F_d(F_g(v)) + log F_c(F_g(v))[y_v] through the just-updated trunk.

Ours, off in ``paper``: with ``spare_voices`` > 0 each step also draws that many
voices of the ``voices`` identities assigned to no face (balanced by gender).
Their faces go to F_d as fakes like the others, and F_g ascends
log sum_{k of the voice's gender} F_c(F_g(v))[k]: the face should be *some*
training identity of the speaker's gender. The paper learns gender from 924
identities. We have 30, and only 2 of them are women, so without this a woman's
unseen voice mostly gets a man's face.

Also ours: ``diff_augment`` passes every face the critic sees, real or fake and
in all three updates, through :func:`engine.train.diff_augment`, so that F_d
cannot win by memorising the 300 training photos.

Also ours: with ``ema`` > 0 the exported generator is an exponential moving
average of F_g's weights (its batch-norm statistics copied from F_g), as
ProGAN and StyleGAN export theirs: the average of F_g's last few hundred
updates draws steadier faces than the last update alone. F_g itself trains
as before; the average never feeds back into training.

Adam 2e-4, betas (0.5, 0.999), one optimiser per update. As in the official
code: the voice embedding is L2-normalised with 0.05 N(0, 1) noise added and
normalised again, and real faces are mirrored with p = 0.5. Where it is
cheaper than the official step without changing the maths: the encoder runs
before training (frozen, cached), the fakes go through the trunk once per
update (the official code passes the real faces twice in its D/C step and the
fakes twice in its G step), and the G update computes no gradients for the
trunk's weights, which it does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

import numpy as np
import torch
import torch.nn.functional as F
from pydantic import Field
from torch import nn

from engine.card import CardInfo
from engine.train import (
    Recipe,
    RecipeConfig,
    StepContext,
    diff_augment,
    uniform_index,
)

from .assignment import load_assignment
from .networks import FaceCritic, Generator, normalise_voice
from .pipeline import Voice2FaceArchitecture, Voice2FaceNet, Voice2FacePipeline
from .voiceenc import ENCODER_DIMS, EncoderName

__all__ = ["Voice2FaceConfig", "Voice2FaceRecipe", "balanced_rows", "gan_step", "gender_loss",
           "make_optimizers"]


def balanced_rows(gender: np.ndarray) -> np.ndarray:
    """Row indices that repeat each gender's rows up to the larger gender's count (seed-free).

    With 2 women among 30 training identities, a uniform stream shows F_g and F_d a
    woman's voice or face once in 15 draws; repeating rows evens that without new data.
    """
    groups = [np.flatnonzero(gender == g) for g in sorted(set(gender.tolist()))]
    most = max(len(g) for g in groups)
    return np.concatenate([np.resize(g, most) for g in groups])


class Voice2FaceConfig(RecipeConfig):
    """voice2face: the fields besides the loop's own (see ``engine.train.RecipeConfig``)."""

    encoder: EncoderName = Field(default="resemblyzer", description="frozen voice encoder F_e")
    g_width: int = Field(default=16, ge=1, description="generator width (paper 64: 1024 ... 64 channels)")
    d_width: int = Field(default=8, ge=1, description="trunk width (paper 32: 32 ... 512 channels)")
    channels: int = Field(default=1, ge=1, description="face channels (paper 3, RGB; Olivetti is grey)")
    dcgan: bool = Field(default=True, description="batch norm + tanh in F_g (False: the official code's)")
    resize: bool = Field(default=False, description="F_g: upsample + 3x3 conv instead of deconv (ours)")
    balance_gender: bool = Field(default=False, description="half of every batch's voices and real "
                                 "faces are women's (ours: 2 of the 30 training identities are)")
    lr: float = Field(default=2e-4, gt=0.0, description="Adam learning rate (paper: 2e-4)")
    beta1: float = Field(default=0.5, ge=0.0, lt=1.0, description="Adam beta1 (paper: 0.5)")
    beta2: float = Field(default=0.999, ge=0.0, lt=1.0, description="Adam beta2 (paper: 0.999)")
    diff_augment: bool = Field(default=False, description="colour, shift and cutout on every "
                               "face the critic sees, real or fake (ours; Zhao et al. 2020)")
    spare_voices: int = Field(default=0, ge=0, description="voices of no face's speaker per "
                              "batch, trained on their gender only (ours; 0: off, the paper)")
    voice_noise: float = Field(default=0.05, ge=0.0, description="noise on the unit voice (official)")
    flip: bool = Field(default=True, description="mirror real faces with p = 0.5 (official code)")
    source: Literal["voices", "synth"] = Field(default=
        "voices", description="voices: the built `voices` data set; synth: a few utterances "
        "synthesised on the spot (tests on a machine without the data set)")


def make_optimizers(generator: nn.Module, critic: FaceCritic, lr: float,
                    betas: tuple[float, float]) -> dict[str, torch.optim.Optimizer]:
    """One Adam per update of Algorithm 1: "disc" (trunk + d), "cls" (trunk + c), "gen" (F_g).

    Fused Adam (one kernel over all of an optimiser's tensors) is the same update as
    the per-tensor loop, about 7x faster on a CPU for the generator's 12M weights.
    """
    trunk = list(critic.trunk.parameters())

    def adam(params: list[nn.Parameter]) -> torch.optim.Optimizer:
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)

    return {"disc": adam(trunk + list(critic.d.parameters())),
            "cls": adam(trunk + list(critic.c.parameters())),
            "gen": adam(list(generator.parameters()))}


def gender_loss(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """-log of the classifier's probability mass on the ``allowed`` classes (a [B, k] mask)."""
    logits = logits.float()
    inside = torch.logsumexp(logits.masked_fill(~allowed, float("-inf")), dim=1)
    return (torch.logsumexp(logits, dim=1) - inside).mean()


def gan_step(generator: nn.Module, critic: nn.Module, optimize: Any, voice: torch.Tensor,
             label: torch.Tensor, real: torch.Tensor, real_label: torch.Tensor,
             noise: torch.Tensor | None, noise_scale: float = 0.05,
             spare: tuple[torch.Tensor, torch.Tensor] | None = None,
             augment: Callable[[torch.Tensor], torch.Tensor] | None = None,
             ) -> dict[str, torch.Tensor]:
    """Algorithm 1's three updates on one batch; ``optimize(name, loss)`` steps "disc", "cls", "gen".

    Shared by the recipe and the benchmark, so the benchmark times exactly what trains.
    ``voice`` is the frozen encoder's output (computed without gradients). ``spare``:
    (embeddings of voices with no face, their allowed-class mask ``[m, k]``), appended to
    the voices (``noise`` then covers both) and trained with :func:`gender_loss`.
    ``augment``: applied to every batch of faces before the critic sees it.
    """
    seen = augment if augment is not None else (lambda x: x)
    n = len(voice)
    m = 0 if spare is None else len(spare[0])
    voices = voice if spare is None else torch.cat([voice, spare[0]])
    fake = generator(normalise_voice(voices, noise, noise_scale), normalised=True)
    ones = torch.ones(n + m, device=voice.device)
    d, _ = critic(seen(torch.cat([real, fake.detach()])))
    d_loss = (F.binary_cross_entropy_with_logits(d[:n].float(), ones[:n])
              + F.binary_cross_entropy_with_logits(d[n:].float(), torch.zeros_like(ones)))
    optimize("disc", d_loss)
    _, c = critic(seen(real))
    c_loss = F.cross_entropy(c.float(), real_label)
    optimize("cls", c_loss)
    critic.requires_grad_(False)  # G's update changes only F_g: skip the trunk's weight gradients
    try:
        d_fake, c_fake = critic(seen(fake))
        g_gan = F.binary_cross_entropy_with_logits(d_fake.float(), ones)
        g_id = F.cross_entropy(c_fake[:n].float(), label)
        g_gender = gender_loss(c_fake[n:], spare[1]) if spare is not None else None
        optimize("gen", g_gan + g_id + (g_gender if g_gender is not None else 0.0))
    finally:
        critic.requires_grad_(True)
    out = {"d_loss": d_loss.detach(), "c_loss": c_loss.detach(), "g_gan": g_gan.detach(),
           "g_id": g_id.detach(), "d_real": torch.sigmoid(d[:n]).mean().detach(),
           "d_fake": torch.sigmoid(d[n:]).mean().detach()}
    if g_gender is not None:
        out["g_gender"] = g_gender.detach()
    return out


class Voice2FaceRecipe(Recipe[Voice2FaceConfig]):
    """Wen, Singh & Raj (2019): F_e frozen, F_g against F_d and F_c sharing one trunk."""

    Config: ClassVar[type[RecipeConfig]] = Voice2FaceConfig
    model_type = Voice2FacePipeline.model_type
    selection = None  # the last step is exported: no test identity may pick the checkpoint
    averaged = "generator"  # with ema > 0 the loop exports F_g's moving average
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "test": {"g_width": 2, "d_width": 2, "steps": 4, "batch_size": 8, "checkpoint_every": 2,
                 "eval_every": 0, "progress": False, "source": "synth", "log_every": 1,
                 "spare_voices": 4, "diff_augment": True, "ema": 0.5},
        # About 35 minutes on the 2 cores (0.23 s a step): docs/results/voice2face.md.
        "cpu-small": {"g_width": 16, "d_width": 16, "steps": 8000, "batch_size": 32,
                      "resize": True, "balance_gender": True, "spare_voices": 16,
                      "diff_augment": True, "ema": 0.999,
                      "checkpoint_every": 400, "log_every": 20, "eval_every": 0, "threads": 2},
        # The paper's sizes: batch 128, 100K iterations (the official code runs 50K), RGB,
        # the official generator; a GPU run.
        "paper": {"g_width": 64, "d_width": 32, "channels": 3, "dcgan": False, "steps": 100_000,
                  "batch_size": 128, "checkpoint_every": 5000, "log_every": 100, "eval_every": 0},
    }

    def __init__(self, config: Voice2FaceConfig) -> None:
        super().__init__(config)
        self._faces: tuple[torch.Tensor, torch.Tensor] | None = None
        self._face_pools: list[torch.Tensor] | None = None
        self._spare: tuple[torch.Tensor, torch.Tensor] | None = None

    @staticmethod
    def _class_female() -> torch.Tensor:
        """Whether each of F_c's classes (the training identities, in order) is a woman."""
        return torch.tensor([f.gender == "female" for f in load_assignment().split("train")])

    # -- data and modules -----------------------------------------------------------
    def architecture(self) -> Voice2FaceArchitecture:
        c = self.config
        return Voice2FaceArchitecture(encoder=c.encoder, g_width=c.g_width, d_width=c.d_width,
                                      channels=c.channels, dcgan=c.dcgan, resize=c.resize,
                                      classes=load_assignment().num_train)

    def tables(self) -> Any:
        """The embedded probes this run trains and evaluates on."""
        from .synthprobes import table_for

        return table_for(self.config.source, self.config.encoder, self.config.seed)

    def train_dataset(self) -> torch.utils.data.Dataset[Any]:
        from .data import VoiceTrainSet

        emb, face = self.tables().select("train")
        assignment = load_assignment()
        labels = assignment.train_index()
        rows = np.arange(len(face))
        if self.config.balance_gender:
            gender = assignment.genders()
            rows = balanced_rows(np.array([gender[int(f)] for f in face]))
        return VoiceTrainSet(emb[rows], np.array([labels[int(f)] for f in face[rows]]))

    def train_faces(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Real faces of the training identities and their classifier labels."""
        if self._faces is None:
            from .data import face_tensors

            faces, ident = face_tensors(self.config.channels)
            labels = load_assignment().train_index()
            keep = torch.tensor([int(i) in labels for i in ident])
            self._faces = (faces[keep], torch.tensor([labels[int(i)] for i in ident[keep]]))
        return self._faces

    def build(self) -> dict[str, nn.Module]:
        arch = self.architecture()
        return {"generator": Generator(ENCODER_DIMS[arch.encoder], arch.g_width, arch.channels,
                                       arch.dcgan, arch.resize),
                "critic": FaceCritic(arch.classes, arch.d_width, arch.channels)}

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        c = self.config
        critic = modules["critic"]
        assert isinstance(critic, FaceCritic)
        return make_optimizers(modules["generator"], critic, c.lr, (c.beta1, c.beta2))

    def _pick_faces(self, side: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        """Real-face indices, a woman's where ``side`` < 0.5 and a man's otherwise, ``u`` within."""
        if self._face_pools is None:  # once per run, not once per step
            _, labels = self.train_faces()
            female = self._class_female()[labels]
            self._face_pools = [female.nonzero()[:, 0], (~female).nonzero()[:, 0]]
        out = torch.empty(len(u), dtype=torch.long)
        for g, pool in enumerate(self._face_pools):
            rows = (side.cpu() < 0.5) if g == 0 else (side.cpu() >= 0.5)
            out[rows] = pool[uniform_index(u.cpu()[rows], len(pool))]
        return out

    def spare_pool(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Spare voices, gender-balanced rows, and each row's allowed classes ``[M, k]``."""
        if self._spare is None:
            emb, female = self.tables().spare()
            rows = balanced_rows(female)
            allowed = self._class_female()[None, :] == torch.from_numpy(female[rows])[:, None]
            self._spare = (torch.from_numpy(np.ascontiguousarray(emb[rows], dtype=np.float32)),
                           allowed)
        return self._spare

    def _draw_spare(self, ctx: StepContext) -> tuple[torch.Tensor, torch.Tensor] | None:
        m = self.config.spare_voices
        if m == 0:
            return None
        emb, allowed = self.spare_pool()
        pick = ctx.randindex(m, len(emb))
        return emb[pick].to(ctx.device), allowed[pick].to(ctx.device)

    # -- one step -------------------------------------------------------------------------
    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        voice, label = batch["voice"], batch["label"]
        n = len(voice)
        faces, face_labels = self.train_faces()
        pick = self._pick_faces(ctx.rand(n), ctx.rand(n)) if self.config.balance_gender else \
            ctx.randindex(n, len(faces))
        real, real_label = faces[pick].to(ctx.device), face_labels[pick].to(ctx.device)
        if self.config.flip:
            mirror = (ctx.rand(n) < 0.5)[:, None, None, None]
            real = torch.where(mirror, real.flip(3), real)
        spare = self._draw_spare(ctx)
        m = 0 if spare is None else len(spare[0])
        noise = ctx.randn(n + m, voice.shape[1]) if self.config.voice_noise > 0 else None
        augment = (lambda x: diff_augment(x, ctx.rand)) if self.config.diff_augment else None
        return gan_step(ctx.modules["generator"], ctx.modules["critic"], ctx.optimize, voice,
                        label, real, real_label, noise, self.config.voice_noise, spare, augment)

    # -- inference, evaluation, card ----------------------------------------------------------
    def pipeline(self, modules: Mapping[str, nn.Module]) -> Voice2FacePipeline:
        arch = self.architecture()
        net = Voice2FaceNet(arch)
        generator, critic = modules["generator"], modules["critic"]
        assert isinstance(generator, Generator) and isinstance(critic, FaceCritic)
        net.generator, net.critic = generator, critic
        return Voice2FacePipeline.make(arch, net=net)

    def evaluate(self, pipeline: Any, split: str) -> dict[str, float]:
        from .evaluation import evaluate_pipeline

        return evaluate_pipeline(pipeline, self.tables())

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        from .cards import card_for

        return card_for(self.architecture(), dict(self.config.model_dump(mode="json")))
