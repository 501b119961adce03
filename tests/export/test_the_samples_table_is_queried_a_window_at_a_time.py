"""``samples.parquet`` is built one window of :data:`SAMPLES_GROUP_ROWS` samples at a time — each
window's columns (where the sample went, its shard's path and sha256) gathered when its query runs,
not spelled out for the whole export first. With windows of four samples (several windows, the last
one short), the table lists every written sample once, in the parts' own order (split as given, then
part, then row), each entry pointing at the part row that holds it and at the shard the catalog says it
came from, in row groups of one window each."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog import export_manifest
from rnacorpus.catalog.export import verify_export
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 50)
WINDOW = 4


def test_every_window_lists_its_own_samples_with_their_part_row_and_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = [StudySpec(f"GSE{i}", [f"GSM{i}{j}" for j in range(3 + i)], GENES[i:], seed=i) for i in range(1, 5)]
    catalog = build_catalog(tmp_path / "c", specs)
    monkeypatch.setattr(export_manifest, "SAMPLES_GROUP_ROWS", WINDOW)
    out = tmp_path / "export"
    result = catalog.export(out, genes="protein_coding", normalize="log1p_tpm", splits="train=0.5,test=0.5", seed="w")
    assert verify_export(out) == []
    table = pq.ParquetFile(out / "samples.parquet")
    n = result.n_samples
    assert n == sum(len(s.samples) for s in specs) == 22
    assert [table.metadata.row_group(g).num_rows for g in range(table.num_row_groups)] == [WINDOW] * (n // WINDOW) + [
        n % WINDOW
    ]
    samples = table.read().to_pylist()
    assert sorted(s["accession"] for s in samples) == sorted(a for s in specs for a in s.samples)
    order = [(("train", "test").index(s["split"]), s["part"], s["row"]) for s in samples]  # the splits' order
    assert order == sorted(order)
    with duckdb.connect(str(tmp_path / "c" / "catalog.duckdb"), read_only=True) as con:
        shard_of = {
            sample: (path, digest)
            for sample, path, digest in con.execute(
                "SELECT es.sample_accession, es.shard_path, sh.sha256 FROM expression_samples es "
                "JOIN expression_shards sh ON sh.path = es.shard_path"
            ).fetchall()
        }
    for entry in samples:
        held = pq.read_table(out / entry["part"]).slice(entry["row"], 1).to_pylist()[0]
        assert (held["sample_accession"], held["split"]) == (entry["accession"], entry["split"])
        assert held["gene_coverage"] == pytest.approx(entry["gene_coverage"])
        assert (entry["shard_path"], entry["shard_sha256"]) == shard_of[entry["accession"]]
        assert entry["split_unit"] == entry["study_accession"]
