"""The engine's imports run one way: media <- roles <- pipeline <- folders <- plugins <- app.

A lower layer that imports a higher one (even inside a function) ties them into
one knot: the data layer reaching for the plugin manager, the pipeline for the
demo. Two checks guard the rule: every ``import`` in ``engine/`` (outside
``TYPE_CHECKING`` blocks) against the layer table below, and fresh interpreters
that import a layer, use it, and list which engine modules came along.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"

#: Layer of each module (longest matching prefix wins). Lower numbers are lower layers.
LAYERS: dict[str, int] = {
    # 0: leaf utilities that import nothing above them
    "engine._version": 0, "engine.errors": 0, "engine._lazy": 0, "engine._wiring": 0,
    "engine._marshalcache": 0,
    "engine.fileio": 0, "engine.install": 0, "engine.config": 0, "engine.catalogue": 0,
    "engine.entrypoints": 0, "engine.pictures": 0, "engine.names": 0,
    # 1: media values
    "engine.media": 1,
    # 2: the four roles and the metrics built on them; the data layer sits beside them
    "engine.interfaces": 2, "engine.encoders": 2, "engine.decoders": 2, "engine.metrics": 2,
    "engine.data": 2,
    # 3: pipelines and chains of them
    "engine.pipeline": 3, "engine.chaining": 3,
    # 4: pretrained folders and the Hub
    "engine.pretrained": 4, "engine.card": 4, "engine.hub": 4, "engine.frozen": 4, "engine.assemble": 4,
    # 5: plugins, and loading models by name through them
    "engine.plugins": 5, "engine.registry": 5, "engine.hookspecs": 5, "engine.loading": 5, "engine.chain": 5,
    # 6: the training runtime (finds recipes through the plugins)
    "engine.train": 6, "engine.train.__main__": 7,
    # 7: what users and plugins call: the package facade, the engine's own hooks, CLI, demo
    "engine": 7, "engine.plugin": 7, "engine.builtins": 7, "engine.cli": 7, "engine.demo": 7,
    "engine.testing": 7, "engine.web": 7,
}
#: The data layer imports utilities and media only, and only the layers from plugins up use it.
DATA_MAY_IMPORT = {0, 1}
DATA_USED_FROM = 5
#: The Hugging Face facade on Pipeline (save_pretrained, from_pretrained, push_to_hub)
#: calls up into the folder format and the loader, imported when called.
ALLOWED_UPWARD = {("engine.pipeline", "engine.pretrained"), ("engine.pipeline", "engine.loading")}


def layer_of(module: str) -> tuple[str, int]:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return best, LAYERS[best]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def engine_imports(path: Path, module: str) -> set[str]:
    """Engine modules ``path`` imports at run time (anywhere in the file, not type-only)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            if name == "engine" or (node.level and node.module is None):
                found.update(f"{name}.{alias.name}" for alias in node.names)
            elif name.startswith("engine"):
                found.add(name)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("engine"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m != module}


def violations() -> list[str]:
    problems = []
    for path in sorted(ENGINE.rglob("*.py")):
        module = ".".join(path.relative_to(ENGINE.parent).with_suffix("").parts).removesuffix(
            ".__init__")
        src_group, src = layer_of(module)
        for target in sorted(engine_imports(path, module)):
            dst_group, dst = layer_of(target)
            if src_group == dst_group or (module, dst_group) in ALLOWED_UPWARD:
                continue
            if src_group == "engine.data":
                ok = dst in DATA_MAY_IMPORT
            elif dst_group == "engine.data":
                ok = src >= DATA_USED_FROM
            else:
                ok = dst <= src
            if not ok:
                problems.append(f"{module} (layer {src}) imports {target} (layer {dst})")
    return problems


def test_every_engine_module_has_a_layer() -> None:
    for path in ENGINE.rglob("*.py"):
        module = ".".join(path.relative_to(ENGINE.parent).with_suffix("").parts)
        assert layer_of(module.removesuffix(".__init__"))


def test_imports_point_down() -> None:
    problems = violations()
    assert not problems, "imports against the layer order:\n" + "\n".join(problems)


def _modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, cwd=ENGINE.parent)
    return {m for m in json.loads(result.stdout.splitlines()[-1]) if m.startswith("engine")}


def _pulled(modules: set[str], *prefixes: str) -> list[str]:
    return sorted(m for m in modules for p in prefixes if m == p or m.startswith(p + "."))


@pytest.mark.parametrize(("code", "forbidden"), [
    ("import engine.pipeline",
     ("engine.data", "engine.demo", "engine.plugins", "engine.loading", "engine.hub", "engine.train")),
    ("import engine.chaining",
     ("engine.data", "engine.plugins", "engine.loading", "engine.pretrained")),
    ("import engine.pretrained, engine.hub",
     ("engine.data", "engine.plugins", "engine.loading", "engine.demo", "engine.train")),
    ("from engine import data\ndata.get_builder('mnist')\ndata.dataset_names()",
     ("engine.plugins", "engine.train", "engine.pipeline", "engine.loading", "engine.hub")),
])
def test_a_layer_alone_pulls_in_nothing_above_it(code: str, forbidden: tuple[str, ...]) -> None:
    assert _pulled(_modules_after(code), *forbidden) == []
