"""The identity rules hold whatever order studies load in: records sharing a run or BioSample are one
sample; E-GEOD-n folds into GSEn (GEO wins); a reload that drops the evidence splits the sample again."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.load import LoadPlan, load_study
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.schemas import CrossRef, Sample, Study, StudyBundle
from tests.builders import make_bundle


def with_xrefs(bundle: StudyBundle, links: dict[str, list[str]]) -> StudyBundle:
    for sample in bundle.samples:
        for accession in links.get(sample.accession, []):
            sample.xrefs.append(CrossRef(db="SRA", accession=accession, relation="SRA"))
    return bundle


def egeod(number: int, gsms: list[str], extra: list[str] = ()) -> StudyBundle:  # type: ignore[assignment]
    accession = f"E-GEOD-{number}"
    samples = [
        Sample(
            accession=f"{accession}:{gsm} 1",
            study_accession=accession,
            archive="arrayexpress",
            source_name=f"{gsm} 1",
            organism_taxid=9606,
            xrefs=[CrossRef(db="GEO", accession=gsm, relation="GEO import")],
        )
        for gsm in gsms
    ] + [
        Sample(accession=f"{accession}:{name}", study_accession=accession, archive="arrayexpress", source_name=name)
        for name in extra
    ]
    study = Study(
        accession=accession, archive="arrayexpress", title="twin", sample_accessions=[s.accession for s in samples]
    )
    return StudyBundle(study=study, samples=samples)


def snapshot(path: Path) -> dict[str, object]:
    with writer(path) as con:
        return {
            "studies": sorted(r[0] for r in con.execute("SELECT accession FROM studies").fetchall()),
            "samples": sorted(con.execute("SELECT accession, sample_id FROM samples").fetchall()),
            "accessions": sorted(con.execute("SELECT DISTINCT accession, sample_id FROM accessions").fetchall()),
            "absorbed": sorted(con.execute("SELECT accession, absorbed_into FROM absorbed_studies").fetchall()),
            "links": sorted(
                con.execute("SELECT study_accession, linked_accession, relation FROM study_links").fetchall()
            ),
        }


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_records_sharing_a_run_are_one_sample_in_any_order(tmp_path: Path, load, order: tuple[int, ...]) -> None:
    bundles = [
        with_xrefs(make_bundle("GSE10", ["GSM1", "GSM2"]), {"GSM1": ["SRX1"], "GSM2": ["SRX2"]}),
        # a reanalysis series whose own sample reuses GSM2's experiment
        with_xrefs(make_bundle("GSE20", ["GSM30"], platform="GPL2"), {"GSM30": ["SRX2"]}),
        with_xrefs(make_bundle("GSE30", ["GSM40"], platform="GPL3"), {"GSM40": ["SRX3"]}),
    ]
    for step, index in enumerate(order):
        load(bundles[index], f"k{step}")
    state = snapshot(tmp_path / "catalog.duckdb")
    ids = dict(state["samples"])  # type: ignore[arg-type]
    assert ids == {"GSM1": "GSM1", "GSM2": "GSM2", "GSM30": "GSM2", "GSM40": "GSM40"}
    assert ("GSE20", "GSE10", "shares_samples") in state["links"]  # type: ignore[operator]
    assert ("GSE10", "GSE20", "shares_samples") in state["links"]  # type: ignore[operator]
    assert not any(link[0] == "GSE30" and link[2] == "shares_samples" for link in state["links"])  # type: ignore[union-attr]


@pytest.mark.parametrize("gse_first", [True, False])
def test_an_egeod_twin_folds_into_its_gse_whatever_the_order(tmp_path: Path, load, gse_first: bool) -> None:
    gse = make_bundle("GSE44", ["GSM1", "GSM2", "GSM3"])
    twin = egeod(44, ["GSM1", "GSM2", "GSM3"])
    for step, bundle in enumerate([gse, twin] if gse_first else [twin, gse]):
        load(bundle, f"k{step}")
    state = snapshot(tmp_path / "catalog.duckdb")
    assert state["studies"] == ["GSE44"]
    assert state["absorbed"] == [("E-GEOD-44", "GSE44")]
    assert dict(state["samples"]) == {"GSM1": "GSM1", "GSM2": "GSM2", "GSM3": "GSM3"}  # type: ignore[arg-type]
    assert ("E-GEOD-44:GSM2 1", "GSM2") in state["accessions"]  # type: ignore[operator]
    assert ("E-GEOD-44", "GSE44", "same_study") in state["links"]  # type: ignore[operator]


def test_both_orders_give_the_same_catalog(tmp_path: Path) -> None:
    results = []
    for name, first_gse in (("a", True), ("b", False)):
        folder = tmp_path / name
        store = ExpressionStore(folder / "store")
        bundles = [make_bundle("GSE44", ["GSM1", "GSM2"]), egeod(44, ["GSM1", "GSM2"], extra=["spare"])]
        for step, bundle in enumerate(bundles if first_gse else bundles[::-1]):
            with writer(folder / "catalog.duckdb") as con:
                load_study(con, store, LoadPlan(bundle=bundle, content_sha256=f"k{step}", run_id="r"))
        results.append(snapshot(folder / "catalog.duckdb"))
    assert results[0] == results[1]
    # the twin's sample GEO lacks stays, under the twin
    assert results[0]["studies"] == ["E-GEOD-44", "GSE44"]
    assert ("E-GEOD-44:spare", "E-GEOD-44:spare") in results[0]["samples"]  # type: ignore[operator]


def test_a_reload_without_the_shared_run_splits_the_sample_again(tmp_path: Path, load) -> None:
    load(with_xrefs(make_bundle("GSE10", ["GSM1"]), {"GSM1": ["SRR5"]}), "a")
    load(with_xrefs(make_bundle("GSE20", ["GSM9"], platform="GPL2"), {"GSM9": ["SRR5"]}), "b")
    assert dict(snapshot(tmp_path / "catalog.duckdb")["samples"]) == {"GSM1": "GSM1", "GSM9": "GSM1"}  # type: ignore[arg-type]
    load(make_bundle("GSE20", ["GSM9"], platform="GPL2"), "b2")
    state = snapshot(tmp_path / "catalog.duckdb")
    assert dict(state["samples"]) == {"GSM1": "GSM1", "GSM9": "GSM9"}  # type: ignore[arg-type]
    assert not [link for link in state["links"] if link[2] == "shares_samples"]  # type: ignore[union-attr]


def test_loading_the_same_study_twice_changes_nothing(tmp_path: Path, load) -> None:
    load(with_xrefs(make_bundle("GSE10", ["GSM1"]), {"GSM1": ["SRX1", "SAMN1"]}), "a")
    first = snapshot(tmp_path / "catalog.duckdb")
    load(with_xrefs(make_bundle("GSE10", ["GSM1"]), {"GSM1": ["SRX1", "SAMN1"]}), "a2")
    assert snapshot(tmp_path / "catalog.duckdb") == first


def test_split_units_follow_identity_clusters_not_superseries(tmp_path: Path, load) -> None:
    from rnacorpus.catalog.split_units import split_units

    load(make_bundle("GSE900", ["GSM1", "GSM2", "GSM3"], sub_series=["GSE901", "GSE902"]), "a")
    load(make_bundle("GSE901", ["GSM1", "GSM2"]), "b")
    load(make_bundle("GSE902", ["GSM3"], platform="GPL2"), "c")
    load(make_bundle("GSE903", ["GSM2", "GSM9"], platform="GPL3"), "d")  # lists GSM2 too: shares a sample
    load(with_xrefs(make_bundle("GSE904", ["GSM40"], platform="GPL4"), {"GSM40": ["SRR7"]}), "e")
    load(with_xrefs(make_bundle("GSE905", ["GSM50"], platform="GPL5"), {"GSM50": ["SRR7"]}), "f")  # reanalysis
    with writer(tmp_path / "catalog.duckdb") as con:
        units = split_units(con, ["GSM1", "GSM2", "GSM3", "GSM9", "GSM40", "GSM50"])
    assert units.unit_of == {"GSM1": "GSE901", "GSM2": "GSE901", "GSM3": "GSE902", "GSM9": "GSE901", "GSM40": "GSE904"}
    assert units.duplicates == {"GSM50": "GSM40"}  # one physical sample is exported once


def test_a_later_load_keeps_the_links_of_a_third_study(tmp_path: Path, load) -> None:
    load(with_xrefs(make_bundle("GSE10", ["GSM1", "GSM2"]), {"GSM1": ["SRX3"], "GSM2": ["SRX0"]}), "a")
    load(with_xrefs(make_bundle("GSE11", ["GSM5"], platform="GPL2"), {"GSM5": ["SRX3"]}), "b")
    load(with_xrefs(make_bundle("GSE12", ["GSM7"], platform="GPL3"), {"GSM7": ["SRX0"]}), "c")
    links = {(a, b) for a, b, rel in snapshot(tmp_path / "catalog.duckdb")["links"] if rel == "shares_samples"}  # type: ignore[misc]
    assert {("GSE10", "GSE11"), ("GSE11", "GSE10"), ("GSE10", "GSE12"), ("GSE12", "GSE10")} == links
