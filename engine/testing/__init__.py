"""Test helpers that ship with the engine, so plugin and downstream test-suites can use them too.

:class:`HubServer` is a local stand-in for the Hugging Face Hub that the real
``huggingface_hub`` client can talk to; :func:`patch_hub_endpoint` points an already
imported client at it.
"""

from __future__ import annotations

from .hub_server import HubServer, patch_hub_endpoint

__all__ = ["HubServer", "patch_hub_endpoint"]
