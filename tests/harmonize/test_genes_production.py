"""The production path: HGNC / NCBI gene_info / GENCODE GTF through the HTTP seam from a local mirror.

The files are small ones in the real formats, written here; the mirror is pytest-httpserver on
loopback, reached through the real HttpClient (routing, cache, checks).
"""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pytest_httpserver import HTTPServer

from rnacorpus.errors import BadContentError
from rnacorpus.harmonize.genes import map_identifiers
from rnacorpus.harmonize.genes.production import DEFAULT_PINS, build_production_reference, with_checksums
from rnacorpus.harvester.http import HttpClient
from tests.faults import quick_config

HGNC = (
    "hgnc_id\tsymbol\tname\tlocus_group\tlocus_type\tstatus\talias_symbol\tprev_symbol\tentrez_id\t"
    "ensembl_gene_id\trefseq_accession\n"
    "HGNC:11998\tTP53\ttumor protein p53\tprotein-coding gene\tgene with protein product\tApproved\t"
    "p53|LFS1\t\t7157\tENSG00000141510\tNM_000546\n"
    'HGNC:1717\tSEPTIN7\tseptin 7\tprotein-coding gene\tgene with protein product\tApproved\t"CDC3|SEPT7A"\t'
    '"CDC10|SEPT7"\t989\tENSG00000122545\tNM_001788\n'
    "HGNC:9604\tPTGS1\tprostaglandin-endoperoxide synthase "
    "1\tprotein-coding gene\tgene with protein product\t"
    "Approved\tCOX1\t\t5742\tENSG00000095303\t\n"
    "HGNC:7419\tMT-CO1\tcytochrome c oxidase I\tprotein-coding gene\tgene with protein product\tApproved\t"
    "COX1\tMTCO1\t4512\tENSG00000198804\t\n"
    "HGNC:1\tOLDGENE\twithdrawn\tother\tother\tEntry Withdrawn\t\t\t\t\t\n"
)
GENE_INFO = (
    "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\tchromosome\tmap_location\tdescription\t"
    "type_of_gene\tSymbol_from_nomenclature_authority\tFull_name_from_nomenclature_authority\t"
    "Nomenclature_status\tOther_designations\tModification_date\tFeature_type\n"
    "9606\t7157\tTP53\t-\tp53|LFS1\tMIM:191170|HGNC:HGNC:11998|Ensembl:ENSG00000141510\t17\t17p13.1\t"
    "tumor protein p53\tprotein-coding\tTP53\ttumor protein p53\tO\t-\t20240101\t-\n"
    "9606\t100287102\tDDX11L1\t-\t-\tHGNC:HGNC:37102|Ensembl:ENSG00000290825\t1\t1p36.33\tDDX11 like 1\t"
    "transcribed-pseudo\tDDX11L1\t-\tO\t-\t20240101\t-\n"
)
GTF = (
    "##description: small GENCODE-format test file\n"
    "chr17\tHAVANA\tgene\t7661779\t7687538\t.\t-\t.\tgene_id "
    '"ENSG00000141510.19"; gene_type "protein_coding"; '
    'gene_name "TP53"; level 2;\n'
    'chr17\tHAVANA\texon\t7661779\t7662000\t.\t-\t.\tgene_id "ENSG00000141510.19"; transcript_id "ENST1";\n'
    'chr17\tHAVANA\texon\t7661900\t7662100\t.\t-\t.\tgene_id "ENSG00000141510.19"; transcript_id "ENST2";\n'
    'chr17\tHAVANA\texon\t7687000\t7687538\t.\t-\t.\tgene_id "ENSG00000141510.19"; transcript_id "ENST1";\n'
    "chr7\tHAVANA\tgene\t35800000\t35900000\t.\t+\t.\tgene_id "
    '"ENSG00000122545.22"; gene_type "protein_coding"; '
    'gene_name "SEPTIN7";\n'
    'chr1\tHAVANA\tgene\t1\t100\t.\t+\t.\tgene_id "ENSG00000290825.2"; '
    'gene_type "lncRNA"; gene_name "DDX11L16";\n'
    'chrY\tHAVANA\tgene\t1\t100\t.\t+\t.\tgene_id "ENSG00000290825.2_PAR_Y"; gene_type "lncRNA"; '
    'gene_name "DDX11L16";\n'
)


def _path(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def mirror(httpserver: HTTPServer) -> HTTPServer:
    pins = DEFAULT_PINS["human"]
    assert pins.hgnc is not None
    httpserver.expect_request(_path(pins.hgnc.url)).respond_with_data(HGNC, content_type="text/plain")
    httpserver.expect_request(_path(pins.gene_info.url)).respond_with_data(
        gzip.compress(GENE_INFO.encode()), content_type="application/x-gzip"
    )
    httpserver.expect_request(_path(pins.gtf.url)).respond_with_data(
        gzip.compress(GTF.encode()), content_type="application/x-gzip"
    )
    return httpserver


def test_production_reference_from_the_mirror(mirror: HTTPServer, tmp_path: Path) -> None:
    config = quick_config(tmp_path / "cache", mirror=mirror.url_for("/").rstrip("/"))
    with HttpClient(config) as client:
        reference = build_production_reference("human", client, tmp_path / "refs")
    table = {row["gene_key"]: row for row in reference.table.to_pylist()}
    assert set(table) == {
        "ENSG00000141510",
        "ENSG00000122545",
        "ENSG00000095303",
        "ENSG00000198804",
        "ENSG00000290825",
    }
    tp53 = table["ENSG00000141510"]
    assert (tp53["symbol"], tp53["authority_id"], tp53["entrez_id"], tp53["ensembl_version"]) == (
        "TP53",
        "HGNC:11998",
        "7157",
        19,
    )
    assert tp53["length"] == 222 + 100 + 539  # union of exons, overlaps counted once
    assert table["ENSG00000290825"]["entrez_id"] == "100287102"  # from gene_info, HGNC file lacks it
    assert "gene_info" in reference.info.release and "sha256" in reference.info.source
    rows = {r["input"]: r for r in map_identifiers(["SEPT7", "COX1", "LOC100287102", "OLDGENE"], reference).rows()}
    assert rows["SEPT7"]["symbol"] == "SEPTIN7" and rows["SEPT7"]["rule"] == "previous_symbol"
    assert rows["COX1"]["outcome"] == "ambiguous"
    assert rows["LOC100287102"]["ensembl_id"] == "ENSG00000290825"
    assert rows["OLDGENE"]["outcome"] == "unmapped"  # withdrawn entries are not genes


def test_a_pinned_checksum_that_does_not_match_stops_the_build(mirror: HTTPServer, tmp_path: Path) -> None:
    config = quick_config(tmp_path / "cache", mirror=mirror.url_for("/").rstrip("/"))
    pins = with_checksums(DEFAULT_PINS["human"], gene_info="0" * 64)
    with HttpClient(config) as client, pytest.raises(BadContentError, match="pinned"):
        build_production_reference("human", client, tmp_path / "refs", pins=pins)


def test_offline_rebuild_reads_the_cache(mirror: HTTPServer, tmp_path: Path) -> None:
    config = quick_config(tmp_path / "cache", mirror=mirror.url_for("/").rstrip("/"))
    with HttpClient(config) as client:
        first = build_production_reference("human", client, tmp_path / "refs")
    mirror.clear()
    with HttpClient(config.with_(offline=True)) as client:
        second = build_production_reference("human", client, tmp_path / "refs2")
    assert second.info.release == first.info.release and second.n_genes == first.n_genes
