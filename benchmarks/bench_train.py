"""Training-step throughput of a representative small GAN against this machine's matmul speed.

Runs the engine's ``toy-gan`` recipe (WaveGAN-shaped 1-D generator and
spectral-normalised critic, ``critic_steps`` critic updates per generator
update) through the same step plumbing ``xmodal train`` uses, counts the
FLOPs of one step with ``torch.utils.flop_counter.FlopCounterMode`` (forward
and backward of every convolution and matmul; optimiser arithmetic is not
counted), and times the steps. In the same run, with the same thread count,
it times large fp32 matrix products: the practical peak of this machine for
PyTorch. The two are timed in alternating rounds and the best round of each is
kept, which estimates the unloaded speed on a machine other jobs share. Prints
one JSON object (written to ``out/benchmarks/``, or with ``--record`` to ``benchmarks/results/``):

    train_gflops        achieved GFLOP/s of training (best round)
    matmul_gflops       GFLOP/s of a large square matmul (best round)
    ratio               train_gflops / matmul_gflops: the share of peak training reaches
    ratio_median_round  the median of the per-round ratios (a load-robust cross-check)

Usage: ``.venv/bin/python benchmarks/bench_train.py [--preset cpu-small] [--set key=value ...]``.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing

from _output import add_output_options, write_result  # noqa: E402  (benchmarks/ is on sys.path)
from _timing import calls_per_second  # noqa: E402

from engine.train.config import parse_overrides  # noqa: E402
from engine.train.context import StepContext  # noqa: E402
from engine.train.data import BatchStream  # noqa: E402
from engine.train.recipe import find_recipe  # noqa: E402


def matmul_rate(n: int) -> tuple[float, Any]:
    """FLOPs of one ``n x n`` fp32 product, and a function that runs one."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    return 2.0 * n**3, lambda: torch.mm(a, b)


def timed(fn: Any, min_seconds: float) -> float:
    """Calls per second of ``fn`` over at least ``min_seconds``."""
    return calls_per_second(fn, min_seconds)


def build(recipe_name: str, preset: str, overrides: dict[str, Any]) -> tuple[Any, Any]:
    """The recipe's config and a one-step function, with the loop's Accelerate wrapping."""
    from accelerate import Accelerator

    recipe_cls = find_recipe(recipe_name)
    config = recipe_cls.configure(preset, overrides)
    torch.manual_seed(config.seed)
    recipe = recipe_cls(config)
    modules = recipe.build()
    optimizers = recipe.optimizers(modules)
    accelerator = Accelerator(cpu=not torch.cuda.is_available(), mixed_precision=config.mixed_precision)
    prepared = accelerator.prepare(*modules.values(), *optimizers.values())
    wrapped = dict(zip([*modules, *(f"opt:{k}" for k in optimizers)], prepared, strict=True))
    stream = BatchStream(
        recipe.train_dataset(), batch_size=config.batch_size, rank=0, world=1, seed=config.seed,
        shuffle=True, num_workers=0, device=accelerator.device,
    )
    step_modules = {k: wrapped[k] for k in modules}
    step_optimizers = {k: wrapped[f"opt:{k}"] for k in optimizers}

    def step(i: int) -> Any:
        ctx = StepContext(step=i, seed=config.seed, modules=step_modules, optimizers=step_optimizers,
                          accelerator=accelerator, next_batch=lambda: next(stream))
        return recipe.train_step(next(stream), ctx)

    return config, step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipe", default="toy-gan")
    parser.add_argument("--preset", default="cpu-small")
    parser.add_argument("--set", dest="settings", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--rounds", type=int, default=6, help="alternating timing rounds")
    parser.add_argument("--round-seconds", type=float, default=2.0, help="training time per round")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--matmul-size", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    add_output_options(parser, "bench_train")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()

    config, step = build(args.recipe, args.preset, parse_overrides(args.settings))
    for i in range(args.warmup):
        step(i)
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter:
        step(args.warmup)
    flops_per_step = counter.get_total_flops()

    matmul_flops, matmul = matmul_rate(args.matmul_size)
    for _ in range(3):
        matmul()
    # Alternate short training and matmul chunks: on a shared machine the load moves
    # from second to second, and pairing the two keeps their ratio meaningful.
    counter_step = iter(range(args.warmup + 1, 10**9))
    train_rates, matmul_rates = [], []
    for _ in range(args.rounds):
        train_rates.append(timed(lambda: step(next(counter_step)), args.round_seconds))
        matmul_rates.append(timed(matmul, args.round_seconds / 2))
    ratios = sorted(
        t * flops_per_step / (m * matmul_flops)
        for t, m in zip(train_rates, matmul_rates, strict=True)
    )
    steps_per_s = max(train_rates)
    train_gflops = flops_per_step * steps_per_s / 1e9
    peak = max(matmul_rates) * matmul_flops / 1e9
    result = {
        "recipe": args.recipe,
        "preset": args.preset,
        "overrides": args.settings,
        "batch_size": config.batch_size,
        "critic_steps": getattr(config, "critic_steps", None),
        "mixed_precision": config.mixed_precision,
        "threads": threads,
        "gflop_per_step": round(flops_per_step / 1e9, 4),
        "steps_per_s": round(steps_per_s, 3),
        "samples_per_s": round(steps_per_s * config.batch_size, 1),
        "train_gflops": round(train_gflops, 2),
        "matmul_gflops": round(peak, 2),
        "matmul_size": args.matmul_size,
        "ratio": round(train_gflops / peak, 4),
        "ratio_median_round": round(ratios[len(ratios) // 2], 4),
        "rounds": args.rounds,
        "train_gflops_rounds": [round(r * flops_per_step / 1e9, 2) for r in train_rates],
        "matmul_gflops_rounds": [round(r * matmul_flops / 1e9, 2) for r in matmul_rates],
        "torch": torch.__version__,
        "cpu": platform.processor() or platform.machine(),
    }
    write_result(args, result)


if __name__ == "__main__":
    main()
