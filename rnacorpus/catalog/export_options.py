"""What an export was asked to do: every option, validated before anything is read or written.

The same object is written into the manifest (``options``) and read back by ``--from-manifest``, so
a rebuild asks for exactly what the first export asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rnacorpus.catalog.export_genes import GENE_SETS
from rnacorpus.catalog.export_splits import DEFAULT_SPLITS, SplitSpec, parse_splits
from rnacorpus.catalog.normalize import NormalizationRule, get_rule
from rnacorpus.errors import ConfigError

__all__ = ["FILTER_FIELDS", "FORMATS", "ExportOptions", "make_options"]

#: the ontology-aware filters, as ``query`` has them (resolved by catalog.samples_query)
FILTER_FIELDS = ("tissue", "disease", "cell_type", "organism", "assay", "sex", "development_stage")
FORMATS = ("parquet", "h5ad")
_LEVELS = {"gene": "gene", "feature": "feature", "auto": "gene"}


@dataclass(frozen=True)
class ExportOptions:
    where: str | None = None
    filters: dict[str, str] = field(default_factory=dict)
    exact: bool = False
    max_per_study: int | None = None
    min_gene_coverage: float | None = None
    seed: str = "rnacorpus"
    #: a gene set name, or the IDs/symbols of a gene list (kept in the manifest: the file may move)
    genes: str | tuple[str, ...] = "all"
    level: str = "gene"
    normalize: str = "as_deposited"
    splits: str = DEFAULT_SPLITS
    formats: tuple[str, ...] = ("parquet",)
    allow_mixed: bool = False
    strict: bool = False

    @property
    def rule(self) -> NormalizationRule:
        return get_rule(self.normalize)

    @property
    def split_spec(self) -> SplitSpec:
        return parse_splits(self.splits)

    @property
    def gene_option(self) -> str | list[str]:
        return self.genes if isinstance(self.genes, str) else list(self.genes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["genes"] = self.gene_option
        data["formats"] = list(self.formats)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ExportOptions:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return make_options(**known)


def _genes(value: str | Path | Sequence[str] | None) -> str | tuple[str, ...]:
    if value is None:
        return "all"
    if isinstance(value, str) and value in GENE_SETS:
        return value
    if isinstance(value, str | Path):
        path = Path(value)
        if not path.is_file():
            raise ConfigError(f"--genes is protein_coding, all or a file of gene IDs; no file {path}")
        value = path.read_text(encoding="utf-8").splitlines()
    lines = tuple(line.strip() for line in value if line.strip() and not line.lstrip().startswith("#"))
    if not lines:
        raise ConfigError("--genes names no gene")
    return lines


def _formats(value: str | Sequence[str]) -> tuple[str, ...]:
    items = [v.strip() for v in (value.split(",") if isinstance(value, str) else value) if v.strip()]
    bad = [v for v in items if v not in FORMATS]
    if bad or not items:
        raise ConfigError(f"--format is one of {', '.join(FORMATS)} (or both, comma-separated); got {value!r}")
    return tuple(dict.fromkeys(items))


def make_options(
    *,
    where: str | None = None,
    filters: Mapping[str, str | None] | None = None,
    exact: bool = False,
    max_per_study: int | None = None,
    min_gene_coverage: float | None = None,
    seed: str | int = "rnacorpus",
    genes: str | Path | Sequence[str] | None = "all",
    level: str = "gene",
    normalize: str = "as_deposited",
    splits: str | Mapping[str, float] | Sequence[float] = DEFAULT_SPLITS,
    formats: str | Sequence[str] = ("parquet",),
    allow_mixed: bool = False,
    strict: bool = False,
) -> ExportOptions:
    """Validate every option (raises ConfigError, touches nothing but a ``--genes`` file it reads)."""
    if level not in _LEVELS:
        raise ConfigError(f"--level is gene or feature; got {level!r}")
    unknown = sorted(set(filters or {}) - set(FILTER_FIELDS))
    if unknown:
        raise ConfigError(f"cannot filter on {unknown[0]!r}; known: {', '.join(FILTER_FIELDS)}")
    if max_per_study is not None and max_per_study < 1:
        raise ConfigError(f"--max-per-study must be at least 1, got {max_per_study}")
    if min_gene_coverage is not None and not 0.0 <= min_gene_coverage <= 1.0:
        raise ConfigError(f"--min-gene-coverage is a fraction between 0 and 1, got {min_gene_coverage}")
    options = ExportOptions(
        where=where if where is None else str(where),
        filters={k: str(v) for k, v in (filters or {}).items() if v not in (None, "")},
        exact=exact,
        max_per_study=max_per_study,
        min_gene_coverage=min_gene_coverage,
        seed=str(seed),
        genes=_genes(genes),
        level=_LEVELS[level],
        normalize=get_rule(normalize).name,
        splits=parse_splits(splits).text(),
        formats=_formats(formats),
        allow_mixed=allow_mixed,
        strict=strict,
    )
    if options.level == "feature" and options.genes == "protein_coding":
        raise ConfigError("--genes protein_coding needs --level gene (features as deposited have no biotype)")
    return options
