"""Trained modules -> a savable pipeline, in one place for every plugin and recipe.

A recipe trains bare modules (a generator, a VAE) and must hand the engine a
:class:`~engine.pipeline.Pipeline` to evaluate and save. That pipeline has to be
exactly what ``engine.load`` will rebuild from its ``config.json``, or the saved
folder would load as a different model. So the config is made first, the
pipeline is built from it by the class's own ``build``, and only then are the
trained parts put in, after checking that each is of the class ``build`` made
and has the same tensors: a mismatch fails here, at export, not at a user's load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from torch import nn

from .errors import CheckpointError
from .pipeline import Pipeline
from .pretrained import check_state

__all__ = ["PARTS", "assemble_pipeline"]

#: The parts of a pipeline that trained modules may replace.
PARTS = ("encoder", "translator", "decoder")

P = TypeVar("P", bound=Pipeline)


def assemble_pipeline(
    pipeline_type: type[P],
    name: str,
    plugin: str,
    *,
    architecture: BaseModel | Mapping[str, Any] | None = None,
    trained: Mapping[str, nn.Module] | None = None,
    **config_fields: Any,
) -> P:
    """A ``pipeline_type`` called ``name`` whose parts named in ``trained`` are those modules.

    ``architecture`` (a pydantic model or a mapping) and ``config_fields``
    (``preprocessing``, ``references``...) go into the config; without
    ``trained`` the pipeline is freshly initialised, as ``build`` makes it.
    """
    if isinstance(architecture, BaseModel):
        architecture = architecture.model_dump(mode="json")
    config = pipeline_type.make_config(name, plugin, architecture=dict(architecture or {}),
                                       **config_fields)
    pipeline = pipeline_type.build(config)
    for part, module in (trained or {}).items():
        if part not in PARTS:
            raise ValueError(f"{part!r} is not a pipeline part (parts: {', '.join(PARTS)})")
        built = getattr(pipeline, part)
        if not isinstance(module, type(built)):
            raise CheckpointError(
                f"{name}: the trained {part} is a {type(module).__name__}, but the config "
                f"rebuilds a {type(built).__name__}"
            )
        check_state(built.state_dict(), module.state_dict(), f"{name}: trained {part}")
        setattr(pipeline, part, module)
    return pipeline
