"""``rnacorpus annotate``: JSON lines per field found, the same decisions as the library."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import rnacorpus.cli.annotate_cmd  # registers the command
import rnacorpus.cli.commands  # noqa: F401  (the other commands: "annotate" is then a subcommand)
from rnacorpus.cli import app
from rnacorpus.cli.annotate_cmd import explanation_rows
from rnacorpus.harmonize.ontology import explain_characteristic

CONTRACT = {"key", "value", "field", "term_id", "term_label", "method", "confidence", "reason"}


def _run(stdin: str, *args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(app, ["annotate", *args], input=stdin)
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, rows, result.stderr


def test_one_object_per_field_and_one_for_nothing() -> None:
    stdin = "tissue\tHCC tumor tissue\nchip antibody\tH3K27ac\ndisease\tN/A\nSex\tF\n"
    code, rows, _ = _run(stdin, "--organism", "human", "--json")
    assert code == 0
    assert all(set(row) >= CONTRACT for row in rows)
    assert [(r["key"], r["field"]) for r in rows] == [
        ("tissue", "tissue"),
        ("tissue", "disease"),
        ("chip antibody", None),
        ("disease", "disease"),
        ("Sex", "sex"),
    ]
    nothing = rows[2]
    assert nothing["term_id"] is None and nothing["reason"]
    placeholder = rows[3]
    assert placeholder["term_id"] is None and placeholder["method"] == "unmapped"


def test_ages_carry_value_unit_bounds_and_qualifier() -> None:
    code, rows, _ = _run("age\t6-8 weeks\nage\t>89 years\nage (months)\t14\n", "--organism", "mouse", "--json")
    assert code == 0
    ranged, censored, keyed = [row for row in rows if row["field"] == "age"]  # stages follow ages (issue 15)
    assert (ranged["age_min"], ranged["age_max"], ranged["age_unit"]) == (6, 8, "week")
    assert (censored["age_min"], censored["age_qualifier"]) == (89, ">")
    assert (keyed["age_value"], keyed["age_unit"]) == (14, "month")


def test_cli_prints_exactly_what_the_library_decides() -> None:
    lines = [("cell line", "HeLa"), ("source_name", "P7 mouse cortex"), ("tissue", "embryo day 6.5")]
    stdin = "".join(f"{k}\t{v}\n" for k, v in lines)
    _, rows, _ = _run(stdin, "--organism", "mouse")
    library = [row for k, v in lines for row in explanation_rows(explain_characteristic(k, v, organism="mouse"))]
    assert rows == json.loads(json.dumps(library))


def test_text_mode_summarizes_on_stderr_and_bad_organism_is_a_usage_error() -> None:
    code, rows, stderr = _run("tissue\tliver\n", "--organism", "human")
    assert code == 0 and len(rows) == 1 and "1 decisions" in stderr
    code, _, _ = _run("tissue\tliver\n", "--organism", "unicorn")
    assert code == 2


def test_a_line_without_a_tab_is_a_keyless_value() -> None:
    _, rows, _ = _run("Primary T-ALL cells\n", "--organism", "human", "--json")
    assert rows[0]["key"] is None and rows[0]["term_id"] == "MONDO:0004963"
