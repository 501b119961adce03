"""Harvest through the mirror: series whose values exist only in authors' files load them, matched to
their samples; where GEO's NCBI counts exist too, they win the export and the author's file is kept.
"""

from __future__ import annotations

import gzip
import random
import shutil
from pathlib import Path

import pytest
import requests

from rnacorpus import api
from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export import export_training_set
from rnacorpus.harvester.geo.suppl_discovery import parse_filelist
from rnacorpus.mirror import MirrorServer
from tests.conftest import corpus_root, mirror_config

CORPUS = corpus_root()


@pytest.fixture(scope="module")
def suppl_only(corpus_mirror, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    config = mirror_config(tmp_path_factory.mktemp("suppl-only"), corpus_mirror.url)
    report = api.harvest(["GSE270705", "GSE273464"], config=config)
    assert report.counts["failed"] == 0, report.to_dict()
    return Catalog.open(config.catalog_path)


@pytest.mark.slow
def test_values_from_a_supplementary_matrix_with_custom_headers_reach_the_right_samples(suppl_only: Catalog) -> None:
    rows = suppl_only.sql(
        """SELECT s.description, es.source_columns, es.match_method, es.unit, sh.kind, sh.level
           FROM expression_samples es JOIN samples s ON s.accession = es.sample_accession
           JOIN expression_shards sh ON sh.path = es.shard_path
           WHERE es.study_accession = 'GSE270705' AND sh.level = 'feature' ORDER BY s.description"""
    ).to_pylist()
    assert [(r["description"], r["source_columns"]) for r in rows] == [
        ("AC7", ["GROUP_AC7"]), ("AC8", ["GROUP_AC8"]), ("AC9", ["GROUP_AC9"]),
        ("BN1", ["GROUP-BN1"]), ("BN2", ["GROUP-BN2"]), ("BN3", ["GROUP-BN3"]),
    ]  # fmt: skip
    assert {(r["match_method"], r["unit"], r["kind"]) for r in rows} == {("affixes", "counts", "supplementary")}


def test_per_sample_workbooks_are_fetched_from_the_sample_folders_and_assembled(suppl_only: Catalog) -> None:
    rows = suppl_only.sql(
        """SELECT es.sample_accession, es.source_columns, es.match_method, es.unit, sh.level, sh.n_samples
           FROM expression_samples es JOIN expression_shards sh ON sh.path = es.shard_path
           WHERE es.study_accession = 'GSE273464' ORDER BY sh.level, es.sample_accession"""
    ).to_pylist()
    assert [(r["sample_accession"], r["level"], r["n_samples"]) for r in rows] == [
        ("GSM8428862", "feature", 2),
        ("GSM8428863", "feature", 2),
        ("GSM8428862", "gene", 2),
        ("GSM8428863", "gene", 2),
    ]
    assert rows[0]["source_columns"] == ["HMC3 cells, PBS-1", "HMC3 cells, PBS-2", "HMC3 cells, PBS-3"]
    assert {r["unit"] for r in rows} == {"fpkm"} and {r["match_method"] for r in rows} == {"gsm_in_file_name"}


def test_the_mirror_serves_the_suppl_folder_filelist_and_raw_tar_as_geo(corpus_mirror) -> None:
    base = f"{corpus_mirror.url}/geo/series/GSE273nnn/GSE273464/suppl/"
    listing = requests.get(base, timeout=10).text
    assert "GSE273464_RAW.tar" in listing and "filelist.txt" in listing and "GSM8428862_" not in listing
    rows = parse_filelist(requests.get(base + "filelist.txt", timeout=10).text)
    assert [(r.scope, r.name, r.type) for r in rows] == [
        ("Archive", "GSE273464_RAW.tar", "TAR"),
        ("File", "GSM8428862_HMC3_cells__PBS_Expression_Gene.xlsx", "XLSX"),
        ("File", "GSM8428863_HMC3_cells__rhPOSTN_Expression_Gene.xlsx", "XLSX"),
    ]
    tar = requests.get(base + "GSE273464_RAW.tar", timeout=30)
    assert len(tar.content) == rows[0].size
    gz = requests.get(
        f"{corpus_mirror.url}/geo/series/GSE270nnn/GSE270705/suppl/GSE270705_counts_raw.txt.gz", timeout=10
    )
    plain = (CORPUS / "geo_suppl/series/GSE270nnn/GSE270705/suppl/GSE270705_counts_raw.txt").read_bytes()
    assert gzip.decompress(gz.content) == plain


def _with_author_counts(root: Path, *, shuffle: bool) -> None:
    """GSE63966 as in the corpus, plus an author's featureCounts-style file made from NCBI's counts:
    Entrez IDs, a Length column, sample titles as headers in another order."""
    for rel in ("geo/soft/GSE63966_family.soft.gz", "geo/ncbi_counts/GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / rel, root / rel)
    titles = {}
    current = None
    soft = gzip.decompress((CORPUS / "geo/soft/GSE63966_family.soft.gz").read_bytes()).decode()
    for line in soft.splitlines():
        if line.startswith("^SAMPLE"):
            current = line.split("=", 1)[1].strip()
        elif line.startswith("!Sample_title") and current:
            titles[current] = line.split("=", 1)[1].strip()
    counts = (CORPUS / "geo/ncbi_counts/GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz").read_bytes()
    lines = gzip.decompress(counts).decode().splitlines()
    header = lines[0].split("\t")
    order = list(range(1, len(header)))
    random.Random(5).shuffle(order)
    names = [titles[header[i]] for i in order]
    if shuffle:
        names = names[3:] + names[:3]  # every name moves to another column
    out = ["Geneid\tLength\t" + "\t".join(names)]
    for line in lines[1:]:
        cells = line.split("\t")
        out.append("\t".join([cells[0], "1000", *(cells[i] for i in order)]))
    folder = root / "geo_suppl/series/GSE63nnn/GSE63966/suppl"
    folder.mkdir(parents=True)
    (folder / "GSE63966_author_counts.txt.gz").write_bytes(gzip.compress(("\n".join(out) + "\n").encode()))


def test_ncbi_counts_win_the_export_and_the_author_file_is_kept(tmp_path: Path) -> None:
    _with_author_counts(tmp_path / "mirror", shuffle=False)
    with MirrorServer(tmp_path / "mirror") as server:
        config = mirror_config(tmp_path / "run", server.url)
        report = api.harvest(["GSE63966"], config=config)
    assert report.counts["failed"] == 0, report.to_dict()["results"]
    catalog = Catalog.open(config.catalog_path)
    kinds = (
        catalog.sql("SELECT DISTINCT kind FROM expression_shards WHERE study_accession = 'GSE63966' ORDER BY kind")
        .column("kind")
        .to_pylist()
    )
    assert kinds == ["ncbi_counts", "supplementary"]
    checked = (
        catalog.sql(
            """SELECT count(*) AS n FROM expression_samples es JOIN expression_shards sh ON sh.path = es.shard_path
           WHERE sh.kind = 'supplementary' AND es.match_method = 'exact'"""
        )
        .column("n")[0]
        .as_py()
    )
    assert checked == 2 * 16  # feature and gene level, every sample placed by its title
    result = export_training_set(catalog, tmp_path / "export", level="gene")
    used = catalog.sql("SELECT path, kind FROM expression_shards").to_pylist()
    kind_of = {r["path"]: r["kind"] for r in used}
    import pyarrow.parquet as pq

    shards = set(pq.read_table(tmp_path / "export" / "samples.parquet").column("shard_path").to_pylist())
    assert result.n_samples == 16 and {kind_of[p] for p in shards} == {"ncbi_counts"}


def test_a_shuffled_author_file_is_quarantined_against_ncbi_counts(tmp_path: Path) -> None:
    _with_author_counts(tmp_path / "mirror", shuffle=True)
    with MirrorServer(tmp_path / "mirror") as server:
        config = mirror_config(tmp_path / "run", server.url)
        report = api.harvest(["GSE63966"], config=config)
    assert report.counts["failed"] == 0  # the study loads; only the file is quarantined
    catalog = Catalog.open(config.catalog_path)
    issues = catalog.sql(
        "SELECT level, code, path, message FROM parse_issues WHERE code = 'suppl_columns_mismatch'"
    ).to_pylist()
    assert issues and issues[0]["level"] == "error" and issues[0]["path"] == "GSE63966_author_counts.txt.gz"
    assert "ncbi_counts" in issues[0]["message"]
    kinds = catalog.sql("SELECT DISTINCT kind FROM expression_shards").column("kind").to_pylist()
    assert kinds == ["ncbi_counts"]
