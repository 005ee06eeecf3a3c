"""The one error type the engine raises for problems a user can fix.

Everything that is the user's input, configuration or environment (a truncated
file, an unknown model, a tampered checkpoint) raises :class:`XmodalError` or a
subclass, with a message that fits on one line. The CLI turns these into a single
line on stderr and exit status 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "CheckpointError",
    "DataError",
    "MediaError",
    "ModelNotFoundError",
    "PluginError",
    "XmodalError",
    "describe_validation_error",
]


class XmodalError(Exception):
    """A problem with the user's input or environment, explained in one line."""


class MediaError(XmodalError):
    """An input file or value is not a usable image or audio clip."""


class ModelNotFoundError(XmodalError):
    """A model reference names nothing the engine can find."""


class PluginError(XmodalError):
    """A plugin could not be imported, or speaks an incompatible API version."""


class CheckpointError(XmodalError):
    """Saved weights or their config are missing, corrupt or do not fit the model."""


class DataError(XmodalError):
    """A dataset source is missing or corrupt, or a cache cannot be built."""


def describe_validation_error(exc: Exception, default: str = "config") -> str:
    """``"field.path: message"`` for the first problem in a pydantic ``ValidationError``.

    One line is all a user needs to fix a config; pydantic's full report is
    many lines and breaks the one-line error contract.
    """
    errors = exc.errors()  # type: ignore[attr-defined]
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or default
    return f"{where}: {first['msg']}"
