"""What the original-layout loaders share: finding the user's folder, capping per class."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from ...errors import DataError
from ..settings import DATA_DIR_ENV, data_dir

__all__ = ["cap_per_class", "user_root"]

T = TypeVar("T")


def user_root(builder: Any, folder: str, marker: str) -> Path:
    """The user's copy of a data set: ``root`` if given, else ``$XMODAL_DATA_DIR/folder``.

    ``marker`` is a glob inside the folder that proves it has the expected layout.
    """
    given = str(builder.params.get("root") or "")
    root = Path(given).expanduser() if given else data_dir() / folder
    if not root.is_dir():
        raise DataError(f"{builder.name}: no folder at {root}; pass -p root=PATH (or put the "
                        f"data set under ${DATA_DIR_ENV}/{folder})")
    if not any(root.glob(marker)):
        raise DataError(f"{builder.name}: {root} does not look like the expected layout "
                        f"(nothing matches {marker!r})")
    return root


def cap_per_class(items: Sequence[T], key: Any, limit: int) -> list[T]:
    """The first ``limit`` items of every class (items keep their order); 0 keeps all."""
    if limit <= 0:
        return list(items)
    seen: dict[Any, int] = {}
    kept = []
    for item in items:
        k = key(item)
        if seen.get(k, 0) < limit:
            seen[k] = seen.get(k, 0) + 1
            kept.append(item)
    return kept
