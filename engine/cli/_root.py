"""The click command tree behind :func:`engine.cli.main`."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .._version import __version__
from ..errors import XmodalError
from . import BUILTIN_COMMANDS, fail

__all__ = ["LazyGroup", "cli", "run_cli"]


class LazyGroup(click.Group):
    """A group that imports built-in commands on demand and asks plugins for the rest."""

    _plugins_asked = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._ask_plugins()
        names = set(BUILTIN_COMMANDS) | set(super().list_commands(ctx))
        return sorted(n for n in names if self._builtin(n) is not None or n in self.commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        builtin = self._builtin(cmd_name)
        if builtin is not None:
            return builtin
        if cmd_name not in self.commands:
            self._ask_plugins()
        return super().get_command(ctx, cmd_name)

    def _builtin(self, name: str) -> click.Command | None:
        target = BUILTIN_COMMANDS.get(name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # that command is not built yet
                return None
            raise
        command: click.Command = getattr(module, attr)
        return command

    def _ask_plugins(self) -> None:
        if self._plugins_asked:
            return
        self._plugins_asked = True
        from ..plugins import get_manager

        get_manager().add_commands(self)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="xmodal")
def cli() -> None:
    """xmodal: translate between senses with plugin models (faces, notes, voices, digits)."""


def run_cli(args: list[str]) -> Any:
    """Run the click tree, mapping user errors to one line on stderr and exit status 2."""
    try:
        return cli.main(args=args, prog_name="xmodal", standalone_mode=False)
    except XmodalError as exc:
        fail(str(exc))
    except click.exceptions.Abort:
        fail("aborted")
    except click.ClickException as exc:
        fail(exc.format_message())
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted")
    except BrokenPipeError:
        sys.exit(0)
    return None
