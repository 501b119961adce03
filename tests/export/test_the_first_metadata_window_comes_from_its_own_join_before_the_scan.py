"""The parts' first window of sample metadata comes from one join of its own accessions, not from the
scan of the whole list (:meth:`SampleRowsInOrder.joined`): the writing thread waits for that window
before it fills its first row group, and the scan (~4 CPU-s at 10^6 samples) then runs while the
first window's rows are written. A window from its own join is what the scan gives for it — the
same rows, column names, types and order, for a list in an order of its own with an accession listed
twice and one the catalog does not hold — and asking for it runs one query and no scan; the export's
first window's metadata comes before any scan, the later ones from the scan, each equal to the
catalog's rows; an export of one window never scans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from rnacorpus.catalog import export_metadata, export_sample_rows
from rnacorpus.catalog.export_metadata import SampleMetadata
from rnacorpus.catalog.export_parts import PART_COLUMNS, part_schema
from rnacorpus.catalog.export_sample_rows import SampleRowsInOrder
from rnacorpus.catalog.export_select import registered
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 10)
SPECS = [
    StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(2 + i)], GENES, seed=i, tissue=("UBERON:0002107", f"t{i}"))
    for i in range(1, 5)
]


@pytest.mark.parametrize("select", ["s.accession AS sample_accession, s.study_accession, s.tissue_label", "s.*"])
@pytest.mark.parametrize("window", [1, 4, 100])
def test_a_window_from_its_own_join_is_what_the_scan_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, select: str, window: int
) -> None:
    catalog = build_catalog(tmp_path / "c", SPECS)
    held = [a for s in SPECS for a in s.samples]
    order = [held[i] for i in np.random.default_rng(3).permutation(len(held))]
    order[2:2] = [order[5], "GSM_NOT_IN_THE_CATALOG"]  # listed twice; not held
    queries = 0

    def counting(*args: object) -> object:
        nonlocal queries
        queries += 1
        return registered(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(export_sample_rows, "registered", counting)
    with catalog.connect() as con:
        rows = SampleRowsInOrder(con, pa.chunked_array([order[:3], order[3:]], pa.string()), select, window, tmp_path)
        try:
            joined = [rows.joined(k) for k in range(rows.n_windows)]
            assert not rows.scanned and queries == rows.n_windows  # one join per window asked, no scan
            for k, own in enumerate(joined):
                scanned = rows.window(k)
                assert own.schema == scanned.schema
                assert own.to_pylist() == scanned.to_pylist()
            assert rows.scanned
        finally:
            rows.close()


@pytest.mark.parametrize("window", [4, 100])
def test_the_exports_first_window_comes_before_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    monkeypatch.setattr(export_metadata, "METADATA_WINDOW", window)
    catalog = build_catalog(tmp_path / "c", SPECS)
    accessions = pa.chunked_array([[a for s in reversed(SPECS) for a in s.samples]], pa.string())
    n = len(accessions)
    with catalog.connect() as con:
        select = f"SELECT accession AS sample_accession, {', '.join(PART_COLUMNS[1:])} FROM samples"
        by_accession = {row["sample_accession"]: row for row in con.sql(select).to_arrow_table().to_pylist()}
        metadata = SampleMetadata(con, accessions, part_schema(len(GENES)), tmp_path)
        try:
            first = metadata.rows(0, min(window, n))
            if metadata._next is not None:
                metadata._next.exception()  # the helper's next task (the scan, when there is a next window)
            assert metadata.ordered.scanned == (window < n)
            rest = metadata.rows(min(window, n), n) if window < n else first.slice(0, 0)
        finally:
            metadata.close()
    got = pa.concat_tables([first, rest])
    assert got.schema == metadata.schema
    assert got.to_pylist() == [by_accession[a] for a in accessions.to_pylist()]
