"""What the page offers: the models that get a tab, the chains, and each one's option widgets.

Everything here is read from what the pipelines declare (kinds, ``options``,
the annotations of the role that owns an option), so a new plugin gets a tab
with the right widgets without the web package knowing it. Gradio-free.
"""

from __future__ import annotations

import inspect
import os
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import XmodalError

if TYPE_CHECKING:
    from ..chaining import Chain
    from ..pipeline import Pipeline

__all__ = [
    "LATER_STAGE_OPTIONS",
    "OptionField",
    "card_summary",
    "chain_names",
    "chain_presets",
    "coerce",
    "option_fields",
    "served_model_names",
    "slug",
]

#: Options a stage gets when it is not the first of a chain: its input is then a picture
#: another model drew, not a photo. A drawn digit has no face for face2nsynth's detector
#: to find, so it takes the picture whole (``crop=tight``). The user can still change it.
LATER_STAGE_OPTIONS: dict[str, dict[str, Any]] = {"face2nsynth": {"crop": "tight"}}


@dataclass(frozen=True)
class OptionField:
    """One model option as a widget: ``key`` as the model takes it (``STAGE.OPTION`` in a chain)."""

    key: str
    kind: type
    choices: tuple[str, ...] = ()
    default: Any = None
    stage: str = ""

    @property
    def option(self) -> str:
        """The option's own name, without the stage."""
        return self.key.rpartition(".")[2]


def slug(name: str) -> str:
    """``name`` as an identifier for element ids and API endpoint names."""
    return "".join(c if c.isalnum() else "_" for c in name)


def served_model_names(models: list[str] | None = None) -> list[str]:
    """The models that get a tab: those named, else every installed model with bundled weights."""
    if models:
        chains = [m for m in models if "+" in m]
        if chains:
            raise XmodalError(f"{chains[0]!r} is a chain: name its models, the page has a tab for chains")
        return list(dict.fromkeys(models))
    from ..plugins import get_manager

    manager = get_manager()
    manager.load_all()
    return [name for name, spec in manager.models.items()
            if spec.weights is not None and spec.plugin != "engine"]


#: Chains the chain tab lists first when their models are served: the ones the README and the
#: demo show. Without them the first chain would be whichever pair sorts first, and that
#: changes every time a plugin is installed.
FEATURED_CHAINS = ("aivae+face2nsynth", "face2nsynth+aivae", "voice2face+face2nsynth")


def chain_names(pipelines: dict[str, Pipeline]) -> list[str]:
    """Every two-model chain of ``pipelines`` whose kinds fit: featured ones, then audio-first."""
    pairs = [f"{a}+{b}" for a, first in pipelines.items() for b, second in pipelines.items()
             if a != b and first.output_kind == second.input_kind]
    return sorted(pairs, key=lambda name: (
        FEATURED_CHAINS.index(name) if name in FEATURED_CHAINS else len(FEATURED_CHAINS),
        pipelines[name.split("+")[0]].input_kind != "audio", name))


def chain_presets(chain: Chain) -> dict[str, Any]:
    """``STAGE.OPTION`` values the chain tab starts with (see :data:`LATER_STAGE_OPTIONS`)."""
    preset: dict[str, Any] = {}
    for stage in chain.stages[1:]:
        for option, value in LATER_STAGE_OPTIONS.get(stage.name, {}).items():
            if option in stage.options:
                preset[f"{stage.name}.{option}"] = value
    return preset


def _owner(pipeline: Pipeline, option: str) -> Any:
    for role in (pipeline.encoder, pipeline.translator, pipeline.decoder):
        if option in getattr(role, "options", {}):
            return role
    return None


def _choices_and_default(role: Any, option: str) -> tuple[tuple[str, ...], Any]:
    """A ``Literal`` annotation on the owning role's constructor argument of that name gives choices."""
    if role is None:
        return (), None
    init = type(role).__init__
    try:
        hint = typing.get_type_hints(init).get(option)
        parameter = inspect.signature(init).parameters.get(option)
    except (NameError, TypeError, ValueError):
        return (), None
    choices: tuple[str, ...] = ()
    if hint is not None and typing.get_origin(hint) is typing.Literal:
        choices = tuple(str(c) for c in typing.get_args(hint))
    default = None
    if parameter is not None and parameter.default is not inspect.Parameter.empty:
        default = parameter.default
    return choices, default


def option_fields(pipeline: Pipeline, *, qualified: bool = False) -> list[OptionField]:
    """The pipeline's options as widgets, in declaration order."""
    fields = []
    for option, kind in pipeline.options.items():
        choices, default = _choices_and_default(_owner(pipeline, option), option)
        key = f"{pipeline.name}.{option}" if qualified else option
        fields.append(OptionField(key, kind, choices, default, pipeline.name))
    return fields


def coerce(field: OptionField, value: Any) -> Any:
    """A widget's value as the declared type; ``None`` when left empty (the model's default)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    bad = XmodalError(f"option --{field.key}: {str(value).strip()!r} is not a valid {field.kind.__name__}")
    if field.kind is int:
        try:
            number = float(str(value).strip())
        except (TypeError, ValueError) as exc:
            raise bad from exc
        if not number.is_integer():
            raise bad
        return int(number)
    try:
        return field.kind(value)
    except (TypeError, ValueError) as exc:
        raise bad from exc


def card_summary(name: str, weights: object) -> dict[str, Any]:
    """Task, paper and measured figures of a model, as ``xmodal info`` reports them."""
    from ..catalogue import catalogue
    from ..cli.fastinfo import CONFIG_NAME, METRICS_NAME, read_json_object, summarise

    folder = os.fspath(weights) if isinstance(weights, str | os.PathLike) else ""
    config = read_json_object(os.path.join(folder, CONFIG_NAME)) if os.path.isdir(folder) else None
    if config is not None:
        metrics = read_json_object(os.path.join(folder, METRICS_NAME)) or {}
        return summarise(folder, config, metrics)
    entry = catalogue().get(name)
    return {"name": name, "task": entry.task if entry else "",
            "paper": entry.paper.title if entry and entry.paper else "", "metrics": {}}
