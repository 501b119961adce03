"""``rnacorpus genes map``: one JSON line per stdin line, the same answers as the library."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import rnacorpus.cli.genes_cmd  # noqa: F401  (registers the command)
from rnacorpus.cli import app
from rnacorpus.harmonize.genes import map_identifiers

CONTRACT = {"input", "outcome", "ensembl_id", "symbol", "rule", "candidates"}


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_map_writes_one_json_line_per_input() -> None:
    stdin = "TP53\nSEPT7\nCOX1\n1-Mar\nERCC-00002\n__no_feature\nnothing-here\n7157\n"
    result = CliRunner().invoke(app, ["genes", "map", "--organism", "human", "--json"], input=stdin)
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert [r["input"] for r in rows] == stdin.splitlines()
    assert all(set(r) >= CONTRACT for r in rows)
    assert [r["outcome"] for r in rows] == [
        "mapped",
        "mapped",
        "ambiguous",
        "ambiguous",
        "dropped",
        "dropped",
        "unmapped",
        "mapped",
    ]
    library = list(map_identifiers(stdin.splitlines(), "human").rows())
    assert rows == json.loads(json.dumps(library))


def test_mouse_and_text_mode_summary() -> None:
    result = CliRunner().invoke(app, ["genes", "map", "--organism", "mouse"], input="Trp53\nTP53\n")
    assert result.exit_code == 0
    rows = _lines(result.stdout)
    assert rows[0]["ensembl_id"] == "ENSMUSG00000059552" and rows[1]["outcome"] == "unmapped"
    assert "2 inputs" in result.stderr


def test_probe_ids_through_a_platform_file(corpus: Path) -> None:
    gpl = corpus / "geo/gpl/GPL97.annot.gz"
    result = CliRunner().invoke(
        app,
        ["genes", "map", "--organism", "human", "--json", "--platform", str(gpl), "--report"],
        input="200000_s_at\n200067_x_at\n",
    )
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert rows[0]["symbol"] == "PRPF8" and rows[1]["outcome"] == "ambiguous"
    assert json.loads(result.stderr.splitlines()[-1])["inputs"] == 2


def test_unknown_organism_fails_cleanly() -> None:
    result = CliRunner().invoke(app, ["genes", "map", "--organism", "yeast"], input="ACT1\n")
    assert result.exit_code != 0
