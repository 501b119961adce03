"""A malformed SDRF is an error naming the file and line: ragged rows, no Source Name column, an empty
Source Name, one name for two materials. A harvest quarantines that study and loads the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import ParseError
from rnacorpus.harvester.arrayexpress.sdrf import read_sdrf
from rnacorpus.mirror import MirrorServer
from tests.conftest import mirror_config
from tests.sources.magetab_files import SDRF_HEADER, sdrf_row, sdrf_text, write_study

GOOD = [sdrf_row("donor 1", "ERR1"), sdrf_row("donor 1", "ERR2"), sdrf_row("donor 2", "ERR3")]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "E-MTAB-9.sdrf.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (sdrf_text([*GOOD[:2], [*GOOD[2], "extra"]]), 4, r"17 cells but the header has 16 columns"),
        (sdrf_text([*GOOD[:1], GOOD[1][:-3], GOOD[2]]), 3, r"13 cells but the header has 16 columns"),
        (sdrf_text(GOOD, header=["Sample Name", *SDRF_HEADER[1:]]), 1, r"no Source Name column"),
        (sdrf_text([GOOD[0], ["", *GOOD[1][1:]]]), 3, r"empty Source Name"),
        (
            sdrf_text([GOOD[0], sdrf_row("donor 1", "ERR2", tissue="kidney")]),
            3,
            r"'donor 1' is given Characteristics\[organism part\] = 'liver' on line 2 and 'kidney' here",
        ),
    ],
    ids=["ragged-long", "ragged-short", "no-source-column", "empty-source", "one-name-two-materials"],
)
def test_the_error_names_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    with pytest.raises(ParseError, match=message) as caught:
        read_sdrf(write(tmp_path, text), accession="E-MTAB-9")
    error = caught.value
    assert (error.path, error.line, error.accession) == ("E-MTAB-9.sdrf.txt", line, "E-MTAB-9")
    assert f"file E-MTAB-9.sdrf.txt line {line}" in str(error)


def test_trailing_empty_cells_and_blank_lines_are_not_malformed(tmp_path: Path) -> None:
    text = sdrf_text([[*GOOD[0], "", ""], GOOD[1], GOOD[2]]).replace("\n", "\n\n", 1)
    table = read_sdrf(write(tmp_path, text))
    assert [r.name for r in table.sources] == ["donor 1", "donor 2"] and table.n_rows == 3


def test_a_harvest_quarantines_the_malformed_study_and_loads_the_rest(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    write_study(archive, "E-MTAB-11", GOOD)
    write_study(archive, "E-MTAB-12", [GOOD[0], sdrf_row("donor 1", "ERR9", tissue="kidney")])
    with MirrorServer(archive) as mirror:
        report = api.harvest(["E-MTAB-11", "E-MTAB-12"], config=mirror_config(tmp_path, mirror.url, enrich=()))
    outcomes = {r.accession: r for r in report.results}
    assert outcomes["E-MTAB-11"].outcome == "new" and outcomes["E-MTAB-11"].n_samples == 2
    failed = outcomes["E-MTAB-12"]
    assert (
        failed.outcome == "failed" and failed.step == "parse" and "E-MTAB-12.sdrf.txt line 3" in (failed.message or "")
    )
    catalog = Catalog.open(tmp_path / "catalog.duckdb")
    quarantined = catalog.sql("SELECT accession, path, line FROM quarantine").to_pylist()
    assert quarantined == [{"accession": "E-MTAB-12", "path": "E-MTAB-12.sdrf.txt", "line": 3}]
