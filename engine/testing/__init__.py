"""Test helpers that ship with the engine, so plugin and downstream test-suites can use them too.

:class:`HubServer` is a local stand-in for the Hugging Face Hub that the real
``huggingface_hub`` client can talk to; :func:`patch_hub_endpoint` points an already
imported client at it (the server is split into :mod:`.hub_store`, :mod:`.hub_app`,
:mod:`.hub_cards` and :mod:`.hub_server`). :mod:`.toy` holds the ``toy-gan`` demo recipe
and pipeline; it imports torch, so it is not imported here. :func:`check_quality_bars`
(:mod:`.quality_bars`) is the known-misses rule every plugin's quality test applies to its bars.
"""

from __future__ import annotations

from .hub_server import HubServer, patch_hub_endpoint
from .quality_bars import check_quality_bars

__all__ = ["HubServer", "check_quality_bars", "patch_hub_endpoint"]
