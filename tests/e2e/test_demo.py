"""``rnacorpus demo``: generated GEO files → loopback mirror → discovery + harvest → query → export."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.export import verify_export
from rnacorpus.demo import run_demo
from rnacorpus.demo.run import DEMO_FOLDER
from rnacorpus.errors import ConfigError
from rnacorpus.outfolder import inspect_target
from tests.export.folders import snapshot


@pytest.mark.slow
def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    lines: list[str] = []
    result = run_demo(tmp_path / "demo", say=lines.append)
    assert result.ok, result.to_dict()
    assert result.first is not None and result.first.counts["new"] == 5
    assert result.second is not None and result.second.counts["unchanged"] == 5
    assert result.export is not None and result.export.n_samples == 18
    assert verify_export(tmp_path / "demo" / "export") == []
    assert len(lines) == 8
    # issue 12's part: the E-GEOD twin folds into its series, ENA lists the series' runs
    archives = result.archives
    assert archives is not None and archives.studies == ["GSE990101"] and archives.n_samples == 8
    assert len(archives.runs) == 8 and all(r["catalog_sample"] for r in archives.runs)
    assert {a["kind"] for a in archives.resolved["accessions"]} >= {"geo_sample", "experiment", "run", "biosample"}
    assert any(line.startswith("archives: E-GEOD-990101 harvested") for line in lines)
    sizes = result.export.splits
    assert {n: s["studies"] for n, s in sizes.items()} == {"train": 1, "test": 1} and not result.export.warnings
    assert result.batches and all("×" in b for b in result.batches)
    assert lines[-1].startswith("read back through rnacorpus.read.iter_batches: train 4×")  # the demo ends there

    catalog = Catalog.open(tmp_path / "demo" / "rnacorpus.duckdb")
    brain = catalog.samples(tissue="brain", organism="mouse").column("tissue_label").to_pylist()
    assert set(brain) == {"hippocampal formation", "cerebellum"} and len(brain) == 6
    by_study = {
        r["study_accession"]: r["unit"]
        for r in catalog.sql("SELECT DISTINCT study_accession, unit FROM samples").to_pylist()
    }
    assert by_study == {
        "GSE990101": "counts",
        "GSE990102": "log2_intensity",
        "GSE990103": "linear_intensity",
        "GSE990104": "counts",
    }
    reports = catalog.sql("SELECT study_accession, ambiguous, mapped FROM gene_mapping_reports").to_pylist()
    assert {r["study_accession"] for r in reports} == {"GSE990100", "GSE990101", "GSE990102", "GSE990103", "GSE990104"}
    # GSE990104's values come only from the authors' matrix, its columns placed by the descriptions
    placed = catalog.sql(
        """SELECT s.description, es.source_columns, es.match_method FROM expression_samples es
           JOIN samples s ON s.accession = es.sample_accession JOIN expression_shards sh ON sh.path = es.shard_path
           WHERE sh.study_accession = 'GSE990104' AND sh.level = 'feature' AND sh.kind = 'supplementary'"""
    ).to_pylist()
    assert len(placed) == 6
    assert all(r["source_columns"][0].startswith(f"Lib_{r['description']}_S") for r in placed)

    # the folder lists every file it holds, so a later demo may replace it; a user's file makes it not ours
    assert inspect_target(tmp_path / "demo", DEMO_FOLDER, overwrite=False) == "ours"
    (tmp_path / "demo" / "store" / "my-analysis.ipynb").write_text("{}")
    before = snapshot(tmp_path / "demo")
    with pytest.raises(ConfigError, match=r"my-analysis.ipynb is not listed"):
        run_demo(tmp_path / "demo")
    assert snapshot(tmp_path / "demo") == before


def test_demo_refuses_a_folder_it_did_not_write(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "rnacorpus.duckdb").write_bytes(b"my own catalog")
    before = snapshot(folder)
    with pytest.raises(ConfigError, match="nothing was touched"):
        run_demo(folder)
    assert snapshot(folder) == before
