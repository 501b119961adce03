"""The offline references: stamp, checksum, catalog tables; collapse to genes; the catalog loaders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from rnacorpus.catalog.ddl import REFERENCE_FILES_DDL
from rnacorpus.catalog.gene_tables import DDL, load_mapping_report, load_reference, mapping_reports
from rnacorpus.errors import BadContentError, ConfigError
from rnacorpus.harmonize.genes import collapse_rule, collapse_to_genes, map_identifiers, read_reference
from rnacorpus.harmonize.genes import load_reference as load_gene_reference
from rnacorpus.harmonize.genes.reference import DATA_DIR, MANIFEST_NAME
from rnacorpus.schemas.bundle import ExpressionMatrix
from rnacorpus.schemas.models import ExpressionSource


def test_reference_is_stamped_and_checksummed() -> None:
    manifest = json.loads((DATA_DIR / MANIFEST_NAME).read_text())
    for organism, taxid in (("human", 9606), ("mouse", 10090)):
        reference = load_gene_reference(organism)
        info = reference.info
        assert info.sha256 == manifest[organism]["sha256"] and info.release == manifest[organism]["release"]
        assert info.source and info.licence and info.taxid == taxid
        genes = reference.genes_table()
        assert genes.num_rows == manifest[organism]["genes"] > 40_000
        kinds = set(reference.synonyms_table()["kind"].to_pylist())
        assert {"approved", "alias", "entrez"} <= kinds
    assert "previous" in set(load_gene_reference("human").synonyms_table()["kind"].to_pylist())


def test_a_changed_reference_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "human.genes.parquet"
    shutil.copy(DATA_DIR / "human.genes.parquet", copy)
    with copy.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(BadContentError):
        read_reference(copy, expected_sha256=load_gene_reference("human").info.sha256)


def test_unknown_organism_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="zebra"):
        load_gene_reference("zebra")


def _matrix(feature_ids: list[str], values: list[list[float]]) -> ExpressionMatrix:
    source = ExpressionSource(study_accession="GSE1", kind="supplementary", file="x.tsv")
    samples = [f"GSM{i}" for i in range(len(values))]
    return ExpressionMatrix(source, samples, feature_ids, np.asarray(values, dtype=np.float32))


def test_counts_collapse_by_sum_and_the_rule_is_recorded() -> None:
    ids = ["TP53", "ENSG00000141510.5", "7157", "COX1", "ERCC-00002", "ACTB"]
    matrix = _matrix(ids, [[1, 2, 3, 100, 7, 5], [0, 0, np.nan, 1, 1, 9]])
    mapping = map_identifiers(ids, "human")
    genes = collapse_to_genes(matrix, mapping, "counts")
    assert genes.feature_ids == sorted(["ENSG00000141510", "ENSG00000075624"])
    by_id = dict(zip(genes.feature_ids, genes.values.T.tolist(), strict=True))
    assert by_id["ENSG00000141510"] == [6.0, 0.0]
    assert by_id["ENSG00000075624"] == [5.0, 9.0]
    assert genes.source.feature_id_kind == "ensembl" and genes.source.n_features == 2
    record = mapping.report.collapse
    assert record is not None and record.rule == "sum" and record.genes_from_several_features == 1
    assert record.features_used == 4 and record.features_in == 6


def test_intensities_keep_the_max_mean_probe_and_centred_the_most_variable() -> None:
    ids = ["TP53", "7157", "ACTB"]
    matrix = _matrix(ids, [[5.0, 9.0, 1.0], [7.0, 8.0, 2.0]])
    genes = collapse_to_genes(matrix, map_identifiers(ids, "human"), "log2_intensity")
    tp53 = genes.feature_ids.index("ENSG00000141510")
    assert genes.values[:, tp53].tolist() == [9.0, 8.0]
    centred = _matrix(ids, [[-3.0, 0.1, 1.0], [3.0, -0.1, 2.0]])
    genes = collapse_to_genes(centred, map_identifiers(ids, "human"), "centered")
    assert genes.values[:, genes.feature_ids.index("ENSG00000141510")].tolist() == [-3.0, 3.0]
    assert collapse_rule("tpm") == "sum" and collapse_rule("tpm", is_log=True) == "max_mean"
    assert collapse_rule("centered") == "max_variance" and collapse_rule("unknown") == "max_mean"


def test_catalog_load_is_idempotent_and_reports_upsert(tmp_path: Path) -> None:
    assert all("CREATE TABLE IF NOT EXISTS" in statement for statement in DDL)
    con = duckdb.connect(str(tmp_path / "c.duckdb"))
    con.execute(REFERENCE_FILES_DDL)
    reference = load_gene_reference("mouse")
    store = tmp_path / "store"
    assert load_reference(con, reference, store) is True
    assert load_reference(con, reference, store) is False  # unchanged input changes nothing
    # genes and gene_synonyms are views over files in the store
    (n_genes,) = con.execute("SELECT count(*) FROM genes").fetchone() or (0,)
    assert n_genes == reference.n_genes
    (n_syn,) = con.execute("SELECT count(*) FROM gene_synonyms WHERE kind = 'alias'").fetchone() or (0,)
    assert n_syn > 10_000
    mapping = map_identifiers(["Trp53", "1-Mar", "Xist"], reference)
    for _ in range(2):
        load_mapping_report(con, mapping.report, study_accession="GSE1", platform_accession="GPL1")
    reports = mapping_reports(con, "GSE1")
    assert len(reports) == 1
    assert reports[0]["mapped"] == 2 and reports[0]["ambiguous"] == 1
    assert reports[0]["rules"]["ambiguous:excel_date"] == 1
