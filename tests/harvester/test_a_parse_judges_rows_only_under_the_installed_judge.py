"""The SOFT parser takes each row's unit evidence only when a judge is installed
(:func:`rnacorpus.schemas.row_judge.judging_rows`, as the pipeline's build step does), hands the judge
to its table threads (which do not inherit context variables), and judges nothing after the block
ends. Without a judge the matrix carries no evidence and the unit step reads the values back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from rnacorpus.harmonize.units.row_evidence import RowEvidence, row_evidence
from rnacorpus.harvester.geo.soft import parse_family_soft
from rnacorpus.schemas import SpooledMatrix
from rnacorpus.schemas.row_judge import current_row_judge, judging_rows

FAMILY = "geo/soft/GSE2221_family.soft.gz"


def test_rows_are_judged_in_the_table_threads_only_under_a_judge(corpus: Path) -> None:
    judged: list[int] = []

    def judge(row: npt.NDArray[np.float32]) -> RowEvidence:
        judged.append(len(row))
        return row_evidence(row)

    plain = parse_family_soft(corpus / FAMILY)
    assert plain.expression and all(getattr(m, "row_evidence", None) is None for m in plain.expression)
    with judging_rows(judge):
        bundle = parse_family_soft(corpus / FAMILY)
    assert current_row_judge() is None  # the block restores what was there
    matrices = [m for m in bundle.expression if isinstance(m, SpooledMatrix)]
    assert matrices and all(m.row_evidence is not None for m in matrices)
    assert len(judged) == sum(len(m.rows) for m in matrices)
    # the same parse after the block judges nothing
    before = len(judged)
    parse_family_soft(corpus / FAMILY)
    assert len(judged) == before
