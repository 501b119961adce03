"""A family SOFT's scan runs with Python's cyclic collector off (its collections only walked the
growing heap, holding the GIL the table threads wait for: :func:`.soft_ahead.collector_paused`), and
the collector is as the caller had it afterwards: on again if it was on, still off if it was off,
also when the parse fails."""

from __future__ import annotations

import gc
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from rnacorpus.errors import ParseError
from rnacorpus.harmonize.units.row_evidence import RowEvidence, row_evidence
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.schemas.row_judge import judging_rows

FAMILY = "geo/soft/GSE2221_family.soft.gz"


def _parse_watching_the_collector(path: Path) -> list[bool]:
    """Whether the collector was on each time a table thread judged a row during the parse."""
    seen: list[bool] = []

    def judge(row: npt.NDArray[np.float32]) -> RowEvidence:
        seen.append(gc.isenabled())
        return row_evidence(row)

    with judging_rows(judge):
        parse_family_soft(path)
    return seen


def test_the_collector_is_off_during_the_scan_and_on_again_after(corpus: Path) -> None:
    assert gc.isenabled()
    seen = _parse_watching_the_collector(corpus / FAMILY)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(corpus: Path) -> None:
    gc.disable()
    try:
        seen = _parse_watching_the_collector(corpus / FAMILY)
        assert seen and not any(seen)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_is_on_again_after_a_failed_parse(tmp_path: Path) -> None:
    broken = tmp_path / "GSE1_family.soft"
    broken.write_text("^SERIES = GSE1\n!Series_title = t\n^SAMPLE = GSM1\n!sample_table_begin\nID_REF\tVALUE\n1\t2\n")
    with pytest.raises(ParseError, match="truncated"):
        parse_family_soft(broken)
    assert gc.isenabled()
