"""Training recipe: the paper's GAN with its two additions as switches (the ablation of Table 1).

- baseline: ``--set metric=false --set aux=false`` (hinge GAN, pitch projection);
- +metric: ``--set aux=false`` (adds the distance-preservation loss, weight 10);
- +aux (the default, the bundled model): adds the auxiliary discriminator on phi.

Each generator step follows ``critic_steps`` (5) discriminator steps on fresh
batches. Faces and notes are unpaired; the generator translates each face at
the pitch of the real note it is batched with, so the pitch-projection
discriminator compares like with like.

The distance loss compares all pairs of the batch (``metric_pairs = "all"``,
the paper's reading: each face at the pitch it is batched with, standardised
with statistics of all real-note pairs). ``metric_pairs = "same-pitch"`` is a
variant: the generator's batch is cut into groups of ``pitch_group`` faces
sharing a pitch and only pairs within a group count, standardised with
statistics of equal-pitch real notes; it targets ``pc_same_pitch`` instead.

``generator`` picks the translator: ``harmonic`` (the default and the bundled
model; :mod:`.harmonic`, judged by the log-mel critic) or ``wavegan`` (the
paper's, judged by the waveform critic). ``warmup`` ramps the adversarial weight
from 0 to 1 over the first generator steps, so the distance loss and the
auxiliary critic shape the face-to-timbre map before the critic pulls every
face towards the typical note.

``note_encoder_steps`` (ours, on in ``cpu-small``) adds the control critic: a note
autoencoder whose decoder is the harmonic synth (:mod:`.note_encoder`, trained once and
cached) gives every real note a control vector, and a projection critic compares the
face's controls with real notes' at the same pitch. ``pitch_offsets`` lets the pitch add
one face-independent control vector per pitch. ``metric_loss = "correlation"`` replaces
the paper's standardised L1 by 1 - Pearson r over the batch's pairs (tried, not bundled).

``face_mix`` mixes each training face with another one (in-between people);
``face_noise`` feeds the generator (and the distance loss) training faces moved
by a random vector of about that norm and put back on the unit sphere. With 25
training people the timbre network otherwise learns distances between *those*
people only (measured: PC 0.80 on training faces, 0.31 on held-out ones); the
noisy copies stand for people it has not seen (the between-person distance of
the embeddings is about 0.52, the within-person one 0.22).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import numpy as np
import torch
from pydantic import Field
from torch import nn

from engine import Pipeline
from engine.card import CardInfo
from engine.errors import XmodalError
from engine.train import Recipe, RecipeConfig, StepContext

from .audio import NUM_PITCHES
from .cards import card_for
from .data import SPLITS, FaceSet, NoteSet, TrainPairs, load_faces, load_notes
from .discriminator import AuxDiscriminator, MelDiscriminator, NoteDiscriminator
from .evaluation import Evaluator
from .frozen import AudioNets, load_audio_nets, random_audio_nets
from .generator import NoteGenerator
from .harmonic import HarmonicGenerator
from .losses import (
    DistanceStats,
    distance_correlation_loss,
    distance_preservation_loss,
    hinge_d_loss,
    hinge_g_loss,
)
from .note_encoder import NoteEncoder, fit_note_encoder
from .phi import PHI_DIM
from .pipeline import Face2NSynthPipeline, make_generator

__all__ = ["Face2NSynthConfig", "Face2NSynthRecipe"]


class Face2NSynthConfig(RecipeConfig):
    """The recipe's settings; ``metric`` and ``aux`` select the ablation row."""

    generator: Literal["harmonic", "wavegan"] = Field(
        "harmonic", description="translator: harmonic-plus-noise synth or the paper's WaveGAN")
    critic: Literal["auto", "wave", "mel"] = Field(
        "auto", description="critic: waveform (WaveGAN's) or log-mel; auto = mel for harmonic")
    warmup: int = Field(0, ge=0, description="generator steps over which the adversarial weight rises to 1")
    face_noise: float = Field(
        0.0, ge=0, description="expected norm of Gaussian noise added to training faces (then renormalised)")
    face_mix: float = Field(
        0.0, ge=0, le=1, description="training faces mixed with another face by a weight drawn from "
        "[0, face_mix] (then renormalised): in-between people")
    width: int = Field(8, ge=1, description="generator width d (paper: 64)")
    disc_width: int | None = Field(None, ge=1, description="discriminator width (default: width)")
    metric: bool = Field(True, description="distance-preservation loss on phi")
    aux: bool = Field(True, description="auxiliary discriminator on phi")
    metric_weight: float = Field(10.0, ge=0)
    aux_weight: float = Field(1.0, ge=0)
    note_encoder_steps: int = Field(
        0, ge=0, description="steps of the note autoencoder (trained once, cached) behind the control "
        "critic; 0 = no control critic (harmonic generator only)")
    control_weight: float = Field(1.0, ge=0, description="weight of the control critic's term")
    pitch_offsets: bool = Field(
        False, description="harmonic: add a learnt, face-independent control vector per pitch")
    metric_pairs: Literal["all", "same-pitch"] = "all"
    metric_loss: Literal["distance", "correlation"] = Field(
        "distance", description="distance: the paper's standardised L1; correlation: 1 - Pearson r (ours)")
    pitch_group: int = Field(8, ge=2, description="faces sharing a pitch in a generator batch")
    critic_steps: int = Field(5, ge=1, description="discriminator steps per generator step")
    lr: float = 2e-4
    critic_lr: float | None = Field(None, gt=0, description="critics' learning rate (default: lr)")
    beta1: float = 0.5
    beta2: float = 0.999
    phase_shuffle: int = Field(2, ge=0)
    augmentations: int = Field(7, ge=0, description="augmented copies of each training face")
    tiny_data: bool = Field(False, description="tiny variants of gm-notes and olivetti-dlib (tests)")
    audio_nets: str = Field("bundled", description="'bundled', 'random' (tests) or a folder")
    eval_pitches: int = Field(8, ge=1, description="common pitches PC and SV are averaged over")
    eval_copies: int = Field(10, ge=1, description="translations per face for FID / IS")
    eval_real: int = Field(2000, ge=8, description="real notes FID / IS compare with")


class Face2NSynthRecipe(Recipe[Face2NSynthConfig]):
    Config = Face2NSynthConfig
    model_type: ClassVar[str] = "face2nsynth"
    selection = None
    averaged = "generator"  # with ema > 0 the loop evaluates and exports its moving average
    presets: ClassVar[dict[str, dict[str, Any]]] = {
        "test": {
            "width": 2, "steps": 3, "batch_size": 8, "critic_steps": 2, "pitch_group": 4,
            "tiny_data": True, "audio_nets": "random", "eval_pitches": 2, "eval_copies": 2,
            "eval_real": 16, "eval_every": 0, "checkpoint_every": 0, "progress": False,
            "log_every": 1,
        },
        "cpu-small": {
            # The harmonic generator judged by the log-mel critic, the control critic and the
            # paper's auxiliary critic (+aux): about 3 minutes of note autoencoder (once, then
            # cached) and 6 of GAN on 2 threads.
            "generator": "harmonic", "width": 8, "steps": 2400, "batch_size": 32,
            "critic_steps": 1, "warmup": 200, "lr": 1e-3, "critic_lr": 2e-4, "face_noise": 0.3,
            "face_mix": 0.5, "note_encoder_steps": 1500, "pitch_offsets": True,
            "threads": 2, "eval_every": 600, "checkpoint_every": 300, "log_every": 25,
        },
        "cpu-small-wavegan": {
            # The paper's WaveGAN as first bundled: about 25 minutes on one core (5 critic steps).
            "generator": "wavegan", "width": 8, "steps": 800, "batch_size": 32, "eval_every": 400,
            "checkpoint_every": 200, "log_every": 10,
        },
        "paper": {
            "generator": "wavegan", "width": 64, "steps": 100_000, "batch_size": 64, "eval_every": 5000,
            "checkpoint_every": 5000, "log_every": 100,
        },
    }

    def __init__(self, config: Face2NSynthConfig) -> None:
        super().__init__(config)
        self._nets: AudioNets | None = None
        self._train_notes: NoteSet | None = None
        self._train_faces: FaceSet | None = None
        self._stats: tuple[DistanceStats, DistanceStats] | None = None
        self._evaluators: dict[str, Evaluator] = {}
        self._real_phi: _PerNote | None = None
        self._real_controls: _PerNote | None = None

    # -- data and frozen parts --------------------------------------------------------------
    @property
    def nets(self) -> AudioNets:
        if self._nets is None:
            source = self.config.audio_nets
            self._nets = (random_audio_nets() if source == "random"
                          else load_audio_nets(None if source == "bundled" else source))
            if source == "random":
                self._nets.phi.fit_scales(self.train_notes.tensor(self.train_notes.sample(256, 0)))
        return self._nets

    @property
    def train_notes(self) -> NoteSet:
        if self._train_notes is None:
            self._train_notes = load_notes("train", tiny=self.config.tiny_data)
        return self._train_notes

    @property
    def train_faces(self) -> FaceSet:
        if self._train_faces is None:
            self._train_faces = load_faces("train", self.config.augmentations, self.config.tiny_data)
        return self._train_faces

    def distance_stats(self) -> tuple[DistanceStats, DistanceStats]:
        """(face, phi) pairwise-distance statistics that standardise the distance loss."""
        if self._stats is None:
            faces = self.train_faces.tensor()
            order = torch.from_numpy(np.random.default_rng(1).permutation(len(faces)))
            # Standardise with the faces the loss will see: noisy faces are further apart
            # (measured: clean statistics made the notes 1.24x as spread as real ones).
            face_stats = DistanceStats.of(self._faces(faces[order], torch.Generator().manual_seed(3)))
            index = self.train_notes.sample(3000, 2)
            with torch.no_grad():
                phi = torch.cat([self.nets.phi(self.train_notes.tensor(index[s:s + 250]))
                                 for s in range(0, len(index), 250)])
            groups = torch.from_numpy(self.train_notes.pitch[index])
            same_pitch = self.config.metric_pairs == "same-pitch"
            self._stats = (face_stats, DistanceStats.of(phi, groups=groups if same_pitch else None))
        return self._stats

    def real_phi(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """phi of the batch's real notes (the auxiliary critic's real side), remembered by note."""
        if self._real_phi is None:
            self._real_phi = _PerNote(self.nets.phi, len(self.train_notes), PHI_DIM)
        return self._real_phi(batch)

    def real_controls(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """The note encoder's synth controls of the batch's real notes, remembered by note."""
        if self._real_controls is None:
            encoder = self.note_encoder()
            self._real_controls = _PerNote(encoder, len(self.train_notes), encoder.control_dim)
        return self._real_controls(batch)

    def note_encoder(self) -> NoteEncoder:
        """The frozen note encoder, trained on first use and cached per data and settings."""
        from engine.train import cached_stage

        c = self.config
        synth = HarmonicGenerator(c.width)
        key = [1, self.train_notes.version, c.tiny_data, c.note_encoder_steps, c.seed, synth.sizes]

        def make() -> NoteEncoder:
            with torch.random.fork_rng():
                torch.manual_seed(c.seed)
                return NoteEncoder(synth.control_dim)

        encoder, _ = cached_stage(
            "face2nsynth", "note-encoder", key, make,
            lambda net: fit_note_encoder(net, synth.render, self.train_notes, steps=c.note_encoder_steps,
                                         seed=c.seed, progress=c.progress))
        return encoder

    def train_dataset(self) -> TrainPairs:
        return TrainPairs(self.train_notes, self.train_faces)

    # -- modules -----------------------------------------------------------------------------
    def build(self) -> dict[str, nn.Module]:
        c = self.config
        generator = make_generator(c.generator, c.width, pitch_offsets=c.pitch_offsets)
        generator.pitch_distribution.copy_(self.train_notes.pitch_distribution(len(
            generator.pitch_distribution)))
        if isinstance(generator, HarmonicGenerator):
            generator.fit_faces(self.train_faces.tensor())
        critic = c.critic if c.critic != "auto" else ("mel" if c.generator == "harmonic" else "wave")
        width = c.disc_width or c.width
        modules: dict[str, nn.Module] = {
            "generator": generator,
            "discriminator": (MelDiscriminator(width) if critic == "mel"
                              else NoteDiscriminator(width, shuffle=c.phase_shuffle)),
        }
        if c.aux:
            modules["aux"] = AuxDiscriminator(PHI_DIM)
        if c.metric_loss == "correlation" and c.metric_pairs != "all":
            raise XmodalError("metric_loss=correlation compares all pairs of a batch: use metric_pairs=all")
        if c.note_encoder_steps:
            if not isinstance(generator, HarmonicGenerator):
                raise XmodalError("note_encoder_steps needs generator=harmonic (the synth is its decoder)")
            modules["control_critic"] = AuxDiscriminator(generator.control_dim, classes=NUM_PITCHES)
        return modules

    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        c = self.config
        return {name: torch.optim.Adam(
                    m.parameters(), lr=c.lr if name == "generator" else (c.critic_lr or c.lr),
                    betas=(c.beta1, c.beta2))
                for name, m in modules.items()}

    # -- one step ------------------------------------------------------------------------------
    def _generator_pitches(self, pitch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Pitches for the generator step and the groups the distance loss compares within."""
        c = self.config
        if not c.metric or c.metric_pairs == "all":
            return pitch, None
        groups = torch.arange(len(pitch), device=pitch.device) // c.pitch_group
        return pitch[groups * c.pitch_group], groups

    def _faces(self, face: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Training faces as the generator sees them (see ``face_mix`` and ``face_noise``)."""
        mix, scale = self.config.face_mix, self.config.face_noise
        if mix > 0:
            partner = face[torch.randperm(len(face), generator=generator).to(face.device)]
            weight = (torch.rand(len(face), 1, generator=generator) * mix).to(face.device)
            face = torch.nn.functional.normalize(face * (1 - weight) + partner * weight, dim=1)
        if scale <= 0:
            return face
        noise = torch.randn(face.shape, generator=generator).to(face.device)
        return torch.nn.functional.normalize(face + noise * (scale / face.shape[1] ** 0.5), dim=1)

    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        c = self.config
        G, D = ctx.modules["generator"], ctx.modules["discriminator"]
        A = ctx.modules.get("aux")
        C = ctx.modules.get("control_critic")
        phi = self.nets.phi.to(ctx.device)
        losses: dict[str, torch.Tensor] = {}
        for i in range(c.critic_steps):
            if i:
                batch = ctx.next_batch()
            real, pitch, face = batch["audio"], batch["pitch"], self._faces(batch["face"])
            with torch.no_grad():
                fake = G(face, pitch_index=pitch)
            d_loss = hinge_d_loss(D(real, pitch), D(fake, pitch))
            ctx.optimize("discriminator", d_loss)
            losses["d"] = d_loss.detach()
            if A is not None:
                with torch.no_grad():
                    phi_fake = phi(fake)
                a_loss = hinge_d_loss(A(self.real_phi(batch)), A(phi_fake))
                ctx.optimize("aux", a_loss)
                losses["d_aux"] = a_loss.detach()
            if C is not None:
                with torch.no_grad():
                    fake_controls = _harmonic(G).raw_controls(face, pitch)
                c_loss = hinge_d_loss(C(self.real_controls(batch), pitch), C(fake_controls, pitch))
                ctx.optimize("control_critic", c_loss)
                losses["d_control"] = c_loss.detach()
        face = self._faces(batch["face"])
        pitch, groups = self._generator_pitches(batch["pitch"])
        fake = G(face, pitch_index=pitch)
        g_adv = hinge_g_loss(D(fake, pitch))
        losses["g_adv"] = g_adv.detach()
        if C is not None:
            g_control = hinge_g_loss(C(_harmonic(G).raw_controls(face, pitch), pitch))
            losses["g_control"] = g_control.detach()
            g_adv = g_adv + c.control_weight * g_control
        g_loss = min(1.0, (ctx.step + 1) / c.warmup) * g_adv if c.warmup else g_adv
        if c.metric or A is not None:
            phi_fake = phi(fake)
        if c.metric:
            face_stats, phi_stats = self.distance_stats()
            m_loss = (distance_correlation_loss(face, phi_fake) if c.metric_loss == "correlation"
                      else distance_preservation_loss(face, phi_fake, face_stats, phi_stats, groups))
            g_loss = g_loss + c.metric_weight * m_loss
            losses["metric"] = m_loss.detach()
        if A is not None:
            g_aux = hinge_g_loss(A(phi_fake))
            g_loss = g_loss + c.aux_weight * g_aux
            losses["g_aux"] = g_aux.detach()
        ctx.optimize("generator", g_loss)
        losses["g"] = g_loss.detach()
        return losses

    # -- export and evaluation --------------------------------------------------------------------
    def pipeline(self, modules: Mapping[str, nn.Module]) -> Pipeline:
        generator = modules["generator"]
        assert isinstance(generator, NoteGenerator | HarmonicGenerator)
        return Face2NSynthPipeline.make(self.config.width, generator=generator)

    def evaluator(self, split: str) -> Evaluator:
        if split not in self._evaluators:
            c = self.config
            face_split, note_split = SPLITS[split]
            self._evaluators[split] = Evaluator(
                self.nets, load_faces(face_split, c.augmentations, c.tiny_data),
                load_notes(note_split, tiny=c.tiny_data), self.train_notes,
                pitch_distribution=self.train_notes.pitch_distribution(61),
                pitches=c.eval_pitches, copies=c.eval_copies, real_count=c.eval_real, seed=c.seed,
            )
        return self._evaluators[split]

    def evaluate(self, pipeline: Pipeline, split: str) -> dict[str, float]:
        generator = pipeline.translator
        assert isinstance(generator, NoteGenerator | HarmonicGenerator)
        return self.evaluator(split)(generator)

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        return card_for(self.config, metrics, self.nets.meta)


def _harmonic(module: nn.Module) -> HarmonicGenerator:
    """The generator as the harmonic synth (the only one with a control space)."""
    assert isinstance(module, HarmonicGenerator)
    return module


class _PerNote:
    """A frozen network's output on training notes, computed once per note index.

    The network is frozen, so a real note's features never change; the critics
    ask for them on every step, and remembering them saves that share of the
    step after the first epoch.
    """

    def __init__(self, net: nn.Module, count: int, dim: int) -> None:
        self.net = net
        self.values, self.known = torch.zeros(count, dim), torch.zeros(count, dtype=torch.bool)

    def __call__(self, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        index = batch["index"].cpu()
        todo = ~self.known[index]
        if bool(todo.any()):
            audio = batch["audio"]
            with torch.no_grad():
                self.values[index[todo]] = self.net.to(audio.device)(audio[todo.to(audio.device)]).cpu()
            self.known[index[todo]] = True
        return self.values[index].to(batch["audio"].device)
