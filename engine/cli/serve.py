"""``xmodal serve``: the local web page (the optional ``web`` extra), see :mod:`engine.web`."""

from __future__ import annotations

import click

from ._target import device_option

__all__ = ["serve_cmd"]


@click.command("serve")
@click.argument("models", nargs=-1)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default lets only this machine in.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("--share", is_flag=True, default=False,
              help="Also open a public gradio.live link (needs the internet; off unless given).")
@device_option
def serve_cmd(models: tuple[str, ...], host: str, port: int, share: bool, device: str | None) -> None:
    """Serve a web page with a tab per model (default: every installed model with weights)
    and one for chains of them, until Ctrl+C."""
    from ..web import serve

    serve(list(models) or None, host=host, port=port, share=share, device=device)
