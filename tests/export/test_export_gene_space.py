"""One gene space: arrays and RNA-seq meet at Ensembl genes; protein_coding from the reference's
biotypes; a gene file mapped like ``genes map``; feature level only for one platform."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.genes import load_reference
from rnacorpus.read import features, iter_batches
from tests.export.catalogs import StudySpec, build_catalog, reference_genes, values_for

CODING = reference_genes(9606, "protein_coding", 30)
LNC = reference_genes(9606, "lncRNA", 5)


def _specs() -> list[StudySpec]:
    return [
        StudySpec("GSE1", ["GSM11", "GSM12"], CODING[:20] + LNC, kind="ncbi_counts", platform="GPL_SEQ"),
        StudySpec(
            "GSE2",
            ["GSM21"],
            CODING[10:],
            unit="log2_intensity",
            is_log=True,
            platform="GPL_ARRAY",
            kind="sample_tables",
        ),
        StudySpec(
            "GSE3", ["GSM31"], ["1007_s_at", "1053_at"], level="feature", platform="GPL_ARRAY", kind="sample_tables"
        ),
        StudySpec("GSE4", ["GSM41"], ["p1", "p2"], level="feature", platform="GPL_OTHER", kind="sample_tables"),
    ]


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return build_catalog(tmp_path_factory.mktemp("genes"), _specs())


def test_array_and_rnaseq_share_ensembl_columns(catalog: Catalog, tmp_path: Path) -> None:
    result = catalog.export(tmp_path / "o", genes="protein_coding", allow_mixed=True)
    features = pq.read_table(tmp_path / "o" / "features.parquet")
    assert result.n_samples == 3 and features.num_rows == result.n_features
    assert set(features.column("biotype").to_pylist()) == {"protein_coding"}
    assert all(f.startswith("ENSG") for f in features.column("feature_id").to_pylist())
    assert not set(LNC) & set(features.column("feature_id").to_pylist())


def test_array_and_rnaseq_values_land_in_their_own_genes_and_meet_on_the_shared_ones(
    catalog: Catalog, tmp_path: Path
) -> None:
    """The RNA-seq study measured CODING[:20], the array CODING[10:]: each sample's values sit in its
    own genes' columns (as deposited), NaN elsewhere, and the ten genes both measured are filled in both."""
    catalog.export(
        tmp_path / "o",
        genes="protein_coding",
        allow_mixed=True,
        splits="train=1.0",
        where="study_accession IN ('GSE1', 'GSE2')",
    )
    column = {g: i for i, g in enumerate(features(tmp_path / "o").column("feature_id").to_pylist())}
    rows = {
        a: x
        for values, meta in iter_batches(tmp_path / "o")
        for a, x in zip(meta["sample_accession"], values, strict=True)
    }
    assert sorted(rows) == ["GSM11", "GSM12", "GSM21"]
    for spec in _specs()[:2]:
        own = [column[g] for g in spec.genes if g in column]  # the lncRNAs are not protein-coding
        elsewhere = np.setdiff1d(np.arange(len(column)), own)
        for sample, expected in zip(spec.samples, values_for(spec)[:, : len(own)], strict=True):
            assert np.array_equal(rows[sample][own], expected), sample
            assert np.isnan(rows[sample][elsewhere]).all(), sample
    shared = [column[g] for g in CODING[10:20]]
    assert not np.isnan(np.stack([rows["GSM11"][shared], rows["GSM21"][shared]])).any()


def test_all_is_every_reference_gene(catalog: Catalog, tmp_path: Path) -> None:
    catalog.export(tmp_path / "o", genes="all", where="study_accession = 'GSE1'")
    ids = pq.read_table(tmp_path / "o" / "features.parquet").column("feature_id").to_pylist()
    reference = load_reference(9606).table.column("ensembl_id").drop_null().to_pylist()
    assert ids == sorted(set(reference)) and set(LNC) <= set(ids)


def test_a_gene_file_of_symbols_is_mapped_and_unmapped_lines_listed(catalog: Catalog, tmp_path: Path) -> None:
    reference = load_reference(9606).table.to_pandas().set_index("ensembl_id")
    symbols = [reference.loc[g, "symbol"] for g in CODING[:3]]
    gene_file = tmp_path / "genes.txt"
    gene_file.write_text("\n".join([symbols[2], CODING[0], "NOT_A_GENE_XYZ", symbols[0]]) + "\n")
    catalog.export(tmp_path / "o", genes=gene_file, where="study_accession = 'GSE1'")
    ids = pq.read_table(tmp_path / "o" / "features.parquet").column("feature_id").to_pylist()
    assert ids == [CODING[2], CODING[0]]
    mapping = json.loads((tmp_path / "o" / "manifest.json").read_text())["genes"]["mapping"][0]
    assert [r["input"] for r in mapping["not_mapped"]] == ["NOT_A_GENE_XYZ"]


def test_feature_level_is_one_platform_as_deposited(catalog: Catalog, tmp_path: Path) -> None:
    catalog.export(tmp_path / "o", level="feature", where="study_accession = 'GSE3'")
    ids = pq.read_table(tmp_path / "o" / "features.parquet").column("feature_id").to_pylist()
    assert ids == ["1007_s_at", "1053_at"]
    with pytest.raises(ConfigError, match=r"spans .*GPL_ARRAY.*GPL_OTHER|spans .*GPL_OTHER.*GPL_ARRAY"):
        catalog.export(tmp_path / "x", level="feature", where="study_accession IN ('GSE3', 'GSE4')")
    with pytest.raises(ConfigError, match="protein_coding needs --level gene"):
        catalog.export(tmp_path / "y", level="feature", genes="protein_coding")
