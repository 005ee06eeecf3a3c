"""``python -m engine.train NAME --preset P --out DIR``: ``xmodal train`` for launchers.

``torchrun --nproc_per_node 2 -m engine.train ...`` and
``accelerate launch --num_processes 2 --cpu -m engine.train ...`` start one copy
per process; the loop finds its rank from the launcher's environment.
"""

from __future__ import annotations

import sys

from ..cli import main


def run() -> None:
    main(["train", *sys.argv[1:]])


if __name__ == "__main__":
    run()
