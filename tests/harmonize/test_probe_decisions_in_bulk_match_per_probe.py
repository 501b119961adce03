"""Probes whose platform cell holds one token are decided in bulk; the answer is the per-probe rule's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from rnacorpus.harmonize.genes import probes
from rnacorpus.harmonize.genes.index import gene_index
from rnacorpus.harmonize.genes.reference import load_reference
from rnacorpus.harmonize.genes.resolve import Resolution
from rnacorpus.harvester.geo.soft import read_platform_table


def _one_by_one(
    res: Resolution,
    found: np.ndarray,
    codes: np.ndarray,
    inner: Resolution,
    words: list[str],
    role: str,
    name: str,
) -> None:
    for probe, code in zip(found.tolist(), codes.tolist(), strict=True):
        probes._decide_probe(res, probe, [code], inner, words, role, name)


def _resolve_both(table: pa.Table, monkeypatch: pytest.MonkeyPatch) -> tuple[Resolution, Resolution]:
    index = gene_index(load_reference("human"))
    bulk = probes.resolve_platform(table, index)
    with monkeypatch.context() as patched:
        patched.setattr(probes, "_decide_single_tokens", _one_by_one)
        single = probes.resolve_platform(table, index)
    assert bulk is not None and single is not None
    return bulk[1], single[1]


def _assert_same(a: Resolution, b: Resolution) -> None:
    assert a.outcome.tolist() == b.outcome.tolist()
    assert a.row.tolist() == b.row.tolist()
    assert a.rule.tolist() == b.rule.tolist()
    assert a.notes == b.notes and a.candidates == b.candidates


@pytest.mark.parametrize("name", ["GPL97.annot.gz", "GPL96_family.soft.gz"])
def test_a_real_platform_is_decided_as_probe_by_probe(corpus: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bulk, single = _resolve_both(read_platform_table(corpus / "geo/gpl" / name)[1], monkeypatch)
    assert (bulk.outcome == probes.MAPPED).sum() > 300
    _assert_same(bulk, single)


def test_every_kind_of_cell_is_decided_as_probe_by_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    cells = {  # probe → (Entrez cell, symbol cell): one token, lists, repeats, unknown, ambiguous, empty
        "p1": ("7157", "TP53"),
        "p2": ("7157 /// 7157", ""),
        "p3": ("", "SNX3 /// NR2E1"),
        "p4": ("999999999", "TP53"),
        "p5": ("999999999", "NOTAGENE123"),
        "p6": ("", ""),
        "p7": ("7157 /// 672", "BRCA1"),
        "p8": ("", "BRCA1"),
        "p9": ("", "MARCH1"),
        "AFFX-x": ("7157", "TP53"),
    }
    table = pa.table(
        {
            "ID": list(cells),
            "ENTREZ_GENE_ID": [entrez for entrez, _ in cells.values()],
            "Gene Symbol": [symbol for _, symbol in cells.values()],
        }
    )
    bulk, single = _resolve_both(table, monkeypatch)
    _assert_same(bulk, single)
    assert bulk.outcome[0] == probes.MAPPED and bulk.outcome[3] == probes.MAPPED  # p4: its symbol decides
