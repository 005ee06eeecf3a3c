"""``python -m engine.web [OPTIONS] [MODEL...]``: the same as ``xmodal serve``."""

from __future__ import annotations

import sys

from ..cli import main

__all__: list[str] = []

if __name__ == "__main__":
    main(["serve", *sys.argv[1:]])
