"""Every GEO file of the shared corpus parses with the parser for its format — or, for the files the
manifest describes as broken, fails with a clear error naming file and line.

The expectations come from an independent, deliberately naive scan of each file's text (count the
``^SAMPLE`` headers, count rows between table markers), not from the parser under test.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest

from rnacorpus.errors import BadContentError, ParseError, RnacorpusError
from rnacorpus.harvester.geo.gds import parse_gds_soft
from rnacorpus.harvester.geo.matrix import parse_series_matrix
from rnacorpus.harvester.geo.miniml import parse_miniml, parse_miniml_records
from rnacorpus.harvester.geo.ncbi_counts import read_ncbi_counts
from rnacorpus.harvester.geo.soft import parse_family_soft, parse_soft_records, read_platform_table
from rnacorpus.schemas import StudyBundle
from tests.conftest import CorpusFile, load_manifest

GEO_FILES = [entry for entry in load_manifest() if entry.rel.startswith("geo/")]
#: the corpus's deliberately broken files, with what the error must say
BROKEN = {
    "geo/soft/GPL20814_family.soft": (
        ParseError,
        r"line 42: the platform table begun at line 37 is closed by "
        r"!sample_table_end \(expected !platform_table_end\)",
    ),
    "geo/gpl/GPLbroken.soft.gz": (BadContentError, r"GPLbroken\.soft\.gz: file is named \.gz but is empty"),
}


def _text(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8", "replace")


def _naive_soft_scan(text: str) -> dict[str, object]:
    """Entity counts and, per sample, the rows between its table markers — no parser involved."""
    counts = {kind: len(re.findall(rf"^\^{kind}\s*=", text, flags=re.M)) for kind in ("SAMPLE", "PLATFORM", "SERIES")}
    rows: dict[str, int] = {}
    current, inside, n = None, False, 0
    for line in text.splitlines():
        if line.startswith("^SAMPLE"):
            current = line.split("=", 1)[1].strip()
        lowered = line.lower().rstrip()
        if lowered.startswith("!sample_table_begin"):
            inside, n = True, -1  # the header row is not a data row
        elif lowered.startswith("!sample_table_end"):
            inside = False
            rows[str(current)] = n
        elif inside and line.strip():
            n += 1
    return {"counts": counts, "rows": rows}


def _choose_and_parse(entry: CorpusFile) -> object:
    rel, path = entry.rel, entry.path
    if rel.startswith("geo/gds/"):
        return parse_gds_soft(path)
    if rel.startswith("geo/series_matrix/"):
        return parse_series_matrix(path)
    if rel.startswith("geo/ncbi_counts/"):
        return read_ncbi_counts(path)
    if rel.startswith("geo/miniml/"):
        return parse_miniml_records(path) if path.name.startswith("GSM") else parse_miniml(path)
    if rel.startswith("geo/gpl/"):
        return read_platform_table(path)
    if rel.startswith("geo/soft/") or rel.endswith(("/GSE.soft", "/brief")):
        return parse_family_soft(path)
    return parse_soft_records(path)


def test_the_manifest_lists_geo_files(manifest: list[CorpusFile]) -> None:
    assert len([m for m in manifest if m.rel.startswith("geo/")]) >= 45


@pytest.mark.parametrize("entry", GEO_FILES, ids=[entry.rel for entry in GEO_FILES])
def test_corpus_file_parses_with_its_parser(entry: CorpusFile) -> None:
    assert hashlib.sha256(entry.path.read_bytes()).hexdigest() == entry.sha256, "corpus file changed"
    if entry.rel in BROKEN:
        error_type, pattern = BROKEN[entry.rel]
        with pytest.raises(error_type) as caught:
            _choose_and_parse(entry)
        assert re.search(pattern, str(caught.value)), str(caught.value)
        assert caught.value.path is not None and entry.path.name in caught.value.path
        return
    result = _choose_and_parse(entry)
    assert result is not None
    if isinstance(result, StudyBundle) and entry.format.startswith("soft"):
        _check_soft_bundle(entry, result)


def _check_soft_bundle(entry: CorpusFile, bundle: StudyBundle) -> None:
    if entry.rel.startswith("geo/gds/"):
        return
    scan = _naive_soft_scan(_text(entry.path))
    counts = scan["counts"]
    assert isinstance(counts, dict)
    assert len(bundle.samples) == counts["SAMPLE"]
    assert len(bundle.platforms) == counts["PLATFORM"]
    rows = scan["rows"]
    assert isinstance(rows, dict)
    for sample in bundle.samples:
        assert sample.data_row_count == rows.get(sample.accession, 0), sample.accession
    in_matrices = {s for matrix in bundle.expression for s in matrix.sample_accessions}
    assert in_matrices == {s for s, n in rows.items() if n > 0 and "VALUE" in _header_of(entry, s)}


def _header_of(entry: CorpusFile, sample: str) -> list[str]:
    text = _text(entry.path)
    block = text.split(f"^SAMPLE = {sample}", 1)[1]
    after = re.split(r"!sample_table_begin[^\n]*\n", block, maxsplit=1, flags=re.I)[1]
    return after.split("\n", 1)[0].rstrip("\r").split("\t")


def _chopped(entry: CorpusFile) -> bool:
    """The notes say the repo cut the tables, and the file declares row counts to compare with."""
    described = re.search(r"CHOPPED|TRUNCATED|truncated by repo|chopped by repo", entry.notes)
    declared = re.search(r"data_row_count|feature_count", _text(entry.path), flags=re.I)
    return bool(described) and entry.rel not in BROKEN and bool(declared)


@pytest.mark.parametrize("rel", [e.rel for e in GEO_FILES if _chopped(e)])
def test_chopped_tables_are_warnings_not_failures(rel: str) -> None:
    entry = next(e for e in GEO_FILES if e.rel == rel)
    result = _choose_and_parse(entry)
    issues = result.issues if isinstance(result, StudyBundle) else parse_soft_records(entry.path).issues
    below = [issue for issue in issues if issue.code == "table_rows_below_declared"]
    assert below, f"{rel}: expected table_rows_below_declared warnings"
    for issue in below:
        assert issue.level == "warning" and issue.accession and issue.path == str(entry.path) and issue.line


def test_every_broken_file_is_in_the_manifest() -> None:
    listed = {entry.rel for entry in GEO_FILES}
    assert set(BROKEN) <= listed


def test_errors_are_project_errors_with_a_location() -> None:
    for rel in BROKEN:
        entry = next(e for e in GEO_FILES if e.rel == rel)
        with pytest.raises(RnacorpusError) as caught:
            _choose_and_parse(entry)
        assert caught.value.path is not None


# -- authors' supplementary files (geo_suppl/) ---------------------------------------------------

SUPPL_FILES = [entry for entry in load_manifest() if entry.rel.startswith("geo_suppl/")]
#: what the notes call them: the files that are not expression tables, with the category they get
NOT_EXPRESSION = {"GSE127235_geo_sample_list.csv": "metadata", "design_from_repo.csv": "metadata"}


def _naive_table_shape(path: Path) -> tuple[int, int]:
    """Data rows and the widest row's value fields, from a plain split of the text (no parser)."""
    lines = [line for line in _text(path).replace("\r\n", "\n").split("\n") if line.strip()]
    rows = [line.split("\t") for line in lines[1:]]
    return len(rows), max(len(r) for r in rows) - 1


def test_the_manifest_lists_supplementary_files() -> None:
    assert len(SUPPL_FILES) >= 13
    assert all(entry.rel.split("/")[-2] == "suppl" for entry in SUPPL_FILES)


@pytest.mark.parametrize("entry", SUPPL_FILES, ids=[entry.rel for entry in SUPPL_FILES])
def test_supplementary_corpus_file_reads_or_is_classified_as_not_expression(entry: CorpusFile) -> None:
    from rnacorpus.harvester.geo.suppl_discovery import classify_name
    from rnacorpus.harvester.geo.suppl_readers import read_suppl_table

    assert hashlib.sha256(entry.path.read_bytes()).hexdigest() == entry.sha256, "corpus file changed"
    category, _ = classify_name(entry.path.name)
    if entry.path.name in NOT_EXPRESSION:
        assert category == NOT_EXPRESSION[entry.path.name]
        return
    assert category in {"expression_matrix", "per_sample_expression", "single_cell"}
    table = read_suppl_table(entry.path, name=entry.path.name)
    if entry.format == "tsv":
        rows, fields = _naive_table_shape(entry.path)
        summary = sum(table.dropped.values())
        assert len(table.columns) + len(table.annotation) == fields
        if any("repeated" in w for w in table.warnings):  # the first row of each repeated ID is kept
            assert len(table.ids) + summary < rows
        else:
            assert len(table.ids) + summary == rows
    assert table.values.shape == (len(table.columns), len(table.ids))
