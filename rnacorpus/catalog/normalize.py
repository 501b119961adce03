"""Normalization at export: one scale for the training set, or an honest refusal per sample.

Values are stored as deposited, each sample with its detected unit; a training set may ask for one
scale. A rule converts only what it can convert exactly and refuses the rest with a reason that the
manifest lists — it never guesses a log base or turns array intensities into per-million values.

* ``none`` — values as deposited (each sample's unit is in ``samples.parquet``).
* ``log1p_cpm`` — linear counts (or CPM) → counts per million over the sample's features → ln(1 + x).
* ``log1p_tpm`` — linear TPM, or FPKM/RPKM (TPM_i = FPKM_i / ΣFPKM × 1e6, exact) → ln(1 + x).

Per-million scaling is computed over the features of the shard the sample is read from (all
deposited features at ``feature`` level; the mapped genes at ``gene`` level), before the columns are
gathered into the export's gene order, so choosing a gene subset does not change a sample's scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rnacorpus.errors import ConfigError

__all__ = ["RULES", "NormalizationRule", "get_rule"]


@dataclass(frozen=True)
class NormalizationRule:
    name: str
    description: str
    #: linear units this rule converts exactly
    accepts: frozenset[str]

    def refusal(self, unit: str | None, is_log: bool | None) -> str | None:
        """Why this rule cannot convert a sample of ``unit`` (None when it can)."""
        if not self.accepts:
            return None
        if unit is None or unit == "unknown":
            return "unit unknown: cannot be put on a per-million scale"
        if is_log:
            return f"values are log-scale ({unit}); the log base and pseudocount are not known exactly"
        if unit not in self.accepts:
            return f"{unit} cannot be converted to {self.name} ({'/'.join(sorted(self.accepts))} can)"
        return None

    def apply(self, values: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Rows are samples; NaN cells stay NaN and do not count towards a sample's total."""
        if not self.accepts:
            return values
        totals = np.nansum(values.astype(np.float64), axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_million = np.where(totals > 0, values / totals * 1e6, np.nan)
        return np.log1p(per_million).astype(np.float32)


RULES: dict[str, NormalizationRule] = {
    "none": NormalizationRule("none", "values as deposited, in each sample's recorded unit", frozenset()),
    "log1p_cpm": NormalizationRule(
        "log1p_cpm",
        "counts per million over the sample's features in its shard, then natural log(1 + x)",
        frozenset({"counts", "cpm"}),
    ),
    "log1p_tpm": NormalizationRule(
        "log1p_tpm",
        "TPM (FPKM/RPKM rescaled to sum to 1e6, which is exact) over the shard's features, then natural log(1 + x)",
        frozenset({"tpm", "fpkm"}),
    ),
}


def get_rule(name: str) -> NormalizationRule:
    try:
        return RULES[name]
    except KeyError:
        raise ConfigError(f"unknown normalization {name!r}; choose one of {', '.join(RULES)}") from None
