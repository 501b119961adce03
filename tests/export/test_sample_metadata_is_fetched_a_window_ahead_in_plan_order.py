"""The part rows' sample metadata comes from the catalog a window at a time, the next window queried
by a helper thread while the current one is used (:mod:`rnacorpus.catalog.export_metadata`). Asked for
in blocks that straddle the windows (blocks of 3, windows of 4), every block holds exactly its plan
rows' metadata, as one query of the whole plan gives it, and the window after the current one is
already asked for when a block is handed over. A request that goes back is still answered right."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from rnacorpus.catalog import export_metadata
from rnacorpus.catalog.export_metadata import SampleMetadata
from rnacorpus.catalog.export_options import make_options
from rnacorpus.catalog.export_parts import PART_COLUMNS, part_schema
from rnacorpus.catalog.export_plan import plan_export
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 20)


def test_blocks_across_windows_get_their_own_rows_with_the_next_window_already_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_metadata, "METADATA_WINDOW", 4)
    specs = [
        StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(2 + i)], GENES, seed=i, tissue=("UBERON:0002107", f"t{i}"))
        for i in range(1, 4)
    ]
    catalog = build_catalog(tmp_path / "c", specs)
    with catalog.connect() as con:
        plan = plan_export(con, catalog.store, make_options(genes="protein_coding", splits="train=1"))
        accessions = plan.rows["sample_accession"]
        n = len(accessions)
        assert n == 12
        select = f"SELECT accession AS sample_accession, {', '.join(PART_COLUMNS[1:])} FROM samples"
        whole = con.sql(select).to_arrow_table()
        by_accession = {row["sample_accession"]: row for row in whole.to_pylist()}
        metadata = SampleMetadata(con, accessions, part_schema(len(GENES)))
        try:
            for start in range(0, n, 3):
                stop = min(start + 3, n)
                block = metadata.rows(start, stop)
                assert block.schema == metadata.schema
                expected = [by_accession[a] for a in accessions.slice(start, stop - start).to_pylist()]
                assert block.to_pylist() == expected
                window_end = metadata.start + metadata.table.num_rows
                if window_end < n:  # the next window is being fetched beside this block's use
                    assert metadata._next is not None and metadata._next_start == window_end
            back = metadata.rows(1, 5)
            assert back.to_pylist() == [by_accession[a] for a in accessions.slice(1, 4).to_pylist()]
        finally:
            metadata.close()
    assert isinstance(back, pa.Table)
