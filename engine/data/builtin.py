"""The engine's own datasets, registered through the ``register_datasets`` hook.

Import-light on purpose: listing datasets must not import torch or fluidsynth,
so the builder modules only import those inside their ``build`` methods.
"""

from __future__ import annotations

from .builder import DatasetBuilder

__all__ = ["builtin_datasets"]


def builtin_datasets() -> list[DatasetBuilder]:
    """One instance of every built-in builder (the stand-ins, then the original-layout loaders)."""
    from .clipart import ClipartBuilder
    from .fsdd import FsddBuilder
    from .gmnotes import GmNotesBuilder
    from .layouts import NsynthBuilder, SpeechCommandsBuilder, VggFaceBuilder, VoxCeleb1Builder
    from .mnist import MnistBuilder
    from .objects import ObjectPicturesBuilder, ObjectSoundsBuilder
    from .olivetti import OlivettiBuilder
    from .pairings import MnistDigits1to1Builder, MnistFsddBuilder
    from .phrases import GmPhrasesBuilder
    from .recordings import InstrumentRecordingsBuilder
    from .tts import TtsDigitsBuilder
    from .voices import VoicesBuilder

    return [
        MnistBuilder(),
        FsddBuilder(),
        OlivettiBuilder(),
        TtsDigitsBuilder(),
        VoicesBuilder(),
        GmNotesBuilder(),
        GmPhrasesBuilder(),
        ClipartBuilder(),
        InstrumentRecordingsBuilder(),
        ObjectSoundsBuilder(),
        ObjectPicturesBuilder(),
        MnistFsddBuilder(),
        MnistDigits1to1Builder(),
        NsynthBuilder(),
        SpeechCommandsBuilder(),
        VoxCeleb1Builder(),
        VggFaceBuilder(),
    ]
