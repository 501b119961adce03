"""What an export was asked to do: every option, validated before anything is read or written.

:func:`make_options` is the one spec of the export's options: its keyword parameters are the options
of ``Catalog.export``/``api.export`` (passed through as ``**options``) and, by the same names, of
``rnacorpus export`` (the CLI hands over its parameters named in :data:`OPTION_NAMES`). The
:class:`ExportOptions` it returns is written into the manifest (``options``) and read back by
``--from-manifest``, so a rebuild asks for exactly what the first export asked for.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from inspect import signature
from pathlib import Path
from typing import Any

from rnacorpus.catalog.export_genes import GENE_SETS
from rnacorpus.catalog.export_splits import DEFAULT_SPLITS, SplitSpec, parse_splits
from rnacorpus.catalog.normalize import NormalizationRule, get_rule
from rnacorpus.errors import ConfigError

__all__ = ["COMPRESSIONS", "FILTER_FIELDS", "FORMATS", "OPTION_NAMES", "ExportOptions", "make_options"]

#: the ontology-aware filters, as ``query`` has them (resolved by catalog.samples_query)
FILTER_FIELDS = ("tissue", "disease", "cell_type", "organism", "assay", "sex", "development_stage")
FORMATS = ("parquet", "h5ad")
#: codecs of the part files' values (:data:`rnacorpus.catalog.export_parts.CODECS` says what each writes)
COMPRESSIONS = ("zstd", "lz4", "none")
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
    #: none since 2026-12-07, lz4 before, zstd first (``export_parts``); a manifest written before
    #: this option existed has none, and its parts were zstd (:meth:`from_dict`)
    compression: str = "none"
    allow_mixed: bool = False
    strict: bool = False

    @property
    def rule(self) -> NormalizationRule:
        return get_rule(self.normalize)

    @functools.cached_property
    def split_spec(self) -> SplitSpec:
        """The parsed ``splits`` (parsed once: the export asks for it per block)."""
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
        """The options a manifest recorded (``to_dict``), validated again."""
        known = {k: v for k, v in data.items() if k in OPTION_NAMES}
        known.setdefault("compression", "zstd")  # a manifest from before --compression: its parts were zstd
        return make_options(**known, **data.get("filters", {}), format=data.get("formats", ("parquet",)))


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
    tissue: str | None = None,
    disease: str | None = None,
    cell_type: str | None = None,
    organism: str | None = None,
    assay: str | None = None,
    sex: str | None = None,
    development_stage: str | None = None,
    exact: bool = False,
    max_per_study: int | None = None,
    min_gene_coverage: float | None = None,
    seed: str | int = "rnacorpus",
    genes: str | Path | Sequence[str] | None = "all",
    level: str = "gene",
    normalize: str = "as_deposited",
    splits: str | Mapping[str, float] | Sequence[float] = DEFAULT_SPLITS,
    format: str | Sequence[str] = "parquet",
    compression: str = "none",
    allow_mixed: bool = False,
    strict: bool = False,
) -> ExportOptions:
    """Validate every option (raises ConfigError, touches nothing but a ``--genes`` file it reads).

    ``where``: one SQL predicate on ``samples``; ``tissue`` … ``development_stage``: ontology-aware
    filters as ``query`` has them (descendants included unless ``exact``); ``max_per_study``: a
    seeded choice per study; ``min_gene_coverage``: drop samples measuring less than this share of
    the genes; ``genes``: ``protein_coding``, ``all``, a file or a list of Ensembl IDs/symbols;
    ``level``: ``gene`` or ``feature`` (one platform, as deposited); ``normalize``: ``as_deposited``,
    ``log1p_cpm``, ``log1p_tpm``, ``cpm``, ``tpm``; ``splits``: ``"train=0.8,val=0.1,test=0.1"``, a
    mapping or fractions; ``format``: ``parquet``, ``h5ad`` or both; ``compression``: the part
    files' codec, ``lz4`` (the default), ``zstd`` (smallest) or ``none`` (least CPU, most bytes);
    ``allow_mixed``: several organisms or units without ``normalize``; ``strict``: a split that
    receives no study is an error.
    """
    if level not in _LEVELS:
        raise ConfigError(f"--level is gene or feature; got {level!r}")
    filters = {"tissue": tissue, "disease": disease, "cell_type": cell_type, "organism": organism}
    filters |= {"assay": assay, "sex": sex, "development_stage": development_stage}
    if max_per_study is not None and max_per_study < 1:
        raise ConfigError(f"--max-per-study must be at least 1, got {max_per_study}")
    if compression not in COMPRESSIONS:
        raise ConfigError(f"--compression is one of {', '.join(COMPRESSIONS)}; got {compression!r}")
    if min_gene_coverage is not None and not 0.0 <= min_gene_coverage <= 1.0:
        raise ConfigError(f"--min-gene-coverage is a fraction between 0 and 1, got {min_gene_coverage}")
    options = ExportOptions(
        where=where if where is None else str(where),
        filters={k: str(v) for k, v in filters.items() if v not in (None, "")},
        exact=exact,
        max_per_study=max_per_study,
        min_gene_coverage=min_gene_coverage,
        seed=str(seed),
        genes=_genes(genes),
        level=_LEVELS[level],
        normalize=get_rule(normalize).name,
        splits=parse_splits(splits).text(),
        formats=_formats(format),
        compression=compression,
        allow_mixed=allow_mixed,
        strict=strict,
    )
    if options.level == "feature" and options.genes == "protein_coding":
        raise ConfigError("--genes protein_coding needs --level gene (features as deposited have no biotype)")
    return options


#: every option's name, as ``make_options``, ``Catalog.export`` and ``rnacorpus export`` spell it
OPTION_NAMES = tuple(signature(make_options).parameters)
