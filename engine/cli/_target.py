"""Where a command's model runs: the ``--device`` option, shared by translate and eval.

The engine's loader already falls back to ``$XMODAL_DEVICE`` and then cpu when
it is given no device, so the option's default is "not given" and the choice
stays in one place (:mod:`engine.loading`).
"""

from __future__ import annotations

from typing import Any

import click

__all__ = ["device_option"]


def device_option(command: Any) -> Any:
    """``--device``: the torch device a command's model runs on."""
    return click.option(
        "--device", default=None, show_default="$XMODAL_DEVICE, else cpu",
        help="Torch device to run on, e.g. cpu, cuda, cuda:1, mps.",
    )(command)
