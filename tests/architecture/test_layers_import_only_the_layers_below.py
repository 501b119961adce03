"""The layers import downwards only: harvester → schemas ← harmonize → catalog (and the shared root
modules). A parser that needs a later step's judgement takes it through a seam in ``schemas``
(:mod:`rnacorpus.schemas.row_judge`), installed by the pipeline, never by importing that step."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "rnacorpus"
#: what each layer must not import (at module level or inside a function)
_ABOVE_HARVESTER = ("rnacorpus.harmonize", "rnacorpus.catalog", "rnacorpus.pipeline", "rnacorpus.cli")
FORBIDDEN = {
    "harvester": _ABOVE_HARVESTER,
    "schemas": ("rnacorpus.harvester", *_ABOVE_HARVESTER),
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_no_layer_above_it(layer: str) -> None:
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}: {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in _imports(path)
        if name.startswith(FORBIDDEN[layer])
    ]
    assert wrong == []
