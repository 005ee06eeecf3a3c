"""Batched inference throughput of a pipeline's ``translate``.

Times ``Pipeline.translate`` on a list of in-memory inputs at several batch
sizes (the pipeline's ``batch_size``), end to end: input preparation, encoder,
translator, decoder, media values out. It also times the network alone
(encoder -> translator -> decoder on a prepared batch) and counts its FLOPs, so
the gap between the two shows how much of the time goes to the Python-side
media handling. Prints one JSON object (written to ``out/benchmarks/``, or with
``--record`` to ``benchmarks/results/``).

By default it builds the engine's demo ``toy-gan`` pipeline at ``--width``
(random weights: speed does not depend on training); ``--ref`` loads a saved
model instead (catalogue name, folder or Hub id).

Usage: ``.venv/bin/python benchmarks/bench_translate.py [--ref FOLDER] [--batch-sizes 1,8,32,128]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # runnable from a checkout without installing

from _output import add_output_options, write_result  # noqa: E402  (benchmarks/ is on sys.path)
from _timing import calls_per_second  # noqa: E402


def toy_pipeline(width: int) -> Any:
    from engine.testing.toy import ToyPipeline

    config = ToyPipeline.make_config("toy-gan", "engine", architecture={"width": width})
    return ToyPipeline.build(config).eval()


def sample_inputs(pipeline: Any, count: int) -> list[Any]:
    """Random media of the kind the pipeline's encoder reads (64x64 RGB images or 1 s clips)."""
    from engine.media import Audio, Image

    gen = torch.Generator().manual_seed(0)
    if pipeline.encoder.input_kind == "image":
        return [Image(torch.rand(3, 64, 64, generator=gen)) for _ in range(count)]
    return [Audio(torch.rand(1, 16000, generator=gen) * 2 - 1, 16000) for _ in range(count)]


def rate(fn: Any, items: int, min_seconds: float) -> float:
    """Items per second of ``fn``, which handles ``items`` per call (after one warm-up call)."""
    return items * calls_per_second(fn, min_seconds, warmup=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default=None, help="model to load (default: a toy-gan pipeline)")
    parser.add_argument("--width", type=int, default=16, help="toy-gan width when no --ref")
    parser.add_argument("--batch-sizes", default="1,8,32,128")
    parser.add_argument("--items", type=int, default=256, help="inputs per translate() call")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    add_output_options(parser, "bench_translate")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    from torch.utils.flop_counter import FlopCounterMode

    if args.ref:
        import engine

        pipeline = engine.load(args.ref)
    else:
        pipeline = toy_pipeline(args.width)
    inputs = sample_inputs(pipeline, args.items)
    prepared = torch.stack([pipeline.encoder.prepare(pipeline.encoder.load(x)) for x in inputs])

    def network(batch: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return pipeline.decoder(pipeline.translator(pipeline.encoder(batch)))

    counter = FlopCounterMode(display=False)
    with counter:
        network(prepared[:1])
    flops_per_item = counter.get_total_flops()

    results = []
    for size in (int(s) for s in args.batch_sizes.split(",")):
        pipeline.batch_size = size
        end_to_end = rate(lambda: pipeline.translate(inputs), len(inputs), args.seconds)
        chunk = prepared[:size]
        model_only = rate(lambda chunk=chunk: network(chunk), len(chunk), args.seconds)
        results.append({
            "batch_size": size,
            "items_per_s": round(end_to_end, 1),
            "network_items_per_s": round(model_only, 1),
            "network_gflops": round(model_only * flops_per_item / 1e9, 2),
        })
    report = {
        "model": args.ref or f"toy-gan (width {args.width}, random weights)",
        "model_type": pipeline.config.model_type,
        "threads": torch.get_num_threads(),
        "mflop_per_item": round(flops_per_item / 1e6, 3),
        "results": results,
        "best_items_per_s": max(r["items_per_s"] for r in results),
        "torch": torch.__version__,
    }
    write_result(args, report)


if __name__ == "__main__":
    main()
