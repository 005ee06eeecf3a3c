"""xmodal: a plugin-based cross-modal translation engine.

    >>> import engine
    >>> note = engine.load("face2nsynth").translate("face.jpg")
    >>> note.save("note.wav")

Attributes are imported on first access so that ``import engine`` (and the
``xmodal list`` command) stays fast and does not import torch.
"""

from __future__ import annotations

from ._lazy import lazy_getattr
from ._version import API_VERSION, __version__
from .errors import (
    CheckpointError,
    DataError,
    MediaError,
    ModelNotFoundError,
    PluginError,
    XmodalError,
)

# No `typing` import at run time: this module is on the `xmodal list` hot path.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .chaining import Chain
    from .config import PipelineConfig
    from .hookspecs import hookimpl
    from .interfaces import Decoder, Encoder, Metric, Translator
    from .loading import load, pull, push_folder
    from .media import Audio, Image
    from .pipeline import Pipeline
    from .plugins import get_manager

__all__ = [
    "API_VERSION",
    "Audio",
    "Chain",
    "CheckpointError",
    "DataError",
    "Decoder",
    "Encoder",
    "Image",
    "MediaError",
    "Metric",
    "ModelNotFoundError",
    "Pipeline",
    "PipelineConfig",
    "PluginError",
    "Translator",
    "XmodalError",
    "__version__",
    "get_manager",
    "hookimpl",
    "load",
    "pull",
    "push_folder",
]

_LAZY = {
    "Audio": "engine.media",
    "Image": "engine.media",
    "Encoder": "engine.interfaces",
    "Translator": "engine.interfaces",
    "Decoder": "engine.interfaces",
    "Metric": "engine.interfaces",
    "Pipeline": "engine.pipeline",
    "PipelineConfig": "engine.config",
    "Chain": "engine.chaining",
    "load": "engine.loading",
    "pull": "engine.loading",
    "push_folder": "engine.loading",
    "get_manager": "engine.plugins",
    "hookimpl": "engine.hookspecs",
}


__getattr__ = lazy_getattr(__name__, globals(), _LAZY)


def __dir__() -> list[str]:
    return sorted(__all__)
