"""Names can lie: a column matched by its header is checked against other values of the same samples.

When a series holds a second source of values for samples a supplementary matrix was matched to
(GEO's NCBI counts, sample tables, a series matrix, or another supplementary file), each matched
column must resemble its own sample's values more than any other sample's. Resemblance is the
Spearman correlation over the features both sources name (Ensembl versions dropped, symbols
upper-cased; NCBI GeneIDs translated through GEO's annotation table when it was fetched). A column
that another sample explains better by more than :data:`MARGIN` is a mismatch: a shuffled header,
or a title that names the wrong sample. The matrix is then quarantined as a whole — one wrong
column means the file's names cannot be trusted — and the issue names the columns.

Samples whose profiles are indistinguishable (technical replicates) cannot be told apart by values;
the margin keeps such swaps from being called mismatches, and the check says nothing about them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from rnacorpus.schemas import ExpressionMatrix, MatrixLike

__all__ = ["MARGIN", "MIN_SHARED_FEATURES", "Mismatch", "verify_against"]

MARGIN = 0.02
MIN_SHARED_FEATURES = 200


@dataclass(frozen=True)
class Mismatch:
    sample: str
    column: str
    looks_like: str
    rho_own: float
    rho_other: float


def _keys(ids: Sequence[str], translate: Mapping[str, str] | None) -> pd.Index:
    index = pd.Index([str(i) for i in ids]).str.strip().str.replace(r"\.\d+$", "", regex=True).str.upper()
    if translate:
        index = pd.Index(index.map(lambda key: translate.get(key, key)))  # a dict lookup per ID, once per file
    return index


def _ranks(values: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    ranked = pd.DataFrame(values.T).rank(axis=0).to_numpy(np.float64, copy=True)
    ranked -= np.nanmean(ranked, axis=0)
    norms = np.sqrt(np.nansum(ranked**2, axis=0))
    norms[norms == 0] = np.nan
    out: npt.NDArray[np.float64] = np.nan_to_num(ranked / norms)
    return out


def _values(matrix: MatrixLike) -> npt.NDArray[np.float32]:
    """All of a matrix's values (a streamed one is gathered chunk by chunk)."""
    if isinstance(matrix, ExpressionMatrix):
        return matrix.values
    chunks = [chunk.values for chunk in matrix.chunks()]
    return np.vstack(chunks) if chunks else np.empty((0, len(matrix.feature_ids)), np.float32)


def verify_against(
    matrix: ExpressionMatrix,
    reference: MatrixLike,
    *,
    reference_translation: Mapping[str, str] | None = None,
) -> tuple[list[Mismatch], float | None]:
    """Mismatched samples of ``matrix`` judged by ``reference``, and the median own-sample rho (None
    when the two share too few samples or features to judge)."""
    shared = [s for s in matrix.sample_accessions if s in set(reference.sample_accessions)]
    if len(shared) < 2 or len(reference.sample_accessions) < 2:
        return [], None
    ours = _keys(matrix.feature_ids, None)
    theirs = _keys(reference.feature_ids, reference_translation)
    ours_unique = ~ours.duplicated()
    theirs_unique = ~theirs.duplicated()
    common = ours[ours_unique].intersection(theirs[theirs_unique])
    if len(common) < MIN_SHARED_FEATURES:
        return [], None
    our_cols = pd.Index(ours[ours_unique]).get_indexer(common)
    their_cols = pd.Index(theirs[theirs_unique]).get_indexer(common)
    our_rows = [matrix.sample_accessions.index(s) for s in shared]
    a = matrix.values[our_rows][:, np.flatnonzero(ours_unique)[our_cols]]
    b = _values(reference)[:, np.flatnonzero(theirs_unique)[their_cols]]
    keep = np.isfinite(a).all(axis=0) & np.isfinite(b).all(axis=0)
    if keep.sum() < MIN_SHARED_FEATURES:
        return [], None
    rho = _ranks(a[:, keep]).T @ _ranks(b[:, keep])  # (shared, reference samples)
    position = {s: i for i, s in enumerate(reference.sample_accessions)}
    mismatches, own = [], []
    columns = {m.sample: m.columns for m in matrix.source.column_matches}
    for row, sample in enumerate(shared):
        self_rho = float(rho[row, position[sample]])
        own.append(self_rho)
        best = int(np.argmax(rho[row]))
        if best != position[sample] and float(rho[row, best]) > self_rho + MARGIN:
            column = ", ".join(columns.get(sample, [sample]))
            mismatches.append(
                Mismatch(sample, column, reference.sample_accessions[best], self_rho, float(rho[row, best]))
            )
    return mismatches, float(np.median(own))
