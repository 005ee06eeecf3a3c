"""Startup cost of ``xmodal list`` relative to a bare interpreter, measured in one run.

Prints one JSON object: the median wall time of ``python -c pass`` and of
``xmodal list`` over the same number of alternating runs, and their ratio (the
project's target is under 3). Alternating the two keeps machine noise fair.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _output import add_output_options, write_result  # benchmarks/ is on sys.path

RUNS = 10


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_output_options(parser, "startup")
    args = parser.parse_args()
    python = sys.executable
    xmodal = str(Path(python).parent / "xmodal")
    bare, listing = [], []
    _time([xmodal, "list"])  # warm the file cache once for both
    for _ in range(RUNS):
        bare.append(_time([python, "-c", "pass"]))
        listing.append(_time([xmodal, "list"]))
    result = {
        "runs": RUNS,
        "python_pass_median_s": round(statistics.median(bare), 4),
        "xmodal_list_median_s": round(statistics.median(listing), 4),
        "ratio": round(statistics.median(listing) / statistics.median(bare), 2),
    }
    write_result(args, result)


if __name__ == "__main__":
    main()
