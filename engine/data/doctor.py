"""What the data layer can tell ``xmodal doctor`` and ``xmodal data list``.

Both ask the same questions (where are the sources, where is the cache, which
datasets are built), so the answers are computed here once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from ..errors import DataError
from .api import dataset_names, get_builder
from .cache import check_entry, entry_dir
from .settings import DATA_DIR_ENV, cache_dir, data_dir

__all__ = ["data_report", "dataset_rows"]


def dataset_rows() -> list[dict[str, Any]]:
    """One row per registered dataset: name, version, whether it is built (quick check), title."""
    rows: list[dict[str, Any]] = []
    for name in dataset_names():
        builder = get_builder(name)
        try:
            count: int | None = check_entry(builder, entry_dir(builder)).count
        except DataError:
            count = None
        rows.append({"name": name, "version": builder.version, "built": count is not None,
                     "count": count, "needs_user_data": builder.needs_user_data,
                     "title": builder.card.title.split(": ", 1)[-1]})
    return rows


def data_report() -> Iterator[tuple[bool | None, str, str]]:
    """``(ok, what, detail)`` lines: ok is True, False (a problem) or None (information)."""
    sources = data_dir()
    where = f"{DATA_DIR_ENV}" if os.environ.get(DATA_DIR_ENV) else "default"
    if sources.is_dir():
        yield True, "data sources", f"{sources} ({where})"
    elif os.environ.get(DATA_DIR_ENV):
        yield False, "data sources", f"{sources} ({DATA_DIR_ENV}) does not exist"
    else:
        yield None, "data sources", f"{sources} (not yet created; downloads go there)"
    cache = cache_dir()
    writable = os.access(cache if cache.exists() else cache.parent, os.W_OK)
    yield writable, "data cache", (
        f"{cache}" if writable else f"{cache} is not writable")
    rows = dataset_rows()
    built = [f"{r['name']} ({r['count']})" for r in rows if r["built"]]
    missing = [r["name"] for r in rows if not r["built"] and not r["needs_user_data"]]
    yield None, "datasets built", ", ".join(built) if built else "none yet ('xmodal data build NAME')"
    if missing:
        yield None, "not built", ", ".join(missing)
