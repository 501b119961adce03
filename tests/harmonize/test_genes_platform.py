"""Probe IDs through real GPL annotations from the corpus, and the corpus's studies mapped with reports."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from rnacorpus.harmonize.genes import map_identifiers
from rnacorpus.harmonize.genes.probes import find_gene_columns
from rnacorpus.harvester.geo.soft import parse_soft_records, read_platform_table


def _rows_by_input(mapping_rows: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {row["input"]: row for row in mapping_rows}


@pytest.fixture(scope="module")
def gpl97(corpus: Path) -> pa.Table:
    return read_platform_table(corpus / "geo/gpl/GPL97.annot.gz")[1]


def test_gpl97_annotation_maps_probes_through_entrez(gpl97: pa.Table) -> None:
    mapping = map_identifiers(gpl97.column(0), "human", platform_table=gpl97)
    rows = _rows_by_input(list(mapping.rows()))
    assert rows["200000_s_at"]["symbol"] == "PRPF8" and rows["200000_s_at"]["rule"] == "platform_entrez"
    # a probe annotated to two genes is ambiguous, never the first of them
    snx3 = rows["200067_x_at"]
    assert snx3["outcome"] == "ambiguous" and sorted(snx3["candidate_symbols"]) == ["NR2E1", "SNX3"]
    assert rows["AFFX-BioB-5_at"]["outcome"] == "dropped"
    report = mapping.report
    assert report.inputs == gpl97.num_rows == 22645
    assert report.mapped + report.ambiguous + report.unmapped + report.dropped == report.inputs
    assert report.id_kind == "probe"
    assert report.mapped > 11_000 and report.dropped >= 60
    assert report.rules["unmapped:probe_without_gene"] > 9000  # probes GEO annotates to no gene


def test_probe_ids_in_a_matrix_use_the_platform_not_their_shape(corpus: Path) -> None:
    _, gpl4133 = read_platform_table(corpus / "geo/gpl/GPL4133.txt")
    columns = find_gene_columns(gpl4133)
    assert ("entrez", "GENE") in columns.genes and "CONTROL_TYPE" in columns.controls
    rows = _rows_by_input(list(map_identifiers(["12", "13", "1", "7157"], "human", platform_table=gpl4133).rows()))
    assert rows["12"]["symbol"] == "APOBEC3B"  # Agilent feature 12, not Entrez gene 12
    assert rows["13"]["outcome"] == "unmapped" and rows["13"]["rule"] == "probe_without_gene"
    assert rows["1"]["outcome"] == "dropped" and rows["1"]["rule"] == "control_probe"
    assert rows["7157"]["symbol"] == "TP53"  # not a probe of this platform: an Entrez ID


def test_gpl96_family_soft_table_symbols_and_entrez(corpus: Path) -> None:
    _, gpl96 = read_platform_table(corpus / "geo/gpl/GPL96_family.soft.gz")
    mapping = map_identifiers(gpl96.column(0), "human", platform_table=gpl96)
    rows = _rows_by_input(list(mapping.rows()))
    assert rows["1007_s_at"]["symbol"] == "DDR1"
    assert mapping.report.mapped >= 0.8 * mapping.report.inputs


def test_ncbi_annotation_table_as_platform_table() -> None:
    annot = pa.table(
        {
            "GeneID": ["7157", "999999999", "100287102"],
            "Symbol": ["TP53", "LOC999999999", "DDX11L1"],
            "EnsemblGeneID": ["ENSG00000141510", "ENSG00000223972", ""],
        }
    )
    rows = list(map_identifiers(["7157", "999999999", "100287102"], "human", platform_table=annot).rows())
    assert [r["symbol"] for r in rows] == ["TP53", "DDX11L1", "DDX11L1"]
    assert [r["rule"] for r in rows] == ["platform_ensembl", "platform_ensembl", "platform_entrez"]


@pytest.mark.parametrize("name", ["GSE1299_family.soft.gz", "GSE11897_family.soft.gz", "GSE14618.soft.gz"])
def test_corpus_sample_tables_mapped_with_reports(corpus: Path, name: str) -> None:
    # the corpus copies are chopped: sample tables list probes their chopped platform tables lack
    records = parse_soft_records(corpus / "geo/soft" / name)
    organisms = {p.accession: p.organism_name for p in records.platforms}
    in_table = mapped_in_table = 0
    for matrix in records.expression:
        platform = matrix.source.platform_accession or ""
        table = records.platform_tables.get(platform)
        mapping = map_identifiers(matrix.feature_ids, organisms.get(platform) or "human", platform_table=table)
        report = mapping.report
        assert report.inputs == len(matrix.feature_ids)
        assert report.mapped + report.ambiguous + report.unmapped + report.dropped == report.inputs
        assert sum(report.rules.values()) == report.inputs
        probes = set(table.column(0).to_pylist()) if table is not None else set()
        for row in mapping.rows():
            if row["input"] in probes:
                in_table += 1
                mapped_in_table += row["outcome"] == "mapped"
                assert row["id_kind"] == "probe"
                assert str(row["rule"]).startswith(("platform_", "probe_", "control_probe"))
            else:
                assert row["rule"] == "probe_without_platform_table"
    assert in_table and mapped_in_table >= 0.5 * in_table
