"""The frozen audio networks, trained once on gm-notes and bundled: phi, pitch and family classifiers.

They are the method's measuring instruments, not its model: phi defines the
space the distance loss and the auxiliary discriminator work in, and the two
classifiers define FID and IS (the paper trains its own on NSynth, since no
Inception network exists for notes). They are therefore trained separately
(``xmodal face2nsynth audio-nets --out DIR``, about 13 minutes on one CPU
core), shipped inside the plugin (``weights/audio-nets``, stored with
:mod:`engine.frozen`: ``audio-nets.safetensors`` and ``audio-nets.json`` with
the specs, the measurements and the checksum) and shared by every face2nsynth
model, so numbers of different models are comparable.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from engine.frozen import SHA256_KEY, load_frozen, save_frozen

from .audio import NUM_FAMILIES, NUM_PITCHES
from .audionets import NoteNet, NoteNetSpec
from .data import NoteSet, load_notes
from .losses import triplet_loss
from .phi import PSI_DIM, AudioMetric

__all__ = [
    "AUDIO_NETS_NAME", "DEFAULT_STEPS", "AudioNets", "load_audio_nets", "random_audio_nets",
    "save_audio_nets", "train_audio_nets",
]

#: The file stem of the three networks inside their folder (``engine.frozen`` layout).
AUDIO_NETS_NAME = "audio-nets"


@dataclass
class AudioNets:
    """phi plus the two evaluation classifiers, all frozen, with what was measured on them."""

    phi: AudioMetric
    pitch: NoteNet
    family: NoteNet
    meta: dict[str, Any]

    def to(self, device: torch.device | str) -> AudioNets:
        for net in (self.phi, self.pitch, self.family):
            net.to(device)
        return self


def _specs(width: int, psi_width: int) -> dict[str, NoteNetSpec]:
    return {
        # psi runs inside every training step (twice, with gradients once): kept narrow.
        "psi": NoteNetSpec(outputs=PSI_DIM, width=psi_width, normalize=True),
        # Pitch needs finer low-frequency resolution than the metric's 80-mel front end.
        "pitch": NoteNetSpec(outputs=NUM_PITCHES, width=width, n_fft=2048, n_mels=128, f_min=30.0),
        "family": NoteNetSpec(outputs=NUM_FAMILIES, width=width),
    }


def _frozen(net: torch.nn.Module) -> Any:
    for p in net.parameters():
        p.requires_grad_(False)
    return net.eval()


def random_audio_nets(width: int = 4) -> AudioNets:
    """Untrained narrow nets (unit tests); their meta has the specs, so they save and load too."""
    specs = _specs(width, width)
    meta = {"specs": {k: v.model_dump() for k, v in specs.items()}, "trained": False}
    return AudioNets(AudioMetric(specs["psi"]), _frozen(NoteNet(specs["pitch"])),
                     _frozen(NoteNet(specs["family"])), meta)


def _modules(nets: AudioNets) -> nn.ModuleDict:
    """The three networks under the names their tensors are saved with (``phi.``, ``pitch.``...)."""
    return nn.ModuleDict({"phi": nets.phi, "pitch": nets.pitch, "family": nets.family})


def _build(meta: dict[str, Any]) -> nn.ModuleDict:
    specs = {k: NoteNetSpec.model_validate(v) for k, v in meta["specs"].items()}
    return nn.ModuleDict({"phi": AudioMetric(specs["psi"]), "pitch": NoteNet(specs["pitch"]),
                          "family": NoteNet(specs["family"])})


@functools.cache
def _load_cached(folder: str) -> AudioNets:
    modules, meta = load_frozen(folder, AUDIO_NETS_NAME, _build)
    phi, pitch, family = modules["phi"], modules["pitch"], modules["family"]
    assert isinstance(phi, AudioMetric) and isinstance(pitch, NoteNet) and isinstance(family, NoteNet)
    return AudioNets(phi, pitch, family, meta)


def save_audio_nets(nets: AudioNets, out: Path) -> Path:
    """``audio-nets.safetensors`` and ``audio-nets.json`` (``nets.meta`` plus the checksum) in ``out``."""
    meta = {k: v for k, v in nets.meta.items() if k != SHA256_KEY}
    return save_frozen(_modules(nets), out, AUDIO_NETS_NAME, config=meta)


def load_audio_nets(folder: str | Path | None = None) -> AudioNets:
    """The audio nets in ``folder`` (default: the ones bundled with the plugin); cached per process."""
    from . import AUDIO_NETS

    return _load_cached(str(Path(folder or AUDIO_NETS).resolve()))


# -- training ----------------------------------------------------------------------------------
def _balanced_batch(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """``per_class`` items of every label present: triplets need positives and negatives."""
    picks = [rng.choice(np.flatnonzero(labels == c), per_class) for c in np.unique(labels)]
    return np.sort(np.concatenate(picks))


def _accuracy(net: NoteNet, notes: NoteSet, labels: np.ndarray, index: np.ndarray) -> float:
    net.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(index), 256):
            idx = index[s:s + 256]
            correct += int((net(notes.tensor(idx)).argmax(1).numpy() == labels[idx]).sum())
    return correct / max(1, len(index))


def _knn_family(psi: NoteNet, train: NoteSet, test: NoteSet, seed: int) -> float:
    """1-nearest-neighbour family accuracy of psi: test notes against train notes."""
    a, b = train.sample(3000, seed), test.sample(1500, seed + 1)
    with torch.no_grad():
        ea = torch.cat([psi(train.tensor(a[s:s + 256])) for s in range(0, len(a), 256)])
        eb = torch.cat([psi(test.tensor(b[s:s + 256])) for s in range(0, len(b), 256)])
    nearest = torch.cdist(eb, ea).argmin(1).numpy()
    return float((train.family[a][nearest] == test.family[b]).mean())


def _fit(net: NoteNet, notes: NoteSet, labels: np.ndarray, steps: int, batch: int, seed: int,
         triplet: bool, log: Any) -> None:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
    net.train()
    classes = len(np.unique(labels))
    for step in range(steps):
        if triplet:
            idx = _balanced_batch(labels, max(2, batch // classes), rng)
        else:
            idx = np.sort(rng.choice(len(notes), batch, replace=False))
        x, y = notes.tensor(idx), torch.from_numpy(labels[idx])
        gain = torch.from_numpy(rng.uniform(0.5, 1.5, size=(len(idx), 1, 1))).float()
        out = net(x * gain)  # level changes are not a family or a pitch
        loss = triplet_loss(out, y, margin=1.0) if triplet else F.cross_entropy(out, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == steps - 1:
            log(f"step {step}: loss {loss.item():.4f}")
    net.eval()


#: Optimisation steps per network (batch 96): enough to converge on gm-notes; pitch is easiest.
DEFAULT_STEPS = {"psi": 1000, "family": 600, "pitch": 400}


def train_audio_nets(out: Path, *, steps: dict[str, int] | None = None, batch: int = 96,
                     width: int = 16, psi_width: int = 8, tiny: bool = False,
                     seed: int = 0) -> dict[str, Any]:
    """Train psi, the pitch and the family classifier on gm-notes train; write them to ``out``."""
    started = time.monotonic()
    steps = {**DEFAULT_STEPS, **(steps or {})}
    train, valid, test = (load_notes(s, tiny=tiny) for s in ("train", "valid", "test"))
    specs = _specs(width, psi_width)
    nets = {name: NoteNet(spec) for name, spec in specs.items()}
    report: dict[str, Any] = {}
    for name, labels, triplet in (("psi", train.family, True), ("family", train.family, False),
                                  ("pitch", train.pitch, False)):
        t0 = time.monotonic()
        _fit(nets[name], train, labels, steps[name], batch, seed, triplet,
             lambda msg, name=name: print(f"[{name}] {msg}", flush=True))
        report[f"{name}_train_seconds"] = round(time.monotonic() - t0, 1)
    phi = AudioMetric(specs["psi"])
    phi.psi.load_state_dict(nets["psi"].state_dict())
    phi.freeze()
    l1, l2 = phi.fit_scales(train.tensor(train.sample(4000, seed)))
    for split, notes in (("valid", valid), ("test", test)):
        index = notes.sample(3000, seed)
        report[f"pitch_accuracy_{split}"] = _accuracy(nets["pitch"], notes, notes.pitch, index)
        report[f"family_accuracy_{split}"] = _accuracy(nets["family"], notes, notes.family, index)
        report[f"psi_knn_family_{split}"] = _knn_family(nets["psi"], train, notes, seed)
    meta = {
        "specs": {k: v.model_dump() for k, v in specs.items()},
        "psi_scale": l1, "mfcc_scale": l2, "steps": steps, "batch": batch, "seed": seed,
        "tiny_data": tiny, "metrics": report, "seconds": round(time.monotonic() - started, 1),
        "command": f"xmodal face2nsynth audio-nets --out {out} --psi-steps {steps['psi']} "
                   f"--family-steps {steps['family']} --pitch-steps {steps['pitch']} --batch {batch} "
                   f"--width {width} --psi-width {psi_width}" + (" --tiny" if tiny else ""),
        "trained": True,
    }
    save_audio_nets(AudioNets(phi, _frozen(nets["pitch"]), _frozen(nets["family"]), meta), out)
    return meta
