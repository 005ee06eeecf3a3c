"""How to get a plugin that is not installed, said so that the command works.

The in-tree plugins (``plugins/<name>/``) are not published on any package
index, so an ``pip install xmodal-<name>`` hint would fail, or worse, install
whatever someone else registered under that name. The hint therefore points at
the plugin's folder: in a checkout of xmodal that is a path the user can paste;
from an installed engine it names where the folder lives in the repository.
Import-light: ``xmodal list`` uses it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["checkout_root", "install_hint"]


def checkout_root() -> Path | None:
    """The xmodal checkout this engine runs from, or ``None`` for an installed wheel."""
    root = Path(__file__).resolve().parent.parent
    if (root / "plugins").is_dir() and (root / "registry.toml").is_file():
        return root
    return None


def install_hint(plugin: str) -> str:
    """A command that installs ``plugin`` from where the user stands."""
    root = checkout_root()
    if root is None:
        return (f"it is not published on a package index: install it from a checkout of xmodal "
                f"with 'pip install plugins/{plugin}'")
    folder = root / "plugins" / plugin
    if not (folder / "pyproject.toml").is_file():
        return f"this checkout has no plugins/{plugin}/ yet (the catalogue lists it ahead of its code)"
    try:
        shown = os.path.relpath(folder)
    except ValueError:  # another drive (Windows)
        shown = str(folder)
    if shown.startswith(".."):
        shown = str(folder)
    return f"pip install {shown} (or 'bash scripts/setup.sh' in {root})"
