"""A parse result kept in one ``marshal`` file, read and written without a fuss.

``xmodal list`` and ``xmodal info`` answer faster than the parsers they would
need (tomllib, json) can be imported, by keeping what they parsed last time.
Both need the same two moves: read the file back if it is there and sound, and
replace it atomically, where a cache that cannot be read or written only costs a
parse. stdlib ``marshal`` imports nothing.
"""

from __future__ import annotations

import marshal
import os
from typing import Any

__all__ = ["load_marshal", "save_marshal"]


def load_marshal(path: str) -> Any:
    """What ``path`` holds, or ``None`` when it is missing or unreadable."""
    try:
        with open(path, "rb") as fh:
            return marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def save_marshal(path: str, value: Any) -> None:
    """Replace ``path`` with ``value`` atomically; a cache that cannot be written is skipped."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump(value, fh)
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass
