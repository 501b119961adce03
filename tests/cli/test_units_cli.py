"""``rnacorpus units detect FILE``: one JSON line per sample column."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

import rnacorpus.cli.units_cmd  # noqa: F401  (registers the command)
from rnacorpus.cli import app
from rnacorpus.harmonize.units import UNITS

CONTRACT = {"column", "unit", "is_log", "confidence", "evidence"}


def _lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_ncbi_counts_file(corpus: Path) -> None:
    path = corpus / "geo/ncbi_counts/GSE63966_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    result = CliRunner().invoke(app, ["units", "detect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    rows = _lines(result.stdout)
    assert len(rows) == 16 and all(set(r) == CONTRACT for r in rows)
    assert {(r["unit"], r["is_log"]) for r in rows} == {("counts", False)}
    assert rows[0]["column"] == "GSM1561390"


def test_csv_with_r_header_and_featurecounts_columns(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    genes = [f"G{i}" for i in range(3000)]
    tpm = np.exp(rng.normal(0, 2, (2, 3000))) * (rng.random((2, 3000)) > 0.3)
    tpm = tpm / tpm.sum(axis=1, keepdims=True) * 1e6
    lines = ["S1_tpm,S2_tpm"] + [f"{g},{a:.4f},{b:.4f}" for g, a, b in zip(genes, *np.log2(tpm + 1), strict=True)]
    csv_path = tmp_path / "values.csv"
    csv_path.write_text("\n".join(lines) + "\n")
    rows = _lines(CliRunner().invoke(app, ["units", "detect", str(csv_path)]).stdout)
    assert [(r["column"], r["unit"], r["is_log"]) for r in rows] == [
        ("S1_tpm", "tpm", True),
        ("S2_tpm", "tpm", True),
    ]
    counts = rng.poisson(np.exp(rng.normal(2, 2, 3000)))
    fc = ["# Program:featureCounts v2.0.1", "Geneid\tChr\tStart\tEnd\tStrand\tLength\tsample.bam"]
    fc += [f"{g}\tchr1\t1\t100\t+\t{100 + i}\t{c}" for i, (g, c) in enumerate(zip(genes, counts, strict=True))]
    fc_path = tmp_path / "counts.txt.gz"
    fc_path.write_bytes(gzip.compress(("\n".join(fc) + "\n").encode()))
    result = CliRunner().invoke(app, ["units", "detect", str(fc_path)])
    rows = _lines(result.stdout)
    assert [(r["column"], r["unit"]) for r in rows] == [("sample.bam", "counts")]
    assert "Length" in result.stderr and all(r["unit"] in UNITS for r in rows)


def test_label_option_is_evidence(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    values = np.exp(rng.normal(5, 1.5, 2000))
    path = tmp_path / "arrays.tsv"
    path.write_text("ID\tGSM1\n" + "".join(f"p{i}\t{v:.2f}\n" for i, v in enumerate(values)))
    rows = _lines(CliRunner().invoke(app, ["units", "detect", str(path), "--label", "MAS5 signal"]).stdout)
    assert rows[0]["unit"] == "linear_intensity" and "MAS5" in rows[0]["evidence"]
