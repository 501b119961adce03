"""The disk key of the derived ontology tables changes with any rule module AND any reviewed table:
a curated row edited without a code change must not meet a table built before the edit."""

from __future__ import annotations

import shutil
from pathlib import Path

from rnacorpus.harmonize.ontology import derived
from rnacorpus.harmonize.ontology.derived import code_key

PACKAGE = Path(derived.__file__).parent


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "ontology"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_key_of_a_copy_is_the_packages(tmp_path: Path) -> None:
    assert code_key(_copy(tmp_path)) == code_key()


def test_an_edited_reviewed_table_gives_a_new_key(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    before = code_key(copy)
    table = copy / "data" / "curated_terms.tsv"
    table.write_text(table.read_text(encoding="utf-8") + "# a reviewer's new line\n", encoding="utf-8")
    assert code_key(copy) != before


def test_an_edited_rule_module_gives_a_new_key(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    before = code_key(copy)
    module = copy / "respell.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert code_key(copy) != before
