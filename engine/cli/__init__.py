"""The ``xmodal`` command line.

Sub-commands live in their own modules and are imported only when invoked, so
``xmodal list`` starts without importing torch or any plugin (plain ``list``
does not even import click: see :mod:`engine.cli.fastlist`, and plain
``info NAME`` of a local or bundled model neither: :mod:`engine.cli.fastinfo`). Plugins add
commands through the ``register_commands`` hook; those are looked up only when a
name is not one of the engine's own.

Every :class:`~engine.errors.XmodalError` becomes one line on stderr and exit
status 2.
"""

from __future__ import annotations

import sys

__all__ = ["BUILTIN_COMMANDS", "main"]

#: command name -> "module:attribute" of its click command, imported on demand.
BUILTIN_COMMANDS: dict[str, str] = {
    "list": "engine.cli.listing:list_cmd",
    "plugins": "engine.cli.listing:plugins_cmd",
    "info": "engine.cli.models:info_cmd",
    "translate": "engine.cli.translate:translate_cmd",
    "push": "engine.cli.hub:push_cmd",
    "pull": "engine.cli.hub:pull_cmd",
    "doctor": "engine.cli.doctor:doctor_cmd",
    "demo": "engine.cli.demo:demo_cmd",
    "data": "engine.cli.data:data_group",
    "train": "engine.cli.train:train_cmd",
    "eval": "engine.cli.train:eval_cmd",
    "serve": "engine.cli.serve:serve_cmd",
}


def main(argv: list[str] | None = None) -> object:
    """Console-script entry point: run the CLI, mapping user errors to exit status 2."""
    args = sys.argv[1:] if argv is None else list(argv)
    if args in (["list"], ["list", "--json"]):
        # The hot path: answered without importing click, pluggy or torch.
        from ..errors import XmodalError
        from .fastlist import run

        try:
            sys.exit(run(as_json=len(args) == 2))
        except XmodalError as exc:
            fail(str(exc))
    info = _plain_info(args)
    if info is not None:
        from .fastinfo import run as run_info

        status = run_info(*info)
        if status is not None:
            sys.exit(status)
    from ._root import run_cli

    return run_cli(args)


def _plain_info(args: list[str]) -> tuple[str, bool] | None:
    """``(NAME, as_json)`` for ``info NAME [--json]``, the form the fast path may answer."""
    if not args or args[0] != "info" or len(args) not in (2, 3):
        return None
    rest = args[1:]
    as_json = "--json" in rest
    names = [a for a in rest if a != "--json"]
    if len(names) != 1 or len(rest) - len(names) != int(as_json) or names[0].startswith("-"):
        return None
    return names[0], as_json


def fail(message: str) -> None:
    """One line on stderr, exit status 2: how every user error ends."""
    line = " ".join(str(message).split())
    sys.stderr.write(f"xmodal: error: {line}\n")
    sys.exit(2)
