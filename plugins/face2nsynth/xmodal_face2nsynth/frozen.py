"""The frozen audio networks, trained once on gm-notes and bundled: phi, pitch and family classifiers.

They are the method's measuring instruments, not its model: phi defines the
space the distance loss and the auxiliary discriminator work in, and the two
classifiers define FID and IS (the paper trains its own on NSynth, since no
Inception network exists for notes). They are therefore trained separately
(``python -m xmodal_face2nsynth.frozen --out DIR``, about 25 minutes on one CPU
core), shipped inside the plugin (``weights/audio-nets``) and shared by every
face2nsynth model, so numbers of different models are comparable.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from engine.errors import CheckpointError

from .audio import NUM_FAMILIES, NUM_PITCHES
from .audionets import NoteNet, NoteNetSpec
from .data import NoteSet, load_notes
from .losses import triplet_loss
from .phi import PSI_DIM, AudioMetric

__all__ = ["AudioNets", "load_audio_nets", "main", "train_audio_nets"]

_WEIGHTS = "audio-nets.safetensors"
_META = "audio-nets.json"


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
    """Untrained narrow nets (unit tests)."""
    specs = _specs(width, width)
    return AudioNets(AudioMetric(specs["psi"]), _frozen(NoteNet(specs["pitch"])),
                     _frozen(NoteNet(specs["family"])), {"trained": False})


@functools.cache
def _load_cached(folder: str) -> AudioNets:
    path = Path(folder)
    try:
        meta = json.loads((path / _META).read_text(encoding="utf-8"))
        state = load_file(str(path / _WEIGHTS))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: no usable face2nsynth audio networks ({exc})") from exc
    specs = {k: NoteNetSpec.model_validate(v) for k, v in meta["specs"].items()}
    nets = AudioNets(AudioMetric(specs["psi"]), NoteNet(specs["pitch"]), NoteNet(specs["family"]),
                     meta)
    for name, module in (("phi", nets.phi), ("pitch", nets.pitch), ("family", nets.family)):
        part = {k[len(name) + 1:]: v for k, v in state.items() if k.startswith(name + ".")}
        module.load_state_dict(part, strict=True)
        _frozen(module)
    return nets


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
        "command": f"python -m xmodal_face2nsynth.frozen --out {out} --psi-steps {steps['psi']} "
                   f"--family-steps {steps['family']} --pitch-steps {steps['pitch']} --batch {batch} "
                   f"--width {width} --psi-width {psi_width}" + (" --tiny" if tiny else ""),
        "trained": True,
    }
    state = {f"phi.{k}": v for k, v in phi.state_dict().items()}
    for name in ("pitch", "family"):
        state.update({f"{name}.{k}": v for k, v in nets[name].state_dict().items()})
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in state.items()}, str(out / _WEIGHTS))
    (out / _META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    for name, default in DEFAULT_STEPS.items():
        parser.add_argument(f"--{name}-steps", type=int, default=default)
    parser.add_argument("--batch", type=int, default=96)
    parser.add_argument("--width", type=int, default=16, help="classifier width")
    parser.add_argument("--psi-width", type=int, default=8, help="width of phi's triplet network")
    parser.add_argument("--tiny", action="store_true", help="gm-notes tiny variant (smoke test)")
    args = parser.parse_args(argv)
    steps = {name: getattr(args, f"{name}_steps") for name in DEFAULT_STEPS}
    meta = train_audio_nets(args.out, steps=steps, batch=args.batch, width=args.width,
                            psi_width=args.psi_width, tiny=args.tiny)
    print(json.dumps(meta["metrics"], indent=2))


if __name__ == "__main__":
    main()
