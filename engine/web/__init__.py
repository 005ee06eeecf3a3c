"""``xmodal serve``: a local web page over the engine, for people who would rather click.

Only :mod:`engine.web.app` and :mod:`engine.web.server` import gradio, and only
``xmodal serve`` (or ``python -m engine.web``) imports those; ``import engine``
and ``xmodal list`` never pay for the optional ``web`` extra. The rest of the
package (which models get a tab, their option widgets, running requests,
pictures of the results) is plain Python that the tests can use without a
browser.
"""

from __future__ import annotations

__all__ = ["serve"]


def serve(models: list[str] | None = None, *, host: str = "127.0.0.1", port: int = 7860,
          share: bool = False, device: str | None = None) -> None:
    """Serve the page until interrupted (see :func:`engine.web.server.serve`)."""
    from .server import serve as run

    run(models, host=host, port=port, share=share, device=device)
