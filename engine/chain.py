"""``a+b`` references: load every stage by name and chain them.

``load_any("face2nsynth+aivae")`` is what ``xmodal translate`` runs; a plain
reference without ``+`` gives the pipeline itself. The chain itself (kinds,
per-stage options) is :mod:`engine.chaining`; this module only adds loading by
name, which needs the plugin layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .chaining import Chain, ChainError
from .loading import load

if TYPE_CHECKING:
    import torch

    from .pipeline import Pipeline

__all__ = ["Chain", "ChainError", "load_any", "load_chain"]


def _stage_refs(ref: str) -> list[str]:
    parts = [part.strip() for part in ref.split("+")]
    if len(parts) < 2 or not all(parts):
        raise ChainError(f"{ref!r}: a chain is MODEL+MODEL[+MODEL...], with no empty part")
    return parts


def load_chain(
    ref: str,
    *,
    revision: str | None = None,
    device: str | torch.device | None = None,
    dtype: torch.dtype | None = None,
) -> Chain:
    """Every ``+``-separated model of ``ref``, checked to fit, before anything runs.

    The kinds are checked from the catalogue-free pipeline objects, so a
    mismatch (``aivae+aivae``) is found after loading but before translating.
    ``revision`` applies to Hub references only and is refused for chains.
    """
    if revision is not None:
        raise ChainError("--revision names one Hub model; put name@revision in each chain part")
    return Chain(load(part, device=device, dtype=dtype) for part in _stage_refs(ref))


def load_any(
    ref: str,
    *,
    revision: str | None = None,
    device: str | torch.device | None = None,
    dtype: torch.dtype | None = None,
) -> Pipeline | Chain:
    """The pipeline ``ref`` names, or the chain for ``a+b``."""
    if "+" in ref:
        return load_chain(ref, revision=revision, device=device, dtype=dtype)
    return load(ref, revision=revision, device=device, dtype=dtype)
