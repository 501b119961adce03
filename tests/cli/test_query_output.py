"""``rnacorpus query`` output a person can read and a machine can stream.

* the default view: the compact columns (accession, study, organism, tissue, disease, cell type, sex,
  age, assay, unit), the first 20 rows and the count — never the whole result in a terminal table;
* ``--columns`` to choose; ``--json``/``--jsonl`` (JSON Lines), ``--csv``, ``--format parquet --out``
  for every row, streamed, in accession order;
* "0 samples matched" with the filters echoed.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.samples_query import COMPACT_COLUMNS, SAMPLE_RESULT_COLUMNS
from tests.catalog.query_world import query_world
from tests.cli.test_core_cli import run

LIVER = 60_000 + 2  # GSM2 and GSM3, then the copies


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return query_world(tmp_path_factory, "query-output", liver_copies=60_000)


def query(world: Path, *args: str) -> tuple[int, str, str]:
    done = run("query", *args, "--catalog", str(world), cwd=world.parent)
    return done.returncode, done.stdout, done.stderr


def test_the_default_view_is_compact_and_counted(world: Path) -> None:
    code, out, err = query(world, "--tissue", "liver")
    assert code == 0 and err == "", err
    lines = out.splitlines()
    header = lines[0].split()
    assert " ".join(header) == " ".join(COMPACT_COLUMNS)
    body = [line for line in lines[2:-1] if line.strip()]
    assert len(body) == 20 and body[0].split()[0] == "GSM2"
    assert "40–50 year" in body[0] and "tpm (log)" in body[0]
    assert lines[-1].startswith(f'{LIVER:,} samples matched tissue="liver" (UBERON:0002107 and descendants); ')
    assert "showing the first 20" in lines[-1]


def test_columns_choose_what_the_table_shows(world: Path) -> None:
    code, out, _ = query(world, "--tissue", "liver", "--columns", "accession,disease_id,age", "--limit", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["accession", "disease_id", "age_value", "age_min", "age_max", "age_unit"]
    assert len([line for line in lines[2:-1] if line.strip()]) == 3
    code, _, err = query(world, "--tissue", "liver", "--columns", "accession,nonsense")
    assert code == 2 and "--columns: no column 'nonsense'" in err


def test_an_empty_result_says_so_with_the_filters(world: Path) -> None:
    code, out, _ = query(world, "--tissue", "liver", "--organism", "mouse")
    assert code == 0
    assert out == (
        '0 samples matched tissue="liver" (UBERON:0002107 and descendants), organism="mouse" (NCBITaxon:10090)\n'
    )


@pytest.mark.parametrize("flag", ["--json", "--jsonl", "--format=jsonl"])
def test_json_lines_stream_every_row_with_every_field(world: Path, flag: str) -> None:
    code, out, err = query(world, "--tissue", "liver", flag)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == LIVER
    first, last = json.loads(lines[0]), json.loads(lines[-1])
    assert list(first) == list(SAMPLE_RESULT_COLUMNS)
    assert first["accession"] == "GSM2" and last["accession"] == "GSM90059999"
    assert first["age_min"] == 40.0 and first["is_log"] is True


def test_csv_and_parquet_hold_the_same_rows(world: Path, tmp_path: Path) -> None:
    code, out, _ = query(world, "--tissue", "liver", "--csv", "--columns", "accession,tissue_id")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["accession", "tissue_id"] and len(rows) == LIVER + 1
    target = tmp_path / "liver.parquet"
    code, out, _ = query(world, "--tissue", "liver", "--format", "parquet", "--out", str(target))
    assert code == 0 and out.startswith(f"wrote {LIVER:,} samples to {target}")
    table = pq.read_table(target)
    assert table.num_rows == LIVER and table.column_names == list(SAMPLE_RESULT_COLUMNS)
    assert table.column("accession").to_pylist() == [r[0] for r in rows[1:]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liver.parquet"], "no temp file left"


def test_sql_queries_have_the_same_formats(world: Path) -> None:
    sql = "SELECT tissue_label, count(*) AS n FROM samples GROUP BY 1 ORDER BY 2 DESC"
    code, out, _ = query(world, sql, "--json")
    assert code == 0 and json.loads(out.splitlines()[0]) == {"tissue_label": "liver", "n": LIVER}
    code, out, _ = query(world, sql)
    assert code == 0 and out.splitlines()[-1] == "2 rows"
    code, out, _ = query(world, "SELECT accession FROM samples WHERE false")
    assert code == 0 and out == "0 rows\n"
    code, _, err = query(world, "SELECT 1; SELECT 2")
    assert code == 2 and "one statement at a time" in err


def test_one_output_format_at_a_time(world: Path) -> None:
    code, _, err = query(world, "--tissue", "liver", "--json", "--csv")
    assert code == 2 and "give one output format" in err
