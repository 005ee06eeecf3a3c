"""Lazy package attributes: names resolve to their module on first access.

The engine's packages keep ``import engine`` (and ``xmodal list``) cheap by
importing their submodules only when a name is used. This module must itself
stay free of heavy imports (not even ``typing`` at run time).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, namespace: dict[str, Any], where: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``where`` maps a name to its module.

    Module names starting with ``.`` are relative to ``package``. The value is
    cached in ``namespace`` (the package's ``globals()``) after the first access.
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib

        target = f"{package}{module}" if module.startswith(".") else module
        value = getattr(importlib.import_module(target), name)
        namespace[name] = value
        return value

    return __getattr__
