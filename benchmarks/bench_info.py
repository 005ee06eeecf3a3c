"""Cost of ``xmodal info MODEL`` relative to a bare interpreter, measured in one run.

``info`` of a bundled model reads two small JSON files; it should cost about
what starting Python costs, not the seconds that importing torch takes. This
prints one JSON object: the median wall time of ``python -c pass`` and of
``xmodal info MODEL`` over the same number of alternating runs (alternating
keeps a shared machine's noise fair to both), their ratio against the target
of 2, and whether the command imported torch, checked in a separate run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _output import add_output_options, write_result  # benchmarks/ is on sys.path

TARGET_RATIO = 2.0
#: Runs ``xmodal info`` in-process and says whether torch got imported.
_PROBE = (
    "import sys\n"
    "from engine.cli import main\n"
    "try:\n"
    "    main(['info', sys.argv[1]])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('torch' in sys.modules, file=sys.stderr)\n"
)


def _seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _imports_torch(python: str, model: str) -> bool:
    probe = subprocess.run([python, "-c", _PROBE, model], capture_output=True, text=True, check=True)
    return probe.stderr.strip().splitlines()[-1] == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="aivae", help="model to summarise (default: aivae)")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each (default: 10)")
    add_output_options(parser, "bench_info")
    args = parser.parse_args()
    python = sys.executable
    info = [str(Path(python).parent / "xmodal"), "info", args.model]
    bare: list[float] = []
    summary: list[float] = []
    _seconds(info)  # warm the file cache once for both
    for _ in range(args.runs):
        bare.append(_seconds([python, "-c", "pass"]))
        summary.append(_seconds(info))
    ratio = statistics.median(summary) / statistics.median(bare)
    write_result(args, {
        "model": args.model,
        "runs": args.runs,
        "python_pass_median_s": round(statistics.median(bare), 4),
        "xmodal_info_median_s": round(statistics.median(summary), 4),
        "ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "within_target": ratio <= TARGET_RATIO,
        "imports_torch": _imports_torch(python, args.model),
    })


if __name__ == "__main__":
    main()
