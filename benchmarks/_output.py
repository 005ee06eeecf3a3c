"""Where a benchmark's JSON result goes: an ignored folder, unless asked to record it.

Running a benchmark is a measurement, not a change: by default the result lands
in ``out/benchmarks/`` (ignored by git) so that ``git status`` stays clean.
``--record`` writes it to ``benchmarks/results/`` instead, the committed figures
that docs quote; ``--out`` names any other file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

__all__ = ["add_output_options", "write_result"]

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "out" / "benchmarks"
RECORDED = ROOT / "benchmarks" / "results"


def add_output_options(parser: argparse.ArgumentParser, name: str) -> None:
    """``--out FILE`` and ``--record``; ``name`` is the result's file name without ``.json``."""
    parser.set_defaults(result_name=name)
    parser.add_argument("--out", type=Path, default=None,
                        help=f"result file (default: out/benchmarks/{name}.json)")
    parser.add_argument("--record", action="store_true",
                        help=f"write benchmarks/results/{name}.json, the committed figures")


def write_result(args: argparse.Namespace, result: dict[str, Any]) -> Path:
    """Write ``result`` where the options say, print it as one JSON line, return the path."""
    folder = RECORDED if args.record else SCRATCH
    path: Path = args.out or folder / f"{args.result_name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return path
