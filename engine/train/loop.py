"""The training loop every recipe runs in, on Hugging Face Accelerate.

``train()`` resolves the config, seeds, builds the recipe's modules and
optimisers, wraps them for the launcher (one process, or DDP under
``accelerate launch`` / ``torchrun``, CPU gloo or GPU NCCL), then steps,
logging to ``log.jsonl`` and a progress bar, evaluating and checkpointing on
schedule, until the step budget is spent or a signal or a non-finite loss
stops it. At the end it exports the best (or last) model as a pretrained folder.

Run folder::

    OUT/run.json            recipe, preset, overrides and the resolved config
    OUT/log.jsonl           losses, evaluations, lifecycle events
    OUT/losses.png          loss and metric curves
    OUT/checkpoints/        step-NNNNNN/ (atomic), last, best
    OUT/model/              the exported pretrained folder (Hub layout)
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .._version import __version__
from ..errors import XmodalError
from . import rng
from .average import averaged_copy, update_average
from .checkpoint import Checkpoint, CheckpointStore
from .context import StepContext
from .data import BatchStream, DataPosition
from .guard import SignalFlag, TrainingDiverged, TrainingInterrupted, first_nonfinite
from .plots import plot_log
from .recipe import Recipe
from .runfile import RunSpec, resolve_run
from .runlog import RunLog

__all__ = ["TrainResult", "train"]

#: Seconds between redraws of losses.png while training (drawing costs ~0.1-0.5 s).
PLOT_INTERVAL_S = 60.0


@dataclass
class TrainResult:
    """What a finished run produced."""

    out: Path
    steps: int
    elapsed: float
    model_dir: Path | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    best: dict[str, Any] | None = None
    #: The trained modules (unwrapped), holding the exported (best or last) weights.
    modules: dict[str, torch.nn.Module] = field(default_factory=dict)


def _scalar_losses(losses: Mapping[str, Any]) -> dict[str, float]:
    """Named losses as floats, with one device sync for all tensors."""
    names = list(losses)
    tensors = [torch.as_tensor(v).detach().float().cpu() for v in losses.values()]
    for name, tensor in zip(names, tensors, strict=True):
        if tensor.numel() != 1:
            raise TypeError(f"train_step returned {name!r} with shape {tuple(tensor.shape)}; "
                            f"losses must be scalars")
    tensors = [t.reshape(()) for t in tensors]
    values = torch.stack(tensors).tolist() if tensors else []
    return dict(zip(names, values, strict=True))


def _all_finite(modules: Mapping[str, torch.nn.Module]) -> str | None:
    for name, module in modules.items():
        for tensor in module.state_dict().values():
            if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
                return name
    return None


class _Run:
    """One invocation of :func:`train` (state shared by its helper methods)."""

    def __init__(self, spec: RunSpec) -> None:
        from accelerate import Accelerator
        from accelerate.state import AcceleratorState

        AcceleratorState._reset_state()  # several runs in one process may differ in precision
        self.accelerator = Accelerator(
            cpu=not torch.cuda.is_available(), mixed_precision=spec.config.mixed_precision
        )
        self.recipe_cls = spec.recipe_cls
        self.name = spec.name
        self.config = spec.config
        self.out = spec.out
        self.command = spec.command
        self.main = self.accelerator.is_main_process
        self.world = self.accelerator.num_processes
        self.rank = self.accelerator.process_index
        self.store = CheckpointStore(self.out / "checkpoints")
        self.log = RunLog(self.out / "log.jsonl", enabled=self.main)
        self.flag = SignalFlag()
        self.step = 0
        self.position = DataPosition()
        self.best: dict[str, Any] | None = None
        self.elapsed_before = 0.0
        self.started = time.monotonic()
        self.average: tuple[str, torch.nn.Module, torch.nn.Module] | None = None
        self.last_saved = -1
        self.last_plot = -float("inf")

    # -- setup -------------------------------------------------------------------
    def setup(self, resume_from: Path | None) -> None:
        """Build everything from the seed, then (when resuming) overwrite it from the checkpoint.

        The order matters for exact resumes: all seeded construction happens
        first and the checkpoint's RNG states are restored last, right before
        the first step.
        """
        config = self.config
        rng.seed_everything(config.seed)
        self.recipe = self.recipe_cls(config)
        dataset = self.recipe.train_dataset()
        self.modules = self.recipe.build()
        self.optimizers = self.recipe.optimizers(self.modules)
        self.schedulers = self.recipe.schedulers(self.optimizers)
        self.average = self._average()
        self.pipeline = None
        if self.main:
            exported = dict(self.modules)
            if self.average is not None:  # the pipeline shares the average, not the last weights
                name, average, _ = self.average
                exported[name] = average
            with rng.isolated():
                self.pipeline = self.recipe.pipeline(exported)
        rng.seed_everything(config.seed + self.rank)
        ckpt = self._restore(resume_from) if resume_from is not None else None
        objects = [*self.modules.values(), *self.optimizers.values()]
        prepared = self.accelerator.prepare(*objects)
        prepared = list(prepared) if len(objects) > 1 else [prepared]
        count = len(self.modules)
        self.wrapped_modules = dict(zip(self.modules, prepared[:count], strict=True))
        self.wrapped_optimizers = dict(zip(self.optimizers, prepared[count:], strict=True))
        for module in self.modules.values():
            module.train()
        self.stream = BatchStream(
            dataset, batch_size=config.batch_size, rank=self.rank, world=self.world,
            seed=config.seed, shuffle=config.shuffle, num_workers=config.num_workers,
            device=self.accelerator.device, position=self.position,
        )
        if ckpt is not None:
            self._restore_rng(ckpt)

    def _average(self) -> tuple[str, torch.nn.Module, torch.nn.Module] | None:
        """(name, the moving average, the module) when ``ema`` > 0; the average joins the modules."""
        if self.config.ema <= 0:
            return None
        name = self.recipe_cls.averaged
        if name is None or name not in self.modules:
            raise XmodalError(
                f"recipe {self.name!r} keeps no moving average (ema {self.config.ema}): it "
                f"names no `averaged` module among {', '.join(self.modules)}"
            )
        average = averaged_copy(self.modules[name])  # no optimiser; checkpointed as a module
        self.modules[f"{name}_ema"] = average
        return name, average, self.modules[name]

    def _restore(self, path: Path) -> Checkpoint:
        ckpt = self.store.load(path)
        for name, module in self.modules.items():
            if name not in ckpt.modules:
                raise XmodalError(f"{path}: no state for module {name!r}")
            module.load_state_dict(ckpt.modules[name])
        for name, optimizer in self.optimizers.items():
            optimizer.load_state_dict(ckpt.optimizers[name])
        for name, scheduler in self.schedulers.items():
            scheduler.load_state_dict(ckpt.schedulers[name])
        state = ckpt.state
        self.step = ckpt.step
        self.position = DataPosition(**state["position"])
        self.best = state.get("best")
        self.elapsed_before = float(state.get("elapsed", 0.0))
        self.last_saved = self.step
        return ckpt

    def _restore_rng(self, ckpt: Checkpoint) -> None:
        state = ckpt.state
        if int(state.get("world_size", 1)) == self.world:
            prefix = f"rank{self.rank}."
            tensors = {k[len(prefix):]: v for k, v in ckpt.rng.items() if k.startswith(prefix)}
            rng.restore(state["rng"][self.rank], tensors)
            return
        if self.main:
            print(
                f"xmodal: note: the checkpoint was written by {state.get('world_size')} "
                f"processes, this run has {self.world}: random streams are reseeded",
                file=sys.stderr,
            )
        rng.seed_everything(self.config.seed + 7_919 * self.step + self.rank)

    # -- collectives ---------------------------------------------------------------
    def _gather(self, obj: Any) -> list[Any]:
        if self.world == 1:
            return [obj]
        out: list[Any] = [None] * self.world
        torch.distributed.all_gather_object(out, obj)
        return out

    def _broadcast(self, obj: Any) -> Any:
        if self.world == 1:
            return obj
        box = [obj]
        torch.distributed.broadcast_object_list(box, src=0)
        return box[0]

    def _reduce(self, losses: dict[str, float]) -> tuple[dict[str, float], int]:
        """Mean losses over processes, and a signal seen by any process."""
        if self.world == 1:
            return losses, self.flag.signum
        vec = torch.tensor(
            [*losses.values(), float(self.flag.signum)], dtype=torch.float64,
            device=self.accelerator.device,
        )
        torch.distributed.all_reduce(vec)
        values = (vec[:-1] / self.world).tolist()
        signum = self.flag.signum or (int(signal.SIGTERM) if vec[-1].item() > 0 else 0)
        return dict(zip(losses, values, strict=True)), signum

    # -- checkpoints and evaluation ------------------------------------------------------
    def elapsed(self) -> float:
        return self.elapsed_before + time.monotonic() - self.started

    def checkpoint(self, *, best: bool = False) -> Path:
        bad = _all_finite(self.modules)
        if bad is not None:
            where = self.store.latest()
            raise TrainingDiverged(
                f"parameters of {bad!r} became NaN/inf by step {self.step}; stopped; last good "
                f"checkpoint: {where or 'none'}"
            )
        info, tensors = rng.capture()
        gathered = self._gather((info, tensors))
        path = self.store.root / f"step-{self.step:06d}"
        if self.main:
            state = {
                "step": self.step,
                "position": {"epoch": self.position.epoch, "batch": self.position.batch},
                "best": self.best,
                "elapsed": self.elapsed(),
                "world_size": self.world,
                "recipe": self.name,
                "config": self.config.model_dump(mode="json"),
                "rng": [g[0] for g in gathered],
                "engine_version": __version__,
            }
            flat_rng = {f"rank{r}.{k}": v for r, g in enumerate(gathered) for k, v in g[1].items()}
            path = self.store.save(
                self.step, modules=self.modules, optimizers=self.optimizers,
                schedulers=self.schedulers, state=state, rng=flat_rng,
            )
            if best:
                self.store.mark_best(path)
            self.store.prune(self.config.keep_checkpoints)
            self.log.write("checkpoint", step=self.step, path=str(path.relative_to(self.out)))
            self.plot(force=False)
        self.last_saved = self.step
        self.accelerator.wait_for_everyone()
        return path

    def plot(self, *, force: bool = True) -> None:
        """Redraw losses.png: always at the end of a run, at most once a minute in between."""
        now = time.monotonic()
        if self.main and (force or now - self.last_plot >= PLOT_INTERVAL_S):
            plot_log(self.log.path, self.out / "losses.png", title=self.name)
            self.last_plot = now

    def evaluate(self, split: str) -> dict[str, float]:
        """The recipe's evaluation on the main process, with the training RNG untouched."""
        metrics: dict[str, float] = {}
        if self.main:
            assert self.pipeline is not None
            with rng.isolated(), torch.no_grad():
                self.pipeline.eval()
                try:
                    metrics = {k: float(v) for k, v in self.recipe.evaluate(self.pipeline, split).items()}
                finally:
                    for module in self.modules.values():
                        module.train()
        metrics = self._broadcast(metrics)
        return metrics

    def evaluate_and_select(self) -> None:
        metrics = self.evaluate(self.config.eval_split)
        improved = False
        selection = self.recipe_cls.selection
        if selection is not None and metrics:
            metric, mode = selection
            if metric not in metrics:
                raise XmodalError(
                    f"recipe {self.name!r} selects on {metric!r}, which its evaluation does not "
                    f"report (it reports {', '.join(sorted(metrics))})"
                )
            value = metrics[metric]
            old = None if self.best is None else self.best["value"]
            improved = old is None or (value > old if mode == "max" else value < old)
            if improved:
                self.best = {"metric": metric, "value": value, "step": self.step}
        self.log.write(
            "eval", step=self.step, split=self.config.eval_split, metrics=metrics, best=improved
        )
        if improved:
            self.checkpoint(best=True)

    # -- the loop ------------------------------------------------------------------------
    def loop(self) -> None:
        from tqdm.auto import tqdm

        config = self.config
        bar = tqdm(
            total=config.steps, initial=self.step, unit="step", dynamic_ncols=True,
            disable=not (self.main and config.progress), desc=self.name, smoothing=0.05,
        )
        window_start, window_steps = time.monotonic(), 0
        try:
            while self.step < config.steps:
                ctx = StepContext(
                    step=self.step, seed=config.seed, modules=self.wrapped_modules,
                    optimizers=self.wrapped_optimizers, accelerator=self.accelerator,
                    next_batch=self.next_batch,
                )
                losses = self.recipe.train_step(self.next_batch(), ctx)
                if self.average is not None:
                    update_average(self.average[1], self.average[2], config.ema)
                for scheduler in self.schedulers.values():
                    scheduler.step()
                self.step += 1
                window_steps += 1
                values, signum = self._reduce(_scalar_losses(losses))
                bad = first_nonfinite(values)
                if bad is not None:
                    self.diverged(bad, values[bad])
                bar.update(1)
                bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()}, refresh=False)
                if self.step % config.log_every == 0 or self.step == config.steps:
                    now = time.monotonic()
                    rate = window_steps * config.batch_size / max(now - window_start, 1e-9)
                    window_start, window_steps = now, 0
                    self.log.write(
                        "train", step=self.step, epoch=self.position.epoch,
                        elapsed=round(self.elapsed(), 3), samples_per_s=round(rate, 2),
                        losses=values,
                    )
                if config.eval_every and self.step % config.eval_every == 0:
                    self.evaluate_and_select()
                due = config.checkpoint_every and self.step % config.checkpoint_every == 0
                if due and self.last_saved != self.step:
                    self.checkpoint()
                if signum:
                    self.interrupted(signum)
        finally:
            bar.close()

    def next_batch(self) -> Any:
        batch = next(self.stream)
        self.position = self.stream.position
        return batch

    def diverged(self, loss: str, value: float) -> None:
        last = self.store.latest()
        where = f"last good checkpoint: {last}" if last else "no checkpoint was written yet"
        self.log.write("diverged", step=self.step, loss=loss, value=value)
        self.plot()
        raise TrainingDiverged(
            f"loss {loss!r} became {value} at step {self.step}; training stopped; {where} "
            f"(resume with --resume, e.g. with a lower learning rate via --set)"
        )

    def interrupted(self, signum: int) -> None:
        path = self.checkpoint() if self.last_saved != self.step else self.store.latest()
        signame = signal.Signals(signum).name
        self.log.write("interrupted", step=self.step, signal=signame)
        self.plot()
        raise TrainingInterrupted(
            f"stopped by {signame} at step {self.step}/{self.config.steps}; checkpoint {path}; "
            f"continue with: {self.command} --resume",
            signum,
        )

    def finish(self) -> TrainResult:
        if self.last_saved != self.step:
            self.checkpoint()
        if self.recipe_cls.selection is not None and (
            not self.config.eval_every or self.step % self.config.eval_every
        ):
            self.evaluate_and_select()
        best = self.store.pointer("best") if self.recipe_cls.selection else None
        if best is not None and best.name != f"step-{self.step:06d}":
            ckpt = self.store.load(best)
            for name, module in self.modules.items():
                module.load_state_dict(ckpt.modules[name])
        metrics = self.evaluate(self.config.final_split)
        model_dir = None
        if self.main:
            assert self.pipeline is not None
            card = self.recipe.card(metrics)
            if not card.training_command:
                card.training_command = self.command
            model_dir = self.out / "model"
            self.pipeline.save_pretrained(model_dir, metrics=metrics, card=card)
            self.log.write(
                "end", step=self.step, split=self.config.final_split, metrics=metrics,
                best=self.best, elapsed=round(self.elapsed(), 3),
            )
            self.plot()
        self.accelerator.wait_for_everyone()
        return TrainResult(
            out=self.out, steps=self.step, elapsed=self.elapsed(), model_dir=model_dir,
            metrics=metrics, best=self.best, modules=self.modules,
        )


def train(
    recipe: str | type[Recipe[Any]],
    out: str | os.PathLike[str],
    *,
    preset: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    resume: bool = False,
    name: str | None = None,
) -> TrainResult:
    """Train a registered recipe (by name) or a Recipe class; see the module docstring.

    ``resume=True`` continues from the last valid checkpoint in ``out`` (or
    starts afresh if there is none), with the saved config plus ``overrides``.
    Raises :class:`TrainingInterrupted` after checkpointing on SIGTERM/SIGINT and
    :class:`TrainingDiverged` on a NaN/inf loss.
    """
    spec = resolve_run(recipe, Path(out), preset=preset, overrides=overrides or {}, resume=resume,
                       name=name)
    config = spec.config
    previous_determinism = torch.are_deterministic_algorithms_enabled()
    previous_threads = torch.get_num_threads()
    if config.deterministic:
        torch.use_deterministic_algorithms(True, warn_only=True)
    if config.threads:
        torch.set_num_threads(config.threads)
    try:
        run = _Run(spec)
        resume_from = None
        if spec.resuming:
            if run.main:
                run.store.clean_temporaries()
            run.accelerator.wait_for_everyone()
            resume_from = run.store.latest()
        run.setup(resume_from)
        if run.main:
            spec.out.mkdir(parents=True, exist_ok=True)
            spec.write()
            if resume_from is not None:
                run.log.truncate(run.step)
                run.log.write("resume", step=run.step, checkpoint=resume_from.name,
                              processes=run.world)
            else:
                run.log.truncate(0)
                run.log.write("start", step=0, recipe=spec.name, preset=spec.preset,
                              processes=run.world, config=config.model_dump(mode="json"))
        with run.flag.installed():
            run.loop()
            return run.finish()
    finally:
        torch.use_deterministic_algorithms(previous_determinism)
        torch.set_num_threads(previous_threads)
