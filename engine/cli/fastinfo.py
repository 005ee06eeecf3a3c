"""``xmodal info`` for local and bundled models, without click, pydantic or torch.

A model summary is a read of ``config.json``, ``metrics.json`` and the
catalogue, so it should cost about as much as starting Python. Finding the
folder through the hub would mean importing the plugin (and with it pluggy),
and validating the config with pydantic; both cost several times the whole
interpreter start. So :func:`engine.cli.main` sends plain ``info NAME [--json]``
here first, and this module answers only what it can answer with certainty:

- ``NAME`` is an existing folder, or
- ``NAME`` is a catalogued (or entry-point announced) model with bundled
  weights, its plugin is installed, and the plugin package holds
  ``weights/NAME/config.json`` (the layout plugins ship, see
  docs/plugin-authoring.md) whose ``name`` and ``plugin`` say it is that model.

Everything else (Hub ids, unknown names, odd configs) returns ``None`` and the
full command in :mod:`engine.cli.models` answers it, with its precise errors.

Even ``import json`` is a third of the budget (its decoder compiles regular
expressions at import), so the two JSON files are read through a small
``marshal`` cache keyed by each file's path, size and mtime, as the catalogue
is; a changed file is parsed again.
"""

from __future__ import annotations

import os
import sys

from .._marshalcache import load_marshal, save_marshal
from ..catalogue import catalogue, user_cache_dir
from ..entrypoints import entry_points
from ..errors import CheckpointError, XmodalError

TYPE_CHECKING = False  # no `typing` import at run time: this is a hot path
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "CONFIG_FIELDS",
    "CONFIG_NAME",
    "METRICS_NAME",
    "README_NAME",
    "bundled_folder",
    "local_folder",
    "read_json_object",
    "render",
    "run",
    "summarise",
]

CONFIG_NAME = "config.json"
METRICS_NAME = "metrics.json"
README_NAME = "README.md"
#: The fields of :class:`engine.config.PipelineConfig` (a test keeps the two in step);
#: a config with any other key is left to the full, validating path.
CONFIG_FIELDS = frozenset(
    {"model_type", "plugin", "name", "api_version", "architecture", "preprocessing",
     "references", "weights_sha256"}
)
_MODELS_GROUP = "xmodal.models"  # engine.cli.fastlist.MODELS_GROUP, not imported: it pulls the listing in


def read_json_object(path: str) -> dict[str, Any] | None:
    """The JSON object in ``path``; ``None`` when the file is missing."""
    if not os.path.isfile(path):
        return None
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    return data


class _ParseCache:
    """Parsed JSON files by absolute path, valid while a file's size and mtime stay."""

    _LIMIT = 64  # files remembered; the oldest go first

    def __init__(self) -> None:
        self.path = os.path.join(user_cache_dir(), "info-v1.marshal")
        self.entries: dict[str, tuple[int, int, dict[str, Any] | None]] = {}
        self.changed = False
        loaded = load_marshal(self.path)
        if isinstance(loaded, dict):
            self.entries = loaded

    def read(self, path: str) -> dict[str, Any] | None:
        """:func:`read_json_object` of ``path``, from the cache when the file is unchanged."""
        path = os.path.abspath(path)
        try:
            st = os.stat(path)
        except OSError:
            return read_json_object(path)
        hit = self.entries.get(path)
        if isinstance(hit, tuple) and hit[:2] == (st.st_mtime_ns, st.st_size):
            return hit[2]
        data = read_json_object(path)
        self.entries.pop(path, None)
        self.entries[path] = (st.st_mtime_ns, st.st_size, data)
        while len(self.entries) > self._LIMIT:
            del self.entries[next(iter(self.entries))]
        self.changed = True
        return data

    def save(self) -> None:
        """Write the cache back if it learnt anything; a cache we cannot write costs a parse."""
        if self.changed:
            save_marshal(self.path, self.entries)


def _plain_config(folder: str, cache: _ParseCache) -> dict[str, Any] | None:
    """``config.json`` when it is certainly valid in the fields ``info`` shows, else ``None``."""
    try:
        config = cache.read(os.path.join(folder, CONFIG_NAME))
    except XmodalError:
        return None
    if config is None or not set(config) <= CONFIG_FIELDS:
        return None
    for key in ("model_type", "plugin", "name"):
        if not isinstance(config.get(key), str) or not config[key]:
            return None
    if not isinstance(config.get("architecture", {}), dict):
        return None
    return config


def local_folder(ref: str) -> str | None:
    """``ref`` as a folder path, written as :class:`pathlib.Path` would print it."""
    path = os.path.expanduser(ref) if ref.startswith("~") else ref
    if not os.path.isdir(path):
        return None
    root = os.sep if path.startswith(os.sep) else ""
    return root + os.sep.join(p for p in path.split(os.sep) if p not in ("", ".")) or "."


def bundled_folder(name: str, cache: _ParseCache) -> str | None:
    """The bundled pretrained folder of model ``name``, found without importing its plugin."""
    entry = catalogue().get(name)
    if entry is not None:
        if entry.weights != "bundled":
            return None
        plugin = entry.plugin
    else:
        announced = [ep.value for ep in entry_points(_MODELS_GROUP) if ep.name == name]
        if not announced:
            return None
        plugin = announced[0]
    modules = [ep.value for ep in entry_points("xmodal") if ep.name == plugin]
    if not modules or not modules[0].isidentifier():  # dotted or module:attr: let the hub decide
        return None
    for package_dir in _package_dirs(modules[0]):
        folder = os.path.join(package_dir, "weights", name)
        config = _plain_config(folder, cache)
        if config is not None and config["name"] == name and config["plugin"] == plugin:
            return folder
    return None


def _package_dirs(module: str) -> list[str]:
    """Where the top-level package ``module`` would be imported from, without importing it.

    Asks the import system's finders in order, as an import would
    (``importlib.util.find_spec`` does the same, but importing it costs more
    than the rest of this command).
    """
    loaded = sys.modules.get(module)
    spec = getattr(loaded, "__spec__", None)
    for finder in [] if spec is not None else sys.meta_path:
        find = getattr(finder, "find_spec", None)
        try:
            spec = find(module, None) if find is not None else None
        except (ImportError, ValueError):
            return []
        if spec is not None:
            break
    return list(getattr(spec, "submodule_search_locations", None) or [])


def summarise(folder: str, config: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any]:
    """What ``info`` reports about the model in ``folder`` (also its ``--json`` object)."""
    entry = catalogue().get(config["name"])
    card = os.path.join(folder, README_NAME)
    return {
        "name": config["name"],
        "plugin": config["plugin"],
        "model_type": config["model_type"],
        "task": entry.task if entry else "",
        "paper": entry.paper.title if entry and entry.paper else "",
        "folder": folder,
        "architecture": config.get("architecture") or {},
        "metrics": metrics,
        "card": card if os.path.isfile(card) else "",
    }


def render(summary: dict[str, Any], as_json: bool) -> str:
    """The summary as ``info`` prints it: aligned ``key: value`` lines, or indented JSON."""
    if as_json:
        import json

        return json.dumps(summary, indent=2)
    lines = [
        f"{key + ':':<12} {summary[key]}"
        for key in ("name", "plugin", "model_type", "task", "paper", "folder")
        if summary[key]
    ]
    if summary["architecture"]:
        arch = ", ".join(f"{k}={v}" for k, v in summary["architecture"].items())
        lines.append(f"{'arch:':<12} {arch}")
    lines.extend(f"{'metric:':<12} {k} = {v}" for k, v in summary["metrics"].items())
    if summary["card"]:
        lines.append(f"{'card:':<12} {summary['card']}")
    return "\n".join(lines)


def run(ref: str, as_json: bool) -> int | None:
    """Print the summary and return 0, or return ``None`` when the full command must answer."""
    if "+" in ref:
        return None
    cache = _ParseCache()
    try:
        folder = local_folder(ref) or bundled_folder(ref, cache)
        config = _plain_config(folder, cache) if folder else None
        if folder is None or config is None:
            return None
        metrics = cache.read(os.path.join(folder, METRICS_NAME)) or {}
    except XmodalError:
        return None
    finally:
        cache.save()
    sys.stdout.write(render(summarise(folder, config, metrics), as_json) + "\n")
    return 0
