"""Plugin discovery: lazy listing, isolation of broken plugins, API checks, suggestions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from engine import ModelNotFoundError, PluginError
from engine.plugins import PluginManager

from cli_helpers import TESTS, run_xmodal
from plugin_fixtures import install_fake_plugin

PAPERS = {"face2nsynth", "aivae", "sound2image", "cmgan", "voice2face"}

GOOD = '''
import engine
__xmodal_api__ = ">=1,<2"
@engine.hookimpl
def register_models(register):
    register("goodmodel", pipeline="tinyplug:TinyAudioToImage", task="audio -> image")
'''


def test_list_json_has_catalogue(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "good", GOOD, models=["goodmodel"])
    result = run_xmodal("list", "--json", path=[tmp_path, TESTS])
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    by_name = {r["name"]: r for r in rows}
    assert set(by_name) >= PAPERS
    for row in rows:
        assert {"name", "plugin", "task", "installed"} <= set(row)
        assert isinstance(row["installed"], bool)
    assert by_name["goodmodel"]["installed"] is True
    assert by_name["face2nsynth"]["task"] == "image -> audio"


def test_list_without_torch(tmp_path: Path) -> None:
    """A `torch` that cannot be imported first on the path must not matter to listing."""
    fake = tmp_path / "torch"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('torch is broken here')\n")
    install_fake_plugin(tmp_path, "good", GOOD, models=["goodmodel"])
    result = run_xmodal("list", "--json", path=[tmp_path])
    assert result.returncode == 0, result.stderr
    assert {r["name"] for r in json.loads(result.stdout)} >= PAPERS
    probe = (
        "import sys; from engine.cli import main\n"
        "try:\n    main(['list'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('torch', 'fake_good', 'pydantic', 'numpy') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    env_path = f"{tmp_path}"
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr


def test_broken_plugin_is_isolated(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "broken", "raise RuntimeError('kaboom at import')\n")
    install_fake_plugin(tmp_path, "good", GOOD)
    listed = run_xmodal("list", path=[tmp_path, TESTS])
    assert listed.returncode == 0, listed.stderr
    shown = run_xmodal("plugins", path=[tmp_path, TESTS])
    assert shown.returncode == 0, shown.stderr
    broken = [line for line in shown.stdout.splitlines() if line.startswith("broken")]
    assert broken and "FAILED" in broken[0] and "kaboom at import" in broken[0]
    assert any(line.startswith("good") and "register_models" in line
               for line in shown.stdout.splitlines())
    strict = run_xmodal("plugins", path=[tmp_path, TESTS], env={"XMODAL_STRICT_PLUGINS": "1"})
    strict.assert_user_error("kaboom at import")


def test_api_version_range_is_enforced(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "future", '__xmodal_api__ = ">=2,<3"\n')
    install_fake_plugin(tmp_path, "anon", "x = 1\n")
    shown = run_xmodal("plugins", path=[tmp_path])
    assert shown.returncode == 0
    assert "supports engine API >=2,<3 but this engine speaks 1.0" in shown.stdout
    assert "does not declare __xmodal_api__" in shown.stdout


def test_manager_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_fake_plugin(tmp_path, "broken", "raise RuntimeError('kaboom')\n")
    install_fake_plugin(tmp_path, "good", GOOD)
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = PluginManager(strict=False)
    assert {"broken", "good"} <= set(manager.infos())
    assert all(i.state == "available" for i in manager.infos().values())  # nothing imported
    manager.load_all()
    assert manager.infos()["broken"].state == "failed"
    assert "goodmodel" in manager.models
    assert manager.models.get("goodmodel").plugin == "good"  # type: ignore[union-attr]
    with pytest.raises(PluginError, match="kaboom"):
        PluginManager(strict=True).load("broken")


def test_duplicate_model_names_fail_the_second_plugin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_plugin(tmp_path, "good", GOOD)
    install_fake_plugin(tmp_path, "copycat", GOOD, module="fake_copycat")
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = PluginManager(strict=False)
    manager.load_all()
    assert "goodmodel" in manager.models
    states = {n: manager.infos()[n].state for n in ("good", "copycat")}
    assert sorted(states.values()) == ["failed", "loaded"]
    failed = next(n for n, s in states.items() if s == "failed")
    assert "already registered" in manager.infos()[failed].error


def test_unknown_and_uninstalled_models() -> None:
    import engine

    with pytest.raises(ModelNotFoundError, match="did you mean 'face2nsynth'"):
        engine.load("face2synth")
    from engine.catalogue import catalogue

    manager = engine.get_manager()
    absent = [e for e in catalogue().values() if not manager.is_installed(e.plugin)]
    for entry in absent[:1]:
        with pytest.raises(ModelNotFoundError, match=f"not installed; .*plugins/{entry.plugin}"):
            engine.load(entry.name)
    with pytest.raises(ModelNotFoundError, match="no such model folder"):
        engine.load("./no/such/folder")


def test_registry_reference_sees_plugins_loaded_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_fake_plugin(tmp_path, "good", GOOD)
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = PluginManager(strict=False)
    models = manager.models  # taken before the plugin is imported
    assert "goodmodel" not in models
    manager.load("good")
    assert "goodmodel" in models


# -- one source of model metadata ------------------------------------------------
ROOT = TESTS.parent
IN_TREE = sorted([*ROOT.glob("plugins/*/pyproject.toml"),
                  ROOT / "examples" / "xmodal-negative" / "pyproject.toml"])


def _entry_points(pyproject: Path) -> tuple[str, str, list[str]]:
    """(plugin name, plugin module, names announced in xmodal.models) from a pyproject."""
    import tomllib

    eps = tomllib.loads(pyproject.read_text())["project"]["entry-points"]
    ((name, module),) = eps["xmodal"].items()
    return name, module, sorted(eps.get("xmodal.models", {}))


@pytest.mark.parametrize("pyproject", IN_TREE, ids=lambda p: p.parent.name)
def test_in_tree_plugins_agree_with_the_catalogue(
    pyproject: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """registry.toml, xmodal.models and register_models describe each model once, consistently."""
    import importlib

    from engine.catalogue import catalogue
    from engine.cli.fastlist import MODELS_GROUP
    from engine.entrypoints import entry_points
    from engine.plugins import check_models

    name, module, announced = _entry_points(pyproject)
    manager = PluginManager(strict=True)
    if manager.is_installed(name):
        installed = sorted(ep.name for ep in entry_points(MODELS_GROUP) if ep.value == name)
        assert installed == announced, f"the installed {name} is stale: reinstall it (-e)"
        manager.load(name)
    else:
        monkeypatch.syspath_prepend(str(pyproject.parent))
        manager.register_module(importlib.import_module(module), name=name)
    assert check_models(name, announced=announced, manager=manager) == []
    for model, entry in catalogue().items():
        spec = manager.models.get(model)
        if entry.plugin == name:
            assert spec is not None and (spec.task, spec.description) == (entry.task,
                                                                          entry.description)


def _plugin(source: str, name: str) -> ModuleType:
    module = ModuleType(name)
    module.__xmodal_api__ = ">=1,<2"  # type: ignore[attr-defined]
    exec(compile("import engine\n" + source, f"<{name}>", "exec"), module.__dict__)
    return module


def test_catalogued_models_take_their_metadata_from_the_catalogue() -> None:
    from engine.catalogue import catalogue

    entry = catalogue()["cmgan"]
    manager = PluginManager(strict=True)
    manager.register_module(_plugin(
        "@engine.hookimpl\ndef register_models(register):\n"
        "    register('cmgan', pipeline='tinyplug:TinyAudioToImage')\n", "fake_cmgan"),
        name="cmgan")
    spec = manager.models.get("cmgan")
    assert spec is not None and (spec.task, spec.description) == (entry.task, entry.description)


@pytest.mark.parametrize(("plugin", "call", "message"), [
    ("cmgan", "register('cmgan', pipeline='m:C', task='image -> image')",
     "registers task 'image -> image' but registry.toml says 'audio -> image'"),
    ("cmgan", "register('cmgan', pipeline='m:C', description='Something else.')",
     "registers description 'Something else.'"),
    ("squatter", "register('cmgan', pipeline='m:C')",
     "catalogued (registry.toml) as provided by the plugin 'cmgan'"),
])
def test_registrations_that_contradict_the_catalogue_are_refused(
    plugin: str, call: str, message: str
) -> None:
    manager = PluginManager(strict=True)
    source = f"@engine.hookimpl\ndef register_models(register):\n    {call}\n"
    manager.register_module(_plugin(source, f"fake_{plugin}"), name=plugin)
    with pytest.raises(PluginError, match=re.escape(message)):
        manager.models.names()


def test_check_models_reports_each_disagreement(tmp_path: Path) -> None:
    from engine.plugins import check_models

    manager = PluginManager(strict=False)
    manager.register_module(_plugin(
        "@engine.hookimpl\ndef register_models(register):\n"
        "    register('unlisted', pipeline='m:C', task='audio -> image')\n"
        "    register('cmgan-i2s', pipeline='m:C', weights='org/elsewhere')\n", "fake_cmgan"),
        name="cmgan")
    problems = check_models("cmgan", announced=["cmgan-i2s", "ghost"], manager=manager)
    text = "\n".join(problems)
    assert "registry.toml lists 'cmgan' but the plugin does not register it" in text
    assert "'ghost' is announced in xmodal.models but not registered" in text
    assert "'cmgan-i2s' is both in registry.toml and announced" in text
    assert "'unlisted' is registered but neither in registry.toml nor announced" in text
    assert "'cmgan-i2s' should have bundled weights" in text
    assert len(problems) == 5


# -- the callbacks' contract -------------------------------------------------------
def test_every_register_callback_accepts_what_its_protocol_promises() -> None:
    """The callbacks take their protocol's parameters, under the same names for keywords."""
    import inspect

    from engine import hookspecs

    protocols = {"register_models": hookspecs.RegisterModel,
                 "register_datasets": hookspecs.RegisterDataset,
                 "register_metrics": hookspecs.RegisterMetric,
                 "register_recipes": hookspecs.RegisterRecipe}
    manager = PluginManager(strict=True)
    for hook, protocol in protocols.items():
        assert inspect.signature(getattr(hookspecs, hook)).parameters["register"].annotation == \
            protocol.__name__
        promised = list(inspect.signature(protocol.__call__).parameters.values())[1:]
        given = inspect.signature(manager._registrar(hook, "someone")).parameters
        assert len(given) == len(promised), hook
        for want, have in zip(promised, given.values(), strict=True):
            if want.kind is inspect.Parameter.KEYWORD_ONLY:
                assert have.name == want.name and have.kind is want.kind, (hook, want)
            assert have.default == want.default, (hook, want)


# -- metrics: registered, then looked up by recipes and `xmodal eval` ---------------
CONSTANT_METRIC = '''
from engine.interfaces import Metric

class Constant(Metric):
    def __init__(self, value=1.0):
        self.value = value
    def update(self, *args, **kwargs):
        pass
    def compute(self):
        return {"constant": self.value}
    def reset(self):
        pass

@engine.hookimpl
def register_metrics(register):
    register("constant", Constant)
    register("not-a-metric", dict)
'''


def test_recipes_build_registered_metrics_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.plugins
    from engine import XmodalError
    from engine.plugin import build_metric

    monkeypatch.setattr(engine.plugins, "_MANAGER", None)  # a fresh process-wide manager
    engine.plugins.get_manager().register_module(_plugin(CONSTANT_METRIC, "fake_metrics"),
                                                 name="metrics-plugin")
    assert build_metric("constant", value=3.0).compute() == {"constant": 3.0}
    assert "compute" in dir(build_metric("silhouette"))  # the engine's own, through the registry
    with pytest.raises(XmodalError, match="did you mean 'constant'"):
        build_metric("constnt")
    with pytest.raises(PluginError, match="metrics-plugin: metric 'not-a-metric' built a dict"):
        build_metric("not-a-metric")


def test_eval_lists_the_registered_metrics(tmp_path: Path) -> None:
    install_fake_plugin(tmp_path, "metrics", "import engine\n__xmodal_api__ = '>=1,<2'\n"
                        + CONSTANT_METRIC)
    result = run_xmodal("eval", "--list-metrics", path=[tmp_path])
    assert result.returncode == 0, result.stderr
    owners = dict(line.split()[:2] for line in result.stdout.splitlines())
    assert owners["constant"] == "metrics" and owners["frechet-distance"] == "engine"
