"""The export's sample rows come from one scan of ``samples``, dealt into windows in the order of a
list of accessions (:class:`rnacorpus.catalog.export_sample_rows.SampleRowsInOrder`), not from one
join per window (a scan per window, quadratic in the export's size). Each window equals what that
join gave — the same rows, column names, types and order — for a list in an order of its own,
spanning the studies, with an accession listed twice (one row per position) and one the catalog does
not hold (no row, as the join gave none); the number of queries does not grow with the windows; the
spill is in the folder given (the export's own) and gone after ``close``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from rnacorpus.catalog import export_sample_rows
from rnacorpus.catalog.export_sample_rows import SampleRowsInOrder
from rnacorpus.catalog.export_select import registered
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 10)
SELECTS = (
    "s.accession AS sample_accession, s.study_accession, s.tissue_label, s.organism_taxid",
    "s.* EXCLUDE (record)",
)


@pytest.mark.parametrize("select", SELECTS)
@pytest.mark.parametrize("window", [1, 3, 5, 100])
def test_each_window_is_the_join_of_its_accessions_from_one_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, select: str, window: int
) -> None:
    specs = [
        StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(2 + i)], GENES, seed=i, tissue=("UBERON:0002107", f"t{i}"))
        for i in range(1, 5)
    ]
    catalog = build_catalog(tmp_path / "c", specs)
    held = [a for s in specs for a in s.samples]
    order = [held[i] for i in np.random.default_rng(7).permutation(len(held))]
    order[4:4] = [order[9], "GSM_NOT_IN_THE_CATALOG"]  # listed twice; not held
    accessions = pa.chunked_array([order[:6], order[6:]], pa.string())
    queries = 0
    counted = registered

    def counting(*args: object) -> object:
        nonlocal queries
        queries += 1
        return counted(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(export_sample_rows, "registered", counting)
    beside = tmp_path / "a user's file beside the spill.txt"
    beside.write_text("kept")
    with catalog.connect() as con:
        rows = SampleRowsInOrder(con, accessions, select, window, tmp_path)
        try:
            windows = [rows.window(k) for k in range(rows.n_windows)]
            again = rows.window(0)
            folder = rows._folder
            assert folder is not None and folder.exists() and folder.parent == tmp_path
        finally:
            rows.close()
        assert not folder.exists()
        assert beside.read_text() == "kept"  # close removes the spill's own folder, nothing beside it
        assert queries == 2  # the positions' row ids, then the scan: not one per window
        assert rows.n_windows == -(-len(order) // window)
        for k, got in enumerate(windows):
            part = order[k * window : (k + 1) * window]
            wanted = pa.table({"accession": part, "position": np.arange(len(part), dtype=np.int64)})
            with registered(con, "_w", wanted) as cursor:
                joined = cursor.sql(
                    f"SELECT {select} FROM _w w JOIN samples s USING (accession) ORDER BY w.position"
                ).to_arrow_table()
            assert got.schema == joined.schema
            assert got.to_pylist() == joined.to_pylist()
            assert got.num_rows == sum(a != "GSM_NOT_IN_THE_CATALOG" for a in part)
        assert again.equals(windows[0])
