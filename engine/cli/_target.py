"""Where a command's model runs: the ``--device`` option, shared by translate and eval.

The engine's loader already falls back to ``$XMODAL_DEVICE`` and then cpu when
it is given no device, so the option's default is "not given" and the choice
stays in one place (:mod:`engine.loading`).
"""

from __future__ import annotations

import inspect
from typing import Any

import click

from ..errors import XmodalError

__all__ = ["device_kwargs", "device_option"]


def device_option(command: Any) -> Any:
    """``--device``: the torch device a command's model runs on."""
    return click.option(
        "--device", default=None, show_default="$XMODAL_DEVICE, else cpu",
        help="Torch device to run on, e.g. cpu, cuda, cuda:1, mps.",
    )(command)


def device_kwargs(fn: Any, device: str | None) -> dict[str, str]:
    """``{"device": device}`` for an engine function that takes it.

    For one that does not yet (``engine.train.evaluate.evaluate``), an unset
    device or cpu is what it does anyway; any other device is refused rather
    than quietly ignored.
    """
    if device is None:
        return {}
    if "device" in inspect.signature(fn).parameters:
        return {"device": device}
    if device == "cpu":
        return {}
    where = f"{fn.__module__}.{fn.__qualname__}"
    raise XmodalError(f"--device {device}: {where} takes no device yet; set XMODAL_DEVICE={device} instead")
