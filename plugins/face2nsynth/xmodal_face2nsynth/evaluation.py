"""The paper's Table 1 metrics: PC, SV, and FID / IS from our own pitch and family classifiers.

Protocol (where the paper is silent, the choices are ours and stated here).
Every held-out face is translated ``copies`` times, each time at a pitch drawn
from the training notes' pitch distribution (what ``translate`` does when no
pitch is given); all metrics are computed per copy and averaged:

- **PC** (distance preservation): Pearson r between the pairwise distances of
  the faces' embeddings and the pairwise phi distances of their translations.
  ``pc_same_pitch`` is the same with all faces played at one common pitch
  (averaged over ``pitches`` pitches): a generator that is merely smooth in the
  face scores well there even without the distance loss, while the paper's
  baseline PC (0.09) matches the mixed-pitch reading.
- **SV**: each translation gets the family of the nearest real-note family
  centroid in phi; SV is the silhouette of the *faces* under those labels
  (do faces that became the same instrument look alike?).
- **FID / IS**: features (penultimate layer) and softmax of the frozen pitch
  and family classifiers on all translations, against real notes of the
  split. ``fid_*_ref`` is the FID of real training notes against the same real
  notes: the floor a perfect generator would reach, as in the paper.
- **fid_phi** (ours): the Fréchet distance in phi itself, the space the
  auxiliary discriminator compares real notes and translations in; it shows
  whether the aux term does its job even while the classifiers' FID cannot
  tell noise from noise.
- **pitch_accuracy**: share of translations whose asked pitch the pitch
  classifier hears (real test notes: about 0.90). **families_used**: how many
  of the 10 families a copy's translations are assigned to (averaged).
- **Face dependence at a fixed pitch** (the failure "every face plays the typical
  instrument of this register" that PC over mixed pitches hides): with all faces
  at one common pitch, ``fixed_pitch_families`` is the number of families their
  notes span and ``fixed_pitch_spread`` the mean pairwise phi distance of the
  translations over that of real test notes of that pitch; both averaged over
  the evaluation pitches, the worst pitch in ``*_min``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from engine.metrics import FrechetDistance, InceptionScore, PairwiseDistanceCorrelation
from engine.metrics.silhouette import silhouette_score

from .audio import NUM_FAMILIES
from .data import FaceSet, NoteSet
from .frozen import AudioNets

__all__ = ["Evaluator", "RealReference", "translate_waves"]


def translate_waves(generator: nn.Module, faces: torch.Tensor, pitch_index: torch.Tensor,
                    batch: int = 200) -> torch.Tensor:
    """Generator outputs ``[n, 1, 8192]`` for faces at given pitches, in eval mode, no gradients."""
    was_training = generator.training
    generator.eval()
    device = next(generator.parameters()).device
    with torch.no_grad():
        out = torch.cat([
            generator(faces[s:s + batch].to(device), pitch_index=pitch_index[s:s + batch].to(device))
            for s in range(0, len(faces), batch)
        ]).cpu()
    generator.train(was_training)
    return out


def _apply(net: torch.nn.Module, waves: torch.Tensor, what: str = "forward",
           batch: int = 250) -> torch.Tensor:
    fn = getattr(net, what)
    with torch.no_grad():
        return torch.cat([fn(waves[s:s + batch]) for s in range(0, len(waves), batch)])


@dataclass
class _Outputs:
    """What the classifiers and phi say about one set of notes."""

    pitch_features: torch.Tensor
    pitch_logits: torch.Tensor
    family_features: torch.Tensor
    family_logits: torch.Tensor

    @classmethod
    def of(cls, nets: AudioNets, waves: torch.Tensor) -> _Outputs:
        return cls(_apply(nets.pitch, waves, "features"), _apply(nets.pitch, waves),
                   _apply(nets.family, waves, "features"), _apply(nets.family, waves))


def _fid(real: torch.Tensor, fake: torch.Tensor) -> float:
    metric = FrechetDistance()
    metric.update(real.double(), real=True)
    metric.update(fake.double(), real=False)
    return metric.compute()["frechet_distance"]


def _inception(logits: torch.Tensor) -> float:
    metric = InceptionScore(splits=10)
    metric.update(logits)
    return metric.compute()["inception_score"]


@dataclass
class RealReference:
    """Real notes of one split (a fixed sample), with their phi centroids and classifier outputs."""

    outputs: _Outputs
    phi: torch.Tensor  # [n, 505]
    family: np.ndarray  # [n]
    centroids: torch.Tensor  # [10, 505] family centroids in phi
    reference: dict[str, float] = field(default_factory=dict)

    @classmethod
    def build(cls, nets: AudioNets, notes: NoteSet, train: NoteSet, count: int,
              seed: int) -> RealReference:
        index = notes.sample(count, seed)
        waves = notes.tensor(index)
        outputs = _Outputs.of(nets, waves)
        phi = _apply(nets.phi, waves)
        labels = torch.from_numpy(notes.family[index])
        centroids = torch.stack([
            phi[labels == k].mean(0) if bool((labels == k).any()) else torch.full_like(phi[0], 1e6)
            for k in range(NUM_FAMILIES)
        ])
        train_waves = train.tensor(train.sample(count // 2, seed + 7))
        train_outputs = _Outputs.of(nets, train_waves)
        reference = {
            "fid_phi_ref": _fid(phi, _apply(nets.phi, train_waves)),
            "fid_pitch_ref": _fid(outputs.pitch_features, train_outputs.pitch_features),
            "fid_family_ref": _fid(outputs.family_features, train_outputs.family_features),
            "is_pitch_ref": _inception(outputs.pitch_logits),
            "is_family_ref": _inception(outputs.family_logits),
        }
        return cls(outputs, phi, notes.family[index], centroids, reference)


class Evaluator:
    """Measures one generator on one split; real-note statistics are computed once and kept."""

    def __init__(self, nets: AudioNets, faces: FaceSet, notes: NoteSet, train_notes: NoteSet, *,
                 pitch_distribution: torch.Tensor, pitches: int = 8, copies: int = 10,
                 real_count: int = 2000, seed: int = 0) -> None:
        self.nets = nets
        self.faces = faces.tensor()
        self.face_set = faces
        rng = np.random.default_rng(seed)
        p = pitch_distribution.double().numpy()
        p = p / p.sum()
        self.grid_pitches = rng.choice(len(p), size=pitches, p=p)
        self.random_pitches = torch.from_numpy(rng.choice(len(p), size=(copies, len(self.faces)), p=p))
        self.real = RealReference.build(nets, notes, train_notes, real_count, seed)
        self.real_spread = [_mean_distance(_apply(nets.phi, notes.tensor(
            np.sort(rng.permutation(np.flatnonzero(notes.pitch == p))[:200]))))
            for p in self.grid_pitches.tolist()]

    def first_photos(self, people: int) -> list[int]:
        """Index of the first photo of each of the first ``people`` held-out people (for pictures)."""
        identity = self.face_set.identity
        return [int(np.flatnonzero(identity == person)[0]) for person in np.unique(identity)[:people]]

    def assign_families(self, phi: torch.Tensor) -> torch.Tensor:
        """Family of the nearest real family centroid in phi, per translation."""
        return torch.cdist(phi.double(), self.real.centroids.double()).argmin(1)

    def grid(self, generator: nn.Module) -> list[tuple[int, torch.Tensor, torch.Tensor]]:
        """(pitch index, waves, phi) of all faces at each common evaluation pitch."""
        out = []
        for p in self.grid_pitches.tolist():
            index = torch.full((len(self.faces),), int(p), dtype=torch.long)
            waves = translate_waves(generator, self.faces, index)
            out.append((int(p), waves, _apply(self.nets.phi, waves)))
        return out

    def translations(self, generator: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
        """Waves ``[copies * n, 1, 8192]`` and phi of every face at each copy's own pitches."""
        copies = self.random_pitches.shape[0]
        waves = translate_waves(generator, self.faces.repeat(copies, 1), self.random_pitches.reshape(-1))
        return waves, _apply(self.nets.phi, waves)

    def __call__(self, generator: nn.Module) -> dict[str, float]:
        n = len(self.faces)
        waves, phi = self.translations(generator)
        pcs, svs, used = [], [], []
        for c in range(self.random_pitches.shape[0]):
            part = phi[c * n:(c + 1) * n]
            pcs.append(_pearson(self.faces, part))
            labels = self.assign_families(part)
            used.append(len(torch.unique(labels)))
            svs.append(silhouette_score(self.faces, labels) if used[-1] >= 2 else 0.0)
        grid = self.grid(generator)
        same_pitch = [_pearson(self.faces, grid_phi) for _, _, grid_phi in grid]
        spans = [len(torch.unique(self.assign_families(grid_phi))) for _, _, grid_phi in grid]
        spreads = [_mean_distance(grid_phi) / real if real > 0 else 0.0
                   for (_, _, grid_phi), real in zip(grid, self.real_spread, strict=True)]
        fake = _Outputs.of(self.nets, waves)
        real = self.real.outputs
        asked = self.random_pitches.reshape(-1)
        heard = fake.pitch_logits.argmax(1)
        return {
            "pc": float(np.mean(pcs)),
            "sv": float(np.mean(svs)),
            "fid_pitch": _fid(real.pitch_features, fake.pitch_features),
            "is_pitch": _inception(fake.pitch_logits),
            "fid_family": _fid(real.family_features, fake.family_features),
            "is_family": _inception(fake.family_logits),
            "fid_phi": _fid(self.real.phi, phi),
            "pc_same_pitch": float(np.mean(same_pitch)),
            "families_used": float(np.mean(used)),
            "fixed_pitch_families": float(np.mean(spans)),
            "fixed_pitch_families_min": float(np.min(spans)),
            "fixed_pitch_spread": float(np.mean(spreads)),
            "fixed_pitch_spread_min": float(np.min(spreads)),
            "pitch_accuracy": float((heard == asked).float().mean()),
            "pitch_within_1": float(((heard - asked).abs() <= 1).float().mean()),
            "rms": float(waves.pow(2).mean().sqrt()),
            **self.real.reference,
        }


def _pearson(faces: torch.Tensor, phi: torch.Tensor) -> float:
    metric = PairwiseDistanceCorrelation()
    metric.update(faces, phi)
    return metric.compute()["pairwise_distance_pearson"]


def _mean_distance(phi: torch.Tensor) -> float:
    """Mean pairwise Euclidean distance (0 for fewer than two rows)."""
    return float(torch.pdist(phi.double()).mean()) if len(phi) > 1 else 0.0
