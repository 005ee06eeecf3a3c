"""One voice2face training step: the official code's against ours, at equal size.

The official code (cmu-mlsp/reconstructing_faces_from_voices, GPL-3.0) is
read from its snapshot (default ``../shared/peers/voice2face-official``) and
imported at run time: its ``network.py`` networks and its ``config.py`` widths,
learning rate and betas. Its training step lives in the body of the
``gan_train.py`` script, which cannot be imported, so this file performs the
same operations on those imported networks, in the same order: the voice
encoder in eval mode but with autograd on, unit-normalised embeddings plus
0.05 N(0, 1) noise normalised again, the generator; one D/C backward over
three trunk passes (real faces -> d, detached fakes -> d, real faces -> c);
then the G backward over two trunk passes (fakes -> d, fakes -> c), which
also fills (unused) gradients of e, f, d and c; Adam steps on f, d, c, then g.

Ours is :func:`xmodal_voice2face.recipe.gan_step`, the function the recipe
trains with, at the same widths (generator 1024 ... 64, trunk 32 ... 512,
voice CNN 256 ... 864, k classes), on the same batch (voices as log-mel
frames of the same length, faces, labels) with the same thread count. What
differs, and is why ours is cheaper:

- e runs under ``no_grad`` (it is frozen; the recipe goes further and caches
  its output, which this benchmark does *not* count in our favour);
- three separate updates (Algorithm 1: D, then C on real faces, then G) with
  one trunk pass over [real, fake] for D and one over real for C, against the
  official code's merged D/C update with three trunk passes;
- G's update passes the fakes through the trunk once for both heads (the
  official code passes them twice) and computes no gradients for the
  trunk's weights, which G's update does not change;
- fused Adam (the same update in one kernel per optimiser; the official
  code uses the default per-tensor loop);
- channels-last convolution weights (:mod:`xmodal_voice2face.networks`), so
  oneDNN skips its NCHW reorders; the same float32 arithmetic. The official
  networks run in PyTorch's default layout, as its code leaves them.

Steps are timed in alternating rounds (official, ours, official, ...) and the
median per-step time of each is kept, which is robust on a shared machine.
One JSON result: both step times, their ratio (ours / official; the bar is
<= 0.8) and the settings.

Usage: ``.venv/bin/python benchmarks/voice2face_step.py [--batch 32] [--frames 550]
[--threads 1] [--rounds 4] [--record]``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _output import add_output_options, write_result  # noqa: E402

DEFAULT_OFFICIAL = ROOT.parent / "shared" / "peers" / "voice2face-official"


def official_parts(folder: Path, classes: int) -> dict[str, Any]:
    """The official networks and optimisers, built from its own network.py and config.py."""
    sys.path.insert(0, str(folder))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import config  # type: ignore[import-not-found]
    params = config.NETWORKS_PARAMETERS
    params["c"]["output_channel"] = classes
    nets: dict[str, Any] = {}
    opts: dict[str, Any] = {}
    for name in ("e", "g", "f", "d", "c"):
        p = params[name]
        net = p["network"](p["input_channel"], p["channels"], p["output_channel"])
        nets[name] = net
        opts[name] = torch.optim.Adam(net.parameters(), lr=params["lr"],
                                      betas=(params["beta1"], params["beta2"]))
    nets["e"].eval()  # the official code loads e pretrained, in eval mode (no optimiser steps)
    return {"nets": nets, "opts": opts, "params": params}


def official_step(parts: dict[str, Any], voice: torch.Tensor, voice_label: torch.Tensor,
                  face: torch.Tensor, face_label: torch.Tensor, noise: torch.Tensor) -> None:
    """The operations of one iteration of the official gan_train.py loop (see the docstring)."""
    e, g, f, d, c = (parts["nets"][k] for k in "egfdc")
    opts = parts["opts"]
    n = len(voice)
    real_label, fake_label = torch.ones(n, 1), torch.zeros(n, 1)
    emb = F.normalize(e(voice))
    emb = F.normalize(emb + noise.view(n, -1, 1, 1))
    fake = g(emb)
    for k in "fdc":
        opts[k].zero_grad()
    real_score = d(f(face))
    fake_score = d(f(fake.detach()))
    real_class = c(f(face))
    loss = (F.binary_cross_entropy(torch.sigmoid(real_score), real_label)
            + F.binary_cross_entropy(torch.sigmoid(fake_score), fake_label)
            + F.nll_loss(F.log_softmax(real_class, 1), face_label))
    loss.backward()
    for k in "fdc":
        opts[k].step()
    opts["g"].zero_grad()
    fake_score = d(f(fake))
    fake_class = c(f(fake))
    loss = (F.binary_cross_entropy(torch.sigmoid(fake_score), real_label)
            + F.nll_loss(F.log_softmax(fake_class, 1), voice_label))
    loss.backward()
    opts["g"].step()


def our_parts(classes: int, lr: float, betas: tuple[float, float]) -> dict[str, Any]:
    from xmodal_voice2face.networks import FaceCritic, Generator
    from xmodal_voice2face.recipe import make_optimizers
    from xmodal_voice2face.voiceenc import VoiceEmbedNet

    e, g, critic = VoiceEmbedNet(64, 256).eval(), Generator(64, 64), FaceCritic(classes, 32)
    e.requires_grad_(False)
    return {"e": e, "g": g, "critic": critic, "opts": make_optimizers(g, critic, lr, betas)}


def our_step(parts: dict[str, Any], voice: torch.Tensor, voice_label: torch.Tensor,
             face: torch.Tensor, face_label: torch.Tensor, noise: torch.Tensor) -> None:
    from xmodal_voice2face.recipe import gan_step

    opts = parts["opts"]

    def optimize(name: str, loss: torch.Tensor) -> None:
        opts[name].zero_grad(set_to_none=True)
        loss.backward()
        opts[name].step()

    with torch.no_grad():
        emb = parts["e"](voice)
    gan_step(parts["g"], parts["critic"], optimize, emb, voice_label, face, face_label, noise)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--official", type=Path, default=DEFAULT_OFFICIAL)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--frames", type=int, default=550,
                        help="voice length in 10 ms frames (official: a random 300-800)")
    parser.add_argument("--classes", type=int, default=924, help="identities of C (paper: 924)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--steps", type=int, default=2, help="timed steps per round")
    parser.add_argument("--seed", type=int, default=0)
    add_output_options(parser, "voice2face_step")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    b = args.batch
    voice = torch.randn(b, 64, args.frames)
    face = torch.rand(b, 3, 64, 64) * 2 - 1
    voice_label = torch.randint(0, args.classes, (b,))
    face_label = torch.randint(0, args.classes, (b,))
    noise = 0.05 * torch.randn(b, 64)

    official = official_parts(args.official, args.classes)
    params = official["params"]
    ours = our_parts(args.classes, params["lr"], (params["beta1"], params["beta2"]))
    # Ours takes the unscaled noise and scales it by the same 0.05 itself.
    runs = {"official": lambda: official_step(official, voice, voice_label, face, face_label, noise),
            "ours": lambda: our_step(ours, voice, voice_label, face, face_label, noise / 0.05)}
    for fn in runs.values():
        fn()  # warm-up
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.rounds):
        for name, fn in runs.items():
            for _ in range(args.steps):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in times.items()}
    counts = {name: sum(p.numel() for p in net.parameters())
              for name, net in official["nets"].items()}
    ours_counts = {"e": sum(p.numel() for p in ours["e"].parameters()),
                   "g": sum(p.numel() for p in ours["g"].parameters()),
                   "f+d+c": sum(p.numel() for p in ours["critic"].parameters())}
    result = {
        "official_step_s": round(med["official"], 4),
        "ours_step_s": round(med["ours"], 4),
        "ratio": round(med["ours"] / med["official"], 4),
        "bar": 0.8,
        "official_steps_s": [round(t, 4) for t in times["official"]],
        "ours_steps_s": [round(t, 4) for t in times["ours"]],
        "batch": b, "frames": args.frames, "classes": args.classes, "threads": args.threads,
        "widths": {"e": params["e"]["channels"], "g": params["g"]["channels"],
                   "f": params["f"]["channels"]},
        "official_params": counts, "ours_params": ours_counts,
        "differences": ["e under no_grad (frozen)", "separate D, C and G updates "
                        "(Algorithm 1) with one trunk pass each", "G update: one trunk pass "
                        "for both heads, no trunk weight gradients", "fused Adam",
                        "channels-last convolution weights"],
        "torch": torch.__version__, "machine": platform.machine(),
    }
    write_result(args, result)


if __name__ == "__main__":
    main()
