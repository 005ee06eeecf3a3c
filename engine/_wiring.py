"""Where the layers meet without importing each other.

Lower layers (the data layer) must not import the plugin manager, yet a dataset
that a plugin registers has to be found by name. The plugin manager, when it is
created, leaves a factory here; the data layer asks for it only when it looks a
name up. Nothing in this module imports anything.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from .data.api import DatasetRegistry

__all__ = ["dataset_registry"]

#: Set by :func:`engine.plugins.get_manager`: the registry of every plugin's datasets.
dataset_registry: Callable[[], DatasetRegistry] | None = None
