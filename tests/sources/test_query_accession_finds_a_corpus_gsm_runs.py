"""``rnacorpus query --accession GSM…`` on a GEO-brokered sample the corpus holds through ENA (SRP048683:
ENA's records name GSM1519616 as the experiment's alias) returns its SRA experiment, run, SRA sample and
BioSample — read from the corpus's own XML records, independent of the catalog."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from rnacorpus import api
from rnacorpus.cli import _register, app
from rnacorpus.mirror import MirrorServer
from tests.conftest import corpus_root, mirror_config


def stated(name: str, pattern: str) -> set[str]:
    text = (corpus_root() / "ena" / "browser_xml" / name).read_text(encoding="utf-8")
    return set(re.findall(pattern, text))


def test_a_gsm_resolves_to_its_srx_srr_and_samn(corpus_mirror: MirrorServer, tmp_path: Path) -> None:
    config = mirror_config(tmp_path, corpus_mirror.url)
    report = api.harvest(["SRP048683"], source="ena", config=config)
    assert not report.failed
    _register()
    args = ["query", "--accession", "GSM1519616", "--catalog", str(config.catalog_path), "--json"]
    result = CliRunner().invoke(app, [*args, "--store", str(config.store_dir)])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    held = {a["accession"]: a["kind"] for a in found["accessions"]}
    # what the corpus's experiment and run records state, scanned from their XML text
    (srx,) = stated("SRX725593.xml", r'<EXPERIMENT [^>]*accession="(SRX\d+)"')
    (srr,) = stated("SRR1603661.xml", r'<RUN [^>]*accession="(SRR\d+)"')
    samn = stated("SRS716925.xml", r">(SAMN\d+)<")
    assert held[srx] == "experiment" and held[srr] == "run" and held["GSM1519616"] == "geo_sample"
    assert samn and all(held.get(s) == "biosample" for s in samn)
    assert [r["run_accession"] for r in found["runs"]] == [srr]
