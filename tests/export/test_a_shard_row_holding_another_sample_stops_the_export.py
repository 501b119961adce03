"""Each decoded block's samples are checked against the samples the plan expects at its rows (the
plan's accessions, converted once per shard run): a shard row that holds another sample than the
catalog says stops the export with a :class:`BadContentError` naming the shard — its values would
otherwise go out under another sample's labels. Checked at every block of a run, not only the first."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rnacorpus.catalog import shard_rows
from rnacorpus.catalog.export_blocks import BlockReader
from rnacorpus.catalog.export_options import make_options
from rnacorpus.catalog.export_plan import plan_export
from rnacorpus.errors import BadContentError
from tests.export.catalogs import StudySpec, build_catalog, reference_genes


@pytest.mark.parametrize("block", [0, 1])
def test_a_block_whose_rows_hold_other_samples_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(shard_rows, "READ_BATCH_ROWS", 4)  # two blocks from one shard run
    genes = reference_genes(9606, "protein_coding", 50)
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", [f"GSM1{j}" for j in range(8)], genes, seed=1)])
    options = make_options(genes="protein_coding", normalize="log1p_tpm", splits="train=1")
    with catalog.connect() as con:
        plan = plan_export(con, catalog.store, options)
    reader = BlockReader(catalog.store, plan)
    items = list(reader.decoded())
    assert len(items) == 2
    for item in items:
        assert reader.prepared(item).samples == item.block.sample_accessions  # as stored: accepted
    item = items[block]
    swapped = dataclasses.replace(item.block, sample_accessions=list(reversed(item.block.sample_accessions)))
    with pytest.raises(BadContentError, match="where the catalog expects") as raised:
        reader.prepared(dataclasses.replace(item, block=swapped))
    assert item.run.path in str(raised.value.path)
