"""Selection: ontology filters as in ``query``, --max-per-study, --min-gene-coverage, and an export of
nothing or of a mix that says why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnacorpus.catalog.api import Catalog
from rnacorpus.errors import ConfigError, EmptyExportError
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

GENES = reference_genes(9606, "protein_coding", 40)
MOUSE = reference_genes(10090, "protein_coding", 40)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    specs = [
        StudySpec("GSE1", [f"GSM1{i}" for i in range(6)], GENES, tissue=("UBERON:0002421", "hippocampal formation")),
        StudySpec("GSE2", ["GSM21", "GSM22"], GENES[:10], tissue=("UBERON:0002037", "cerebellum")),
        StudySpec("GSE3", ["GSM31", "GSM32"], GENES, tissue=("UBERON:0002107", "liver")),
        StudySpec("GSE4", ["GSM41"], GENES, unit="log2_intensity", is_log=True, tissue=("UBERON:0002107", "liver")),
        StudySpec("GSE5", ["GSM51"], MOUSE, taxid=10090, tissue=("UBERON:0002107", "liver")),
    ]
    return build_catalog(tmp_path_factory.mktemp("select"), specs, ontology=True)


def samples_of(out: Path) -> list[str]:
    return sorted(e["sample_accession"] for e in json.loads((out / "manifest.json").read_text())["samples"])


def test_tissue_brain_finds_hippocampus_and_cerebellum_not_liver(catalog: Catalog, tmp_path: Path) -> None:
    result = catalog.export(tmp_path / "o", tissue="brain", organism="human")
    assert samples_of(tmp_path / "o") == ["GSM10", "GSM11", "GSM12", "GSM13", "GSM14", "GSM15", "GSM21", "GSM22"]
    steps = [s["step"] for s in result.selection]
    assert steps[:3] == ["catalog", "--tissue brain", "--organism human"]


def test_max_per_study_is_seeded_and_stable(catalog: Catalog, tmp_path: Path) -> None:
    first = catalog.export(tmp_path / "a", tissue="brain", max_per_study=2, seed="x")
    again = catalog.export(tmp_path / "b", tissue="brain", max_per_study=2, seed="x")
    other = catalog.export(tmp_path / "c", tissue="brain", max_per_study=2, seed="y")
    chosen = samples_of(tmp_path / "a")
    assert chosen == samples_of(tmp_path / "b") and first.n_samples == again.n_samples == 4
    assert sum(s.startswith("GSM1") for s in chosen) == 2 and other.n_samples == 4
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert len(manifest["over_max_per_study"]) == 4


def test_min_gene_coverage_drops_and_lists_samples(catalog: Catalog, tmp_path: Path) -> None:
    result = catalog.export(tmp_path / "o", tissue="brain", genes=GENES, min_gene_coverage=0.5)
    assert result.below_min_gene_coverage == ["GSM21", "GSM22"]  # 10 of 40 genes
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["below_min_gene_coverage"] == {"GSM21": 0.25, "GSM22": 0.25}


def test_zero_samples_is_an_error_naming_the_filter(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(EmptyExportError, match=r"--tissue kidney removed all"):
        catalog.export(tmp_path / "o", tissue="kidney")
    assert not (tmp_path / "o").exists()


def test_mixed_organisms_need_organism_or_allow_mixed(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"mixes organisms \(9606: 3, 10090: 1"):
        catalog.export(tmp_path / "o", tissue="liver", normalize="log1p_cpm")
    mixed = catalog.export(tmp_path / "m", tissue="liver", normalize="log1p_cpm", allow_mixed=True)
    assert mixed.n_features > 40_000 and mixed.refused_by_normalization == ["GSM41"]


def test_mixed_units_need_normalize_or_allow_mixed(catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"mixes units \(counts: 2, log2_intensity \(log\): 1\)"):
        catalog.export(tmp_path / "o", tissue="liver", organism="human")
    result = catalog.export(tmp_path / "n", tissue="liver", organism="human", normalize="log1p_cpm")
    assert result.n_samples == 2 and result.refused_by_normalization == ["GSM41"]
