"""The public surface: ``engine`` and ``engine.plugin`` export exactly what they list."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import engine
import engine.plugin

MODULES = [engine, engine.plugin]
#: Module-level names that are machinery, not API.
_HELPERS = {"TYPE_CHECKING", "annotations", "lazy_getattr"}


def _public(module: ModuleType) -> set[str]:
    """Names a module offers: its lazy table plus what it imported or defined eagerly."""
    lazy = set(getattr(module, "_LAZY", {}))
    eager = {n for n, v in vars(module).items() if not n.startswith("_")
             and not isinstance(v, ModuleType) and n not in _HELPERS}
    return lazy | eager | ({"__version__"} & set(vars(module)))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_is_sorted_and_complete(module: ModuleType) -> None:
    assert module.__all__ == sorted(module.__all__)
    assert len(set(module.__all__)) == len(module.__all__)
    assert set(module.__all__) == _public(module)
    assert dir(module) == module.__all__


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_name_resolves_to_an_engine_object(module: ModuleType) -> None:
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__module__.split(".")[0] == "engine", (name, obj.__module__)


def test_plugin_module_offers_everything_engine_offers_plugins() -> None:
    """What a plugin uses from ``engine`` is the same object from ``engine.plugin``."""
    shared = set(engine.__all__) & set(engine.plugin.__all__)
    assert {"Pipeline", "PipelineConfig", "hookimpl", "API_VERSION", "PluginError"} <= shared
    for name in shared:
        assert getattr(engine.plugin, name) is getattr(engine, name), name


def test_importing_the_contract_does_not_import_torch() -> None:
    probe = (
        "import sys, engine, engine.plugin\n"
        "from engine.plugin import API_VERSION, RegisterModel, RegisterRecipe, hookimpl\n"
        "heavy = [m for m in ('torch', 'numpy', 'pydantic') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_package_is_marked_typed() -> None:
    """PEP 561: ``engine/py.typed`` ships inside the package (hatch packs all of ``engine/``)."""
    assert (Path(engine.__file__).parent / "py.typed").is_file()
