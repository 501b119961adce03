"""A new catalog stamps the gene references from each file's footer and checksum, not by reading it.

The stamps are the same as a full load gives (``catalog_versions`` and ``gene_references``: same
columns, same values), and a reference file that no longer matches its pinned checksum is still an
error before anything is stamped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from rnacorpus.catalog.gene_tables import load_reference as load_full_reference
from rnacorpus.config import Config
from rnacorpus.errors import BadContentError
from rnacorpus.harmonize.genes import reference as gene_reference
from rnacorpus.pipeline.expression import REFERENCE_TAXA
from rnacorpus.pipeline.harvest import start_run


def test_the_footer_gives_the_stamp_and_size_of_the_full_load() -> None:
    for taxid in REFERENCE_TAXA:
        header = gene_reference.reference_header(taxid)
        full = gene_reference.load_reference(taxid)
        assert header.info == full.info
        assert header.n_genes == full.n_genes


def test_a_new_catalog_holds_the_stamps_a_full_load_writes(tmp_path: Path) -> None:
    config = Config(catalog_path=tmp_path / "catalog.duckdb", store_dir=tmp_path / "store", cache_dir=tmp_path / "c")
    start_run(config, "run-1", "harvest")
    stamp_sql = "SELECT organism_taxid, reference_release, source, sha256, licence, n_genes FROM gene_references"
    with duckdb.connect(str(config.catalog_path)) as con:
        stamped = sorted(con.execute(stamp_sql).fetchall())
        versions = dict(con.execute("SELECT key, value FROM catalog_versions").fetchall())
        # what the full reference writes over the same rows: nothing changes
        for taxid in REFERENCE_TAXA:
            con.execute("DELETE FROM gene_references WHERE organism_taxid = ?", [taxid])
            load_full_reference(con, gene_reference.load_reference(taxid), config.store_dir)
        assert sorted(con.execute(stamp_sql).fetchall()) == stamped
    for taxid in REFERENCE_TAXA:
        info = gene_reference.load_reference(taxid).info
        assert versions[f"gene_reference.{taxid}"] == f"{info.source} {info.release} sha256:{info.sha256[:16]}"


def test_a_reference_file_that_changed_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(gene_reference.DATA_DIR, data)
    human = data / "human.genes.parquet"
    human.write_bytes(human.read_bytes()[:-1] + b"\0")  # one byte of the footer changed
    monkeypatch.setattr(gene_reference, "DATA_DIR", data)
    gene_reference._default_header.cache_clear()
    try:
        with pytest.raises(BadContentError, match="checksum"):
            gene_reference.reference_header(9606)
    finally:
        gene_reference._default_header.cache_clear()
