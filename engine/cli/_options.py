"""Model options on the command line: ``--pitch 60``, ``--face2nsynth.pitch=60``.

A model declares its options as ``name -> type``; a chain declares each stage's
as ``STAGE.OPTION`` (and the bare ``OPTION`` where only one stage has it). The
command line accepts both spellings with ``-`` or ``_`` inside the option name,
and turns each value into the declared type, so a typo or a bad value is one
clear error before anything loads data or runs.
"""

from __future__ import annotations

from typing import Any

from ..errors import XmodalError

__all__ = ["parse_options"]


def _declared(key: str, allowed: dict[str, type]) -> str | None:
    """The declared option that ``key`` spells, if any (``-`` and ``_`` are the same
    in the option part; a stage name before the last ``.`` is taken as written)."""
    if key in allowed:
        return key
    stage, dot, option = key.rpartition(".")
    normal = f"{stage}{dot}{option.replace('-', '_')}"
    return normal if normal in allowed else None


def parse_options(tokens: list[str], allowed: dict[str, type]) -> tuple[list[str], dict[str, Any]]:
    """Split command-line tokens into input paths and typed ``--name VALUE`` model options."""
    from ..registry import suggest

    inputs: list[str] = []
    options: dict[str, Any] = {}
    i = 0
    while i < len(tokens):
        arg = tokens[i]
        i += 1
        if not arg.startswith("--"):
            inputs.append(arg)
            continue
        given, eq, value = arg[2:].partition("=")
        key = _declared(given, allowed)
        if key is None:
            names = ", ".join(f"--{k}" for k in sorted(allowed)) or "none"
            raise XmodalError(f"unknown option --{given}{suggest(given, allowed)} (model options: {names})")
        if not eq:
            if i >= len(tokens):
                raise XmodalError(f"option --{given} needs a value")
            value = tokens[i]
            i += 1
        try:
            options[key] = allowed[key](value)
        except (TypeError, ValueError) as exc:
            kind = allowed[key].__name__
            raise XmodalError(f"option --{given}: {value!r} is not a valid {kind}") from exc
    if not inputs:
        raise XmodalError("no input files given")
    return inputs, options
