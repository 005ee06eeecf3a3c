"""The models behind the page: each loaded once, each running one request at a time.

Gradio queues the requests of one tab (one model) so that they run in turn;
the chain tab uses the same pipeline objects, so each model also has a lock
here, taken in name order so that two chains never wait on each other. A
request ends as a result or as the one line the CLI would print: an
:class:`~engine.errors.XmodalError` is the user's to fix and is shown as it is,
anything else is a bug, logged with its traceback on the server and summed up
in one line on the page, and the server keeps serving either way.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import traceback
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import XmodalError
from .models import chain_names, served_model_names
from .present import Rendered, render

if TYPE_CHECKING:
    from ..chaining import Chain
    from ..pipeline import Pipeline

__all__ = ["Answer", "ModelHost", "one_line"]


@dataclass(frozen=True)
class Answer:
    """What one request gives the page: a result, or the message that explains why not."""

    rendered: Rendered | None
    message: str


def one_line(exc: BaseException, source: str | None = None, shown: str | None = None) -> str:
    """The error as one line, naming an upload by the file name the user chose.

    Uploads live under gradio's cache (``/tmp/gradio/<hash>/face.png``); the
    CLI, run where the file is, would say ``face.png``, so the page does too.
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    if source:
        name = shown or Path(source).name
        for spelling in {str(Path(source).resolve()), str(source)}:
            text = text.replace(spelling, name)
    return text


class ModelHost:
    """Loaded pipelines by name, the chains among them, and a folder for the results."""

    def __init__(self, models: list[str] | None = None, device: str | None = None) -> None:
        from ..loading import load

        self.names = served_model_names(models)
        if not self.names:
            raise XmodalError("no installed model has bundled weights to serve; see 'xmodal list'")
        self.pipelines: dict[str, Pipeline] = {name: load(name, device=device) for name in self.names}
        self.chains = chain_names(self.pipelines)
        self._locks = {name: threading.Lock() for name in self.names}
        self._folder = tempfile.TemporaryDirectory(prefix="xmodal-web-")
        self.folder = Path(self._folder.name)

    def target(self, ref: str) -> Pipeline | Chain:
        """The pipeline ``ref`` names, or the chain ``a+b`` of served pipelines."""
        from ..chaining import Chain

        parts = ref.split("+")
        unknown = [p for p in parts if p not in self.pipelines]
        if unknown:
            raise XmodalError(f"{unknown[0]!r} is not served here (served: {', '.join(self.names)})")
        return self.pipelines[ref] if len(parts) == 1 else Chain(self.pipelines[p] for p in parts)

    def translate(self, ref: str, source: str | None, shown: str | None = None,
                  options: dict[str, Any] | None = None) -> Answer:
        """Translate the file at ``source`` with ``ref``; never raises for a bad request."""
        if not source:
            return Answer(None, "no input given: upload a file, record one, or pick an example")
        try:
            target = self.target(ref)
            with ExitStack() as held:
                for name in sorted(set(ref.split("+"))):
                    held.enter_context(self._locks[name])
                media = target.translate([source], **(options or {}))[0]
            stem = Path(shown or source).stem or "output"
            rendered = render(media, Path(tempfile.mkdtemp(dir=self.folder)), stem)
        except XmodalError as exc:
            return Answer(None, one_line(exc, source, shown))
        except Exception as exc:  # a bug: the traceback goes to the server's log, not the page
            traceback.print_exc(file=sys.stderr)
            return Answer(None, f"internal error (see the server log): {type(exc).__name__}: "
                                f"{one_line(exc, source, shown)}")
        return Answer(rendered, f"{target.name}: {target.input_kind} -> {target.output_kind}, "
                                f"wrote {rendered.file.name}")

    def close(self) -> None:
        """Remove the results folder."""
        self._folder.cleanup()
