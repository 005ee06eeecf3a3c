"""Recipe configs: presets, --set overrides, and the recipe contract checks."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from engine.errors import PluginError, XmodalError
from engine.testing.toy import ToyGanConfig, ToyGanRecipe
from engine.train import REQUIRED_PRESETS, Recipe, find_recipe, parse_overrides
from engine.train.config import apply_overrides
from engine.train.recipe import check_recipe_class


def test_parse_overrides_reads_json_values_and_keeps_strings() -> None:
    got = parse_overrides(["steps=20", "lr_critic=1e-3", "betas=[0.1, 0.2]", "eval_split=val",
                           "progress=false", "architecture.width=8"])
    assert got == {"steps": 20, "lr_critic": 1e-3, "betas": [0.1, 0.2], "eval_split": "val",
                   "progress": False, "architecture.width": 8}
    with pytest.raises(XmodalError, match="key=value"):
        parse_overrides(["steps"])


def test_presets_layer_on_defaults_and_overrides_on_presets() -> None:
    config = ToyGanRecipe.configure("test", {"steps": 3, "architecture.width": 6})
    assert isinstance(config, ToyGanConfig)
    assert config.steps == 3
    assert config.architecture.width == 6
    assert config.architecture.noise_dim == 4  # from the preset, beside the override
    assert config.train_size == 64
    assert ToyGanRecipe.configure("paper").critic_steps == 5


def test_unknown_preset_and_setting_fail_with_suggestions() -> None:
    with pytest.raises(XmodalError, match="did you mean 'cpu-small'"):
        ToyGanRecipe.configure("cpu-smal")
    with pytest.raises(XmodalError, match="did you mean 'steps'"):
        ToyGanRecipe.configure("test", {"stepz": 3})
    with pytest.raises(XmodalError, match="did you mean 'width'"):
        ToyGanRecipe.configure("test", {"architecture.widht": 3})
    with pytest.raises(XmodalError, match="steps"):
        ToyGanRecipe.configure("test", {"steps": 0})


def test_apply_overrides_revalidates() -> None:
    config = ToyGanRecipe.configure("test")
    assert apply_overrides(config, {"steps": 50}).steps == 50
    with pytest.raises(XmodalError, match="mixed_precision"):
        apply_overrides(config, {"mixed_precision": "fp8"})


def test_recipes_must_offer_the_required_presets() -> None:
    class Incomplete(ToyGanRecipe):
        presets: ClassVar[dict[str, dict[str, Any]]] = {"test": {}}

    with pytest.raises(PluginError, match="cpu-small, paper"):
        check_recipe_class("incomplete", Incomplete)
    with pytest.raises(PluginError, match="not an engine.train.Recipe"):
        check_recipe_class("bad", object)
    assert set(REQUIRED_PRESETS) <= set(ToyGanRecipe.presets)


def test_builtin_recipe_is_registered_lazily() -> None:
    assert find_recipe("toy-gan") is ToyGanRecipe
    assert issubclass(find_recipe("toy-gan"), Recipe)
    with pytest.raises(XmodalError, match="did you mean 'toy-gan'"):
        find_recipe("toy-gam")


def test_uniform_index_stays_inside_each_pool() -> None:
    import torch

    from engine.train import uniform_index

    u = torch.tensor([0.0, 0.49, 0.5, 0.999999, 1.0])
    assert uniform_index(u, 2).tolist() == [0, 0, 1, 1, 1]  # u = 1.0 is clamped, not 2
    sizes = torch.tensor([1, 3, 4, 10, 7])
    assert uniform_index(u, sizes).tolist() == [0, 1, 2, 9, 6]
