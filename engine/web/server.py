"""Start the page: check the address, load the models, then import gradio and serve.

The cheap checks come first (is gradio installed, is the port free, do the
named models exist), so a mistake is one line within a second or two rather
than after the models have loaded. Gradio's analytics are switched off before
it is imported: the page runs where there may be no network, and nothing about
its use should leave the machine. ``share`` (a public tunnel) is only ever on
when asked for.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys

from ..errors import XmodalError

__all__ = ["check_address", "serve"]


def check_address(host: str, port: int) -> None:
    """Refuse an address we cannot listen on, in one line, before loading anything."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise XmodalError(f"--host {host}: not an address of this machine ({exc.strerror})") from exc
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise XmodalError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                              "pick another with --port") from exc


def serve(models: list[str] | None = None, *, host: str = "127.0.0.1", port: int = 7860,
          share: bool = False, device: str | None = None) -> None:
    """Serve one tab per model (default: every installed model with weights) until interrupted."""
    if importlib.util.find_spec("gradio") is None:
        raise XmodalError("the web page needs gradio: pip install 'xmodal-engine[web]'")
    check_address(host, port)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from .host import ModelHost

    served = ModelHost(models, device=device)
    try:
        from ..media import MAX_FILE_BYTES
        from .app import CSS, build_app, theme

        app = build_app(served)
        try:
            _, local_url, share_url = app.launch(
                server_name=host, server_port=port, share=share, inbrowser=False,
                prevent_thread_lock=True, quiet=True, show_error=False, ssr_mode=False,
                mcp_server=False, pwa=False, max_file_size=MAX_FILE_BYTES, footer_links=["api"],
                allowed_paths=[str(served.folder)], theme=theme(), css=CSS,
            )
        except OSError as exc:
            raise XmodalError(f"cannot serve on {host}:{port} ({exc}); pick another with --port") from exc
        chains = f" and {len(served.chains)} chains" if served.chains else ""
        where = f"http://{host}:{port}" if ":" not in host else f"http://[{host}]:{port}"
        print(f"xmodal: serving {', '.join(served.names)}{chains} on {where}"
              + (f" (public: {share_url})" if share and share_url else "") + " (Ctrl+C stops)",
              flush=True)
        del local_url
        try:
            app.block_thread()
        except KeyboardInterrupt:
            pass
        finally:
            app.close()
    finally:
        served.close()
        sys.stdout.flush()
