"""Did-you-mean suggestions for mistyped names, shared by every layer that looks names up.

The data layer, the training configs and the plugin registries all refuse an
unknown name the same way; this leaf module lets the lowest of them do so
without importing the others.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["suggest"]


def suggest(name: str, candidates: Iterable[str]) -> str:
    """A ``" (did you mean ...?)"`` suffix for a typo, or an empty string."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"
