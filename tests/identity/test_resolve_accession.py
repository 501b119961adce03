"""Any accession of a sample resolves to its one sample with every accession; a study accession to
the study the catalog keeps (an E-GEOD folded into its GSE resolves to the GSE)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from rnacorpus.catalog.api import Catalog
from rnacorpus.cli import _register, app
from rnacorpus.schemas import CrossRef
from tests.builders import make_bundle
from tests.identity.test_identity_rules import egeod


def loaded(load) -> None:  # type: ignore[no-untyped-def]
    bundle = make_bundle("GSE44", ["GSM1", "GSM2"])
    bundle.samples[0].xrefs += [
        CrossRef(db="SRA", accession="SRX11", relation="SRA"),
        CrossRef(db="BioSample", accession="SAMN11", relation="BioSample"),
    ]
    load(bundle, "a")
    load(egeod(44, ["GSM1", "GSM2"]), "b")


def test_every_accession_of_a_sample_resolves_to_it(tmp_path: Path, load) -> None:
    loaded(load)
    catalog = Catalog.open(tmp_path / "catalog.duckdb", tmp_path / "store")
    for query in ("GSM1", "SRX11", "SAMN11", "E-GEOD-44:GSM1 1"):
        found = catalog.resolve(query)
        assert found["kind"] == "sample" and found["sample_id"] == "GSM1", query
        assert {a["accession"] for a in found["accessions"]} == {"GSM1", "SRX11", "SAMN11", "E-GEOD-44:GSM1 1"}
        assert [r["accession"] for r in found["records"]] == ["GSM1"]
    assert catalog.resolve("GSM999")["kind"] is None


def test_a_twin_study_resolves_to_the_study_kept(tmp_path: Path, load) -> None:
    loaded(load)
    catalog = Catalog.open(tmp_path / "catalog.duckdb", tmp_path / "store")
    found = catalog.resolve("E-GEOD-44")
    assert found["kind"] == "study" and found["study_accession"] == "GSE44" and found["absorbed_into"] == "GSE44"


def test_query_accession_on_the_command_line(tmp_path: Path, load) -> None:
    loaded(load)
    _register()
    runner = CliRunner()
    args = [
        "query",
        "--accession",
        "SRX11",
        "--catalog",
        str(tmp_path / "catalog.duckdb"),
        "--store",
        str(tmp_path / "store"),
    ]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sample_id"] == "GSM1"
    human = runner.invoke(app, args)
    assert human.exit_code == 0 and "GSM1" in human.output and "SAMN11" in human.output
    missing = runner.invoke(app, ["query", "--accession", "SRX0", "--catalog", str(tmp_path / "catalog.duckdb")])
    assert missing.exit_code == 1 and "not in the catalog" in missing.output
