"""The plugin registers both catalogued models and recipes and its command group."""

from __future__ import annotations

from click.testing import CliRunner

from engine.plugins import PluginManager


def test_both_models_and_recipes_are_registered() -> None:
    manager = PluginManager(strict=True)
    manager.load("cmgan")
    models = {n: s for n, s in manager.models.items() if s.plugin == "cmgan"}
    assert set(models) == {"cmgan", "cmgan-i2s"}
    assert str(models["cmgan"].weights).endswith("weights/cmgan")
    assert str(models["cmgan-i2s"].weights).endswith("weights/cmgan-i2s")
    assert models["cmgan"].task == "audio -> image" and models["cmgan-i2s"].task == "image -> audio"
    assert {"cmgan", "cmgan-i2s"} <= set(manager.recipes.names())


def test_command_group_lists_the_core_tools() -> None:
    from xmodal_cmgan.commands import cmgan_group

    result = CliRunner().invoke(cmgan_group, ["--help"])
    assert result.exit_code == 0 and "train-classifiers" in result.output
