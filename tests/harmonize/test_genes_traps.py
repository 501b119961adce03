"""The trap suite: identifiers that break naive mappers, with the outcome the rules must give."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from rnacorpus.harmonize.genes import map_identifiers

TRAPS = Path(__file__).resolve().parents[1] / "data" / "genes" / "traps.tsv"


def _traps() -> list[dict[str, str]]:
    with TRAPS.open(encoding="utf-8") as handle:
        rows = [line for line in handle if not line.startswith("#")]
    names = ["organism", "input", "outcome", "symbols", "rule", "why"]
    return [dict(zip(names, row, strict=True)) for row in csv.reader(rows, delimiter="\t")]


TRAP_ROWS = _traps()


@pytest.mark.parametrize("trap", TRAP_ROWS, ids=[f"{t['organism']}:{t['input']}" for t in TRAP_ROWS])
def test_trap(trap: dict[str, str]) -> None:
    row = next(map_identifiers([trap["input"]], trap["organism"]).rows())
    assert (row["outcome"], row["rule"]) == (trap["outcome"], trap["rule"]), trap["why"]
    if trap["outcome"] == "mapped":
        assert row["symbol"] == trap["symbols"], trap["why"]
        assert row["ensembl_id"] and row["ensembl_id"].startswith(("ENSG", "ENSMUSG"))
    elif trap["outcome"] == "ambiguous":
        assert "|".join(sorted(row["candidate_symbols"])) == trap["symbols"], trap["why"]
    else:
        assert row["ensembl_id"] is None


def test_whole_suite_in_one_call_gives_the_same_answers() -> None:
    for organism in ("human", "mouse"):
        traps = [t for t in TRAP_ROWS if t["organism"] == organism]
        rows = list(map_identifiers([t["input"] for t in traps], organism).rows())
        assert [(r["outcome"], r["rule"]) for r in rows] == [(t["outcome"], t["rule"]) for t in traps]


def test_no_silent_pick_among_ambiguous_ids() -> None:
    traps = [t["input"] for t in TRAP_ROWS if t["organism"] == "human"]
    mapping = map_identifiers(traps, "human")
    for row in mapping.rows():
        if row["outcome"] == "ambiguous":
            assert row["ensembl_id"] is None and row["symbol"] is None
            assert len(row["candidates"]) >= 2 and len(row["candidates"]) == len(row["candidate_symbols"])


def test_entrez_as_int_str_and_float_are_the_same_gene() -> None:
    mapping = map_identifiers([7157, "7157", 7157.0, " 7157 ", '"7157"'], "human")
    assert set(mapping.ensembl_ids) == {"ENSG00000141510"}
    assert map_identifiers([22059], "mouse").ensembl_ids == ["ENSMUSG00000059552"]


def test_version_mismatch_is_noted_and_counted() -> None:
    mapping = map_identifiers(["ENSG00000141510.5", "ENSG00000141510.19", "ENSG00000141510"], "human")
    notes = [row["note"] for row in mapping.rows()]
    assert notes[0] is not None and notes[0].startswith("version_mismatch")
    assert notes[1] is None and notes[2] is None
    assert mapping.report.version_mismatches == 1


def test_report_counts_add_up_and_keep_input_order() -> None:
    ids = ["TP53", "COX1", "ERCC-00002", "NOT_A_GENE_XYZ", "TP53", "__no_feature", "7157"]
    mapping = map_identifiers(ids, "human")
    report = mapping.report
    assert [r["input"] for r in mapping.rows()] == ids
    assert (report.inputs, report.unique_inputs) == (7, 6)
    assert (report.mapped, report.ambiguous, report.unmapped, report.dropped) == (3, 1, 1, 2)
    assert sum(report.rules.values()) == report.inputs
    assert report.rules["mapped:approved_symbol"] == 2
    assert report.genes == 1
    assert report.examples["ambiguous"] == ["COX1"]


def test_organism_names_and_taxids() -> None:
    for name in ("human", "Homo sapiens", 9606, "9606"):
        assert map_identifiers(["TP53"], name).ensembl_ids == ["ENSG00000141510"]
    for name in ("mouse", "Mus musculus", 10090):
        assert map_identifiers(["Trp53"], name).ensembl_ids == ["ENSMUSG00000059552"]
