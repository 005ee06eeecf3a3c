"""Where the data layer reads sources from and writes its caches to.

Both places are settings rather than constants because they differ per machine:
CI and the tests point ``XMODAL_DATA_DIR`` at a read-only copy of the reference
sources, a user with internet lets the engine download into its own folder, and
a cluster user may want the (large) cache on scratch space via ``XMODAL_CACHE_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_DIR_ENV", "DATA_DIR_ENV", "OFFLINE_ENV", "cache_dir", "data_dir", "offline"]

#: Folder holding the raw sources (``mnist/``, ``fsdd/``, ``olivetti/``, ...).
DATA_DIR_ENV = "XMODAL_DATA_DIR"
#: Folder holding built datasets (memory-mapped arrays + manifests).
CACHE_DIR_ENV = "XMODAL_CACHE_DIR"
#: Set (to anything but 0/false/no) to forbid downloads even when a URL is known.
OFFLINE_ENV = "XMODAL_OFFLINE"


def _user_cache() -> Path:
    from ..catalogue import default_cache_dir

    return Path(default_cache_dir())


def cache_dir() -> Path:
    """Root of the dataset cache: ``$XMODAL_CACHE_DIR``, else ``~/.cache/xmodal``."""
    from ..catalogue import user_cache_dir

    return Path(user_cache_dir()).resolve()


def data_dir() -> Path:
    """Root of the raw sources: ``$XMODAL_DATA_DIR``, else a download folder in the user cache.

    The default is writable so that first use on a machine with internet can
    download the canonical files there; a directory given by the variable may be
    read-only (the files are then expected to be present already).
    """
    value = os.environ.get(DATA_DIR_ENV)
    return Path(value).expanduser().resolve() if value else _user_cache() / "sources"


def offline() -> bool:
    """Whether downloads are forbidden (``XMODAL_OFFLINE`` or ``HF_HUB_OFFLINE`` set)."""
    for name in (OFFLINE_ENV, "HF_HUB_OFFLINE"):
        if os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no"):
            return True
    return False
