"""Everything a plugin needs from the engine, from one module.

    from engine.plugin import Pipeline, RegisterModel, hookimpl

A plugin that imports only from here depends on one public surface: the hook
marker and the API version it is checked against, the callback protocols its
hooks receive, the pipeline pieces, media values, errors, the data layer's
builder types, the training runtime's recipe types and the contract checks
(``check_recipe``, ``check_models``) its own tests should run. Other engine
modules may move; the names here stay for the whole of one major API version.

Names resolve on first access, so importing this module is as cheap as
``import engine``; the torch-backed ones (``Pipeline``, ``Recipe``, ...) import
torch only when used.
"""

from __future__ import annotations

from ._lazy import lazy_getattr
from ._version import API_VERSION
from .errors import (
    CheckpointError,
    DataError,
    MediaError,
    ModelNotFoundError,
    PluginError,
    XmodalError,
)

# No `typing` import at run time: the point of this module is that it is cheap.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from . import (
        Audio,
        Decoder,
        Encoder,
        Image,
        Metric,
        Pipeline,
        PipelineConfig,
        Translator,
        hookimpl,
    )
    from .card import CardInfo
    from .data import BuildContext, Dataset, DatasetBuilder, DatasetCard
    from .decoders import ImageDecoder, WaveformDecoder
    from .encoders import AudioWaveform, ImagePixels
    from .hookspecs import (
        MetricFactory,
        RegisterDataset,
        RegisterMetric,
        RegisterModel,
        RegisterRecipe,
    )
    from .interfaces import MediaKind
    from .plugins import check_models
    from .train.config import RecipeConfig
    from .train.context import StepContext
    from .train.evaluate import build_metric
    from .train.recipe import Recipe
    from .train.testing import check_recipe

__all__ = [
    "API_VERSION",
    "Audio",
    "AudioWaveform",
    "BuildContext",
    "CardInfo",
    "CheckpointError",
    "DataError",
    "Dataset",
    "DatasetBuilder",
    "DatasetCard",
    "Decoder",
    "Encoder",
    "Image",
    "ImageDecoder",
    "ImagePixels",
    "MediaError",
    "MediaKind",
    "Metric",
    "MetricFactory",
    "ModelNotFoundError",
    "Pipeline",
    "PipelineConfig",
    "PluginError",
    "Recipe",
    "RecipeConfig",
    "RegisterDataset",
    "RegisterMetric",
    "RegisterModel",
    "RegisterRecipe",
    "StepContext",
    "Translator",
    "WaveformDecoder",
    "XmodalError",
    "build_metric",
    "check_models",
    "check_recipe",
    "hookimpl",
]

#: Where each name lives. Names the ``engine`` package exports resolve through it,
#: so that a module moving inside the engine is recorded in one place.
_LAZY = {
    "Audio": "engine",
    "Decoder": "engine",
    "Encoder": "engine",
    "Image": "engine",
    "Metric": "engine",
    "Pipeline": "engine",
    "PipelineConfig": "engine",
    "Translator": "engine",
    "hookimpl": "engine",
    "CardInfo": "engine.card",
    "BuildContext": "engine.data",
    "Dataset": "engine.data",
    "DatasetBuilder": "engine.data",
    "DatasetCard": "engine.data",
    "ImageDecoder": "engine.decoders",
    "WaveformDecoder": "engine.decoders",
    "AudioWaveform": "engine.encoders",
    "ImagePixels": "engine.encoders",
    "MetricFactory": "engine.hookspecs",
    "RegisterDataset": "engine.hookspecs",
    "RegisterMetric": "engine.hookspecs",
    "RegisterModel": "engine.hookspecs",
    "RegisterRecipe": "engine.hookspecs",
    "MediaKind": "engine.interfaces",
    "check_models": "engine.plugins",
    "RecipeConfig": "engine.train.config",
    "StepContext": "engine.train.context",
    "build_metric": "engine.train.evaluate",
    "Recipe": "engine.train.recipe",
    "check_recipe": "engine.train.testing",
}


__getattr__ = lazy_getattr(__name__, globals(), _LAZY)


def __dir__() -> list[str]:
    return sorted(__all__)
