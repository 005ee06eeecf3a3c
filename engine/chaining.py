"""Chains: pipelines whose kinds match, run one after another.

A cross-modal engine turns any sense into any other through the models it has:
``engine.load("face2nsynth") >> engine.load("aivae")`` makes a face into a note
and the note into a digit. A chain checks that each stage's output kind is the
next stage's input kind when it is built, so a mismatch is one clear error
before anything runs.

Options are addressed per stage: ``"face2nsynth.pitch"`` always works, the bare
``"pitch"`` when exactly one stage declares it. A stage tells the next what it
produced through :attr:`engine.Pipeline.produces` (say, that its images are
already tight face crops); the next stage gets those as options unless the user
set them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import XmodalError

if TYPE_CHECKING:
    from .interfaces import MediaKind
    from .pipeline import Pipeline

__all__ = ["Chain", "ChainError"]


class ChainError(XmodalError):
    """The stages of a chain do not fit together, or an option names no stage."""


class Chain:
    """Stages run in order; the outputs of one are the inputs of the next."""

    def __init__(self, stages: Iterable[Pipeline]) -> None:
        self.stages: list[Pipeline] = list(stages)
        if not self.stages:
            raise ChainError("a chain needs at least one model")
        for before, after in zip(self.stages, self.stages[1:], strict=False):
            if before.output_kind != after.input_kind:
                raise ChainError(
                    f"{self.name}: {before.name} makes {before.output_kind} but "
                    f"{after.name} takes {after.input_kind}"
                )

    def __rshift__(self, other: Pipeline | Chain) -> Chain:
        more = other.stages if isinstance(other, Chain) else [other]
        return Chain([*self.stages, *more])

    def __call__(self, inputs: Any, **options: Any) -> Any:
        return self.translate(inputs, **options)

    def __repr__(self) -> str:
        return f"Chain({self.name!r})"

    @property
    def name(self) -> str:
        return "+".join(stage.name for stage in self.stages)

    @property
    def input_kind(self) -> MediaKind:
        return self.stages[0].input_kind

    @property
    def output_kind(self) -> MediaKind:
        return self.stages[-1].output_kind

    @property
    def options(self) -> dict[str, type]:
        """``STAGE.OPTION`` for every stage option, plus ``OPTION`` where one stage alone has it."""
        qualified: dict[str, type] = {}
        owners: dict[str, list[type]] = {}
        for stage in self.stages:
            for key, kind in stage.options.items():
                qualified[f"{stage.name}.{key}"] = kind
                owners.setdefault(key, []).append(kind)
        bare = {key: kinds[0] for key, kinds in owners.items() if len(kinds) == 1}
        return {**bare, **qualified}

    def stage_options(self, options: dict[str, Any]) -> list[dict[str, Any]]:
        """The options each stage gets, in stage order (a stage's ``produces`` fills gaps)."""
        per_stage: list[dict[str, Any]] = [{} for _ in self.stages]
        names = [stage.name for stage in self.stages]
        index = {name: i for i, name in enumerate(names)}
        accepted = self.options
        for key, value in options.items():
            if key not in accepted:
                shown = ", ".join(sorted(accepted)) or "none"
                raise ChainError(f"{self.name} takes no option {key!r} (options: {shown})")
            owner_name, dot, bare = key.rpartition(".")
            if dot:
                if names.count(owner_name) > 1:
                    raise ChainError(f"{self.name}: {owner_name} appears twice; its options are ambiguous")
                per_stage[index[owner_name]][bare] = value
            else:
                owner = next(i for i, s in enumerate(self.stages) if key in s.options)
                per_stage[owner][key] = value
        for i, stage in enumerate(self.stages[1:], start=1):
            hints = self.stages[i - 1].produces
            for key, value in hints.items():
                if key in stage.options:
                    per_stage[i].setdefault(key, value)
        return per_stage

    def translate(self, inputs: Any, **options: Any) -> Any:
        """Run every stage on the whole batch in turn; one input in, one output out."""
        per_stage = self.stage_options(options)
        single = not isinstance(inputs, list | tuple)
        current: Sequence[Any] = [inputs] if single else list(inputs)
        for stage, stage_opts in zip(self.stages, per_stage, strict=True):
            if not current:
                break
            current = stage.translate(list(current), **stage_opts)
        return current[0] if single else list(current)
