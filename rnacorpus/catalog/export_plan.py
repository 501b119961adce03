"""Planning an export: which samples, from which shard rows, into which split — before a byte is written.

The selection is a funnel, each step recorded with the samples left after it (the manifest's
``selection``), so an empty export can say which step removed everything:

1. ``catalog`` → ``--where`` (one predicate) → each ontology filter (ancestor-aware, the code of
   ``query``) → not withdrawn → has values at the level (gene-level shards, or as deposited)
2. checks that stop the export (exit 2): ``--level feature`` spans one platform; organisms or units
   do not mix unless ``--organism``/``--normalize`` made them one or ``--allow-mixed`` says so
3. → not refused by the normalization → reaches ``--min-gene-coverage`` by its shard's genes →
   one accession per physical sample (:mod:`.split_units`) → at most ``--max-per-study`` per study
   (the samples with the lowest sha256 of ``seed:accession``, so the choice is stable and seeded)
4. splits by unit (:mod:`.export_splits`); a split that receives no unit is a warning
   (an error with ``strict``).

The plan is columnar: one Arrow row per sample (:attr:`ExportPlan.rows`), each step a filter on
it, each per-value decision (a unit's refusal, a unit key's split, a shard's gene coverage) made
once per distinct value — no Python object per sample, so planning 10^5 samples takes a fraction
of a second and little memory.

A sample whose own values (NaN cells) leave it below ``--min-gene-coverage`` is dropped while
writing, after ``--max-per-study`` chose it; the manifest lists it.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.catalog.export_genes import GeneSpace, gene_space
from rnacorpus.catalog.export_options import ExportOptions
from rnacorpus.catalog.export_select import (
    accession_table,
    choose_shards,
    registered,
    select_table,
    withdrawn_samples,
)
from rnacorpus.catalog.export_splits import assign_split
from rnacorpus.catalog.export_threads import background_thread
from rnacorpus.catalog.samples_query import filter_predicates
from rnacorpus.catalog.split_units import SplitUnits, split_units
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.errors import ConfigError, EmptyExportError

__all__ = ["ExportPlan", "ShardRun", "plan_export"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShardRun:
    """The plan's rows ``start:stop`` all read from the shard at ``path``."""

    path: str
    sha256: str
    start: int
    stop: int
    study: str | None = None  # the first row's study (for progress reports)


@dataclass
class ExportPlan:
    options: ExportOptions
    genes: GeneSpace
    #: one row per sample to export, in write order (shard path, then row in the shard): the columns
    #: of :data:`rnacorpus.catalog.export_select.CHOICE_COLUMNS`, then ``split_unit`` and ``split``
    rows: pa.Table
    unit_kind: str
    selection: list[dict[str, Any]] = field(default_factory=list)
    refused: dict[str, dict[str, Any]] = field(default_factory=dict)
    withdrawn: list[str] = field(default_factory=list)
    without_expression: list[str] = field(default_factory=list)
    below_coverage: dict[str, float] = field(default_factory=dict)
    duplicates: dict[str, str] = field(default_factory=dict)
    over_study_cap: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def samples(self) -> list[str]:
        accessions: list[str] = self.rows["sample_accession"].to_pylist()
        return accessions

    def shard_runs(self) -> Iterator[ShardRun]:
        """The rows grouped by shard, in order (the rows are sorted by shard path)."""
        if not self.rows.num_rows:
            return
        codes = pc.dictionary_encode(self.rows["shard_path"].combine_chunks())
        indices = codes.indices.to_numpy()
        edges = [0, *(np.flatnonzero(np.diff(indices)) + 1).tolist(), len(indices)]
        paths, digests = self.rows["shard_path"], self.rows["shard_sha256"]
        for start, stop in itertools.pairwise(edges):
            yield ShardRun(paths[start].as_py(), digests[start].as_py(), start, stop)


class _Funnel:
    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []

    def record(self, step: str, remaining: int) -> None:
        self.steps.append({"step": step, "samples": remaining})
        if remaining == 0:
            before = self.steps[-2]["samples"] if len(self.steps) > 1 else 0
            trail = ", ".join(f"{s['step']}: {s['samples']}" for s in self.steps)
            raise EmptyExportError(f"no samples to export: {step} removed all {before} that were left ({trail})")


def _filtered(con: duckdb.DuckDBPyConnection, options: ExportOptions, funnel: _Funnel) -> pa.Table:
    total = con.execute("SELECT count(*) FROM samples").fetchall()
    funnel.record("catalog", int(total[0][0]))
    accessions = select_table(con, options.where)
    if options.where is not None:
        funnel.record(f"--where {options.where}", accessions.num_rows)
    for name, value in options.filters.items():
        predicates, params = filter_predicates({name: value}, descendants=not options.exact, con=con)
        with registered(con, "_export_selected", accessions) as cursor:
            accessions = cursor.sql(
                f"SELECT s.accession FROM samples s WHERE s.accession IN (SELECT accession FROM _export_selected) "  # noqa: S608
                f"AND {' AND '.join(predicates)} ORDER BY s.accession",
                params=params,
            ).to_arrow_table()
        funnel.record(f"--{name.replace('_', '-')} {value}", accessions.num_rows)
    return accessions


def _pinned(con: duckdb.DuckDBPyConnection, pinned: dict[str, str], funnel: _Funnel) -> pa.Table:
    listed = pa.table({"accession": pa.array(list(pinned), pa.string())})
    with registered(con, "_export_listed", listed) as cursor:
        accessions = cursor.sql(
            "SELECT accession FROM _export_listed WHERE accession IN (SELECT accession FROM samples) ORDER BY accession"
        ).to_arrow_table()
    funnel.record("samples listed in the manifest and still in the catalog", accessions.num_rows)
    return accessions


def _counts(rows: pa.Table, columns: list[str], label: Callable[..., Any] = lambda value: value) -> Counter[Any]:
    """Rows per ``label(*values)`` of the distinct values of ``columns`` (labelled once per distinct value)."""
    grouped = rows.group_by(columns, use_threads=False).aggregate([([], "count_all")]).to_pylist()
    counter: Counter[Any] = Counter()
    for group in grouped:
        counter[label(*(group[c] for c in columns))] += group["count_all"]
    return counter


def _check_mix(options: ExportOptions, rows: pa.Table) -> None:
    if options.level == "feature":
        platforms = _counts(rows, ["platform_accession"])
        if len(platforms) > 1:
            raise ConfigError(
                "--level feature exports one platform's features as deposited, but the selection spans "
                f"{_text(platforms)}; add a --where on platform_accession, or export at --level gene"
            )
    if options.allow_mixed:
        return
    organisms = _counts(rows, ["organism_taxid"])
    if len(organisms) > 1:
        raise ConfigError(
            f"the selection mixes organisms ({_text(organisms)} samples by taxon); their genes do not line up: "
            "choose one with --organism, or pass --allow-mixed"
        )
    units = _counts(rows, ["unit", "is_log"], lambda unit, is_log: f"{unit}{' (log)' if is_log else ''}")
    if not options.rule.converts and len(units) > 1:
        raise ConfigError(
            f"the selection mixes units ({_text(units)}); values on different scales would share columns: "
            "choose --normalize (e.g. log1p_tpm; what it cannot convert is refused and listed), or pass --allow-mixed"
        )


def _text(counter: Counter[Any]) -> str:
    return ", ".join(f"{key}: {n}" for key, n in counter.most_common())


def _matches(column: pa.ChunkedArray, value: Any) -> pa.ChunkedArray:
    return pc.is_null(column) if value is None else pc.fill_null(pc.equal(column, value), False)


def _refusals(options: ExportOptions, rows: pa.Table) -> tuple[dict[str, dict[str, Any]], npt.NDArray[np.bool_]]:
    """The rule's refusal, decided once per distinct (unit, is_log); the samples it refuses, with why."""
    refused = np.zeros(rows.num_rows, dtype=bool)
    found: dict[str, dict[str, Any]] = {}
    pairs = rows.group_by(["unit", "is_log"], use_threads=False).aggregate([]).to_pylist()
    for pair in pairs:
        reason = options.rule.refusal(pair["unit"], pair["is_log"], level=options.level)
        if reason is None:
            continue
        mask = pc.and_(_matches(rows["unit"], pair["unit"]), _matches(rows["is_log"], pair["is_log"]))
        mask_np = mask.to_numpy(zero_copy_only=False).astype(bool)
        refused |= mask_np
        why = {"unit": pair["unit"], "is_log": pair["is_log"], "reason": reason}
        found.update(dict.fromkeys(rows["sample_accession"].filter(mask).to_pylist(), why))
    return {a: dict(w) for a, w in sorted(found.items())}, refused


def _without(rows: pa.Table, drop: npt.NDArray[np.bool_]) -> pa.Table:
    return rows.filter(pa.array(~drop)) if drop.any() else rows


def _dropping(rows: pa.Table, accessions: Any) -> npt.NDArray[np.bool_]:
    members = pa.array(list(accessions), pa.string())
    mask: npt.NDArray[np.bool_] = pc.is_in(rows["sample_accession"], value_set=members).to_numpy(zero_copy_only=False)
    return mask.astype(bool)


def _shard_paths(rows: pa.Table) -> tuple[list[str], npt.NDArray[np.intp]]:
    """The shards the rows read (in path order) and, per row, its shard's position in that list."""
    column = rows["shard_path"].combine_chunks()  # dictionary-encoded by choose_shards
    used, position = np.unique(column.indices.to_numpy(zero_copy_only=False), return_inverse=True)
    paths: list[str] = column.dictionary.take(pa.array(used)).to_pylist()
    return paths, position


def _coverage_bound(store: ExpressionStore, rows: pa.Table, genes: GeneSpace) -> npt.NDArray[np.float64]:
    """Per row, the share of the export's genes its shard has (its own NaNs can only lower it);
    one footer read per distinct shard."""
    index = genes.index
    paths, position = _shard_paths(rows)
    shares = np.array(
        [np.count_nonzero(index.isin(store.feature_ids(p))) / max(len(genes.ids), 1) for p in paths],
        dtype=np.float64,
    )
    share: npt.NDArray[np.float64] = shares[position]
    return share


def _rank(seed: str, accession: str) -> bytes:
    return hashlib.sha256(f"{seed}:{accession}".encode()).digest()


def _study_cap(rows: pa.Table, cap: int, seed: str) -> list[str]:
    """Samples over ``cap`` in their study: each study keeps the ``cap`` with the lowest sha256 of
    ``seed:accession`` (stable, seeded). Only studies over the cap are looked at sample by sample."""
    study = pc.coalesce(rows["study_accession"], rows["sample_accession"])
    keyed = pa.table({"study": study, "sample_accession": rows["sample_accession"]})
    sizes = keyed.group_by("study", use_threads=False).aggregate([([], "count_all")])
    over = sizes.filter(pc.greater(sizes["count_all"], cap))["study"]
    if not len(over):
        return []
    crowded = keyed.filter(pc.is_in(keyed["study"], value_set=over.combine_chunks()))
    members: dict[str, list[str]] = {}
    for study_key, accession in zip(crowded["study"].to_pylist(), crowded["sample_accession"].to_pylist(), strict=True):
        members.setdefault(study_key, []).append(accession)
    dropped = []
    for accessions in members.values():
        dropped += sorted(accessions, key=lambda a: _rank(seed, a))[cap:]
    return sorted(dropped)


def _split_column(rows: pa.Table, options: ExportOptions, pinned: dict[str, str] | None) -> pa.Array:
    """Each row's split: decided once per unit (or read from the manifest for a rebuild)."""
    if pinned is not None:
        keys, column = list(pinned), rows["sample_accession"]
        values = pa.array([pinned[k] for k in keys], pa.string())
    else:
        spec = options.split_spec
        keys = pc.unique(rows["split_unit"]).to_pylist()
        column = rows["split_unit"]
        values = pa.array([assign_split(k, spec, options.seed) for k in keys], pa.string())
    position = pc.index_in(column, value_set=pa.array(keys, pa.string()))
    return values.take(position.combine_chunks())


def plan_export(
    con: duckdb.DuckDBPyConnection,
    store: ExpressionStore,
    options: ExportOptions,
    *,
    pinned: dict[str, str] | None = None,
) -> ExportPlan:
    """Everything the writer needs. ``pinned`` (accession → split, from a manifest) replaces the
    selection and the split assignment: a rebuild exports exactly the samples it lists."""
    funnel = _Funnel()
    wanted = _filtered(con, options, funnel) if pinned is None else _pinned(con, pinned, funnel)
    gone = withdrawn_samples(con, wanted)
    if len(gone):
        wanted = wanted.filter(pc.invert(pc.is_in(wanted["accession"], value_set=gone)))
    funnel.record("not withdrawn", wanted.num_rows)
    rows, missing = choose_shards(con, wanted, options.level)
    funnel.record(f"with values at --level {options.level}", rows.num_rows)
    _check_mix(options, rows)
    refused, refused_rows = _refusals(options, rows)
    rows = _without(rows, refused_rows)
    funnel.record(f"convertible to {options.rule.name}", rows.num_rows)
    taxa = sorted(t for t in pc.unique(rows["organism_taxid"]).to_pylist() if t is not None)
    shard_features = []
    if options.level == "feature":
        shard_features = [store.feature_ids(p) for p in _shard_paths(rows)[0]]
    # the gene space (the pinned reference read, filtered and sorted: ~0.1-0.25 s, the longest step
    # of planning 10^4 samples) is built in a helper thread while this one asks DuckDB for the split
    # units; both run mostly outside the GIL, so planning no longer leaves a core idle for its length
    building = background_thread("rnacorpus-export-genes").submit(
        gene_space, options.gene_option, options.level, taxa, shard_features
    )
    try:
        rows, below, units, capped = _units_and_caps(con, store, options, rows, building, funnel, pinned)
    except BaseException:
        error = building.exception()  # waits: the helper is done before the error leaves
        if error is not None:  # a bad gene option was the first error when built in order: it still is
            raise error from None
        raise
    genes = building.result()
    plan = ExportPlan(
        options=options,
        genes=genes,
        rows=rows,
        unit_kind=units.kind,
        selection=funnel.steps,
        refused=refused,
        withdrawn=gone.to_pylist(),
        without_expression=missing,
        below_coverage=below,
        duplicates=units.duplicates,
        over_study_cap=capped,
    )
    _split_warnings(plan)
    return plan


def _units_and_caps(
    con: duckdb.DuckDBPyConnection,
    store: ExpressionStore,
    options: ExportOptions,
    rows: pa.Table,
    building: Future[GeneSpace],
    funnel: _Funnel,
    pinned: dict[str, str] | None,
) -> tuple[pa.Table, dict[str, float], SplitUnits, list[str]]:
    """The funnel's last steps: ``--min-gene-coverage`` by the shard's genes (waits for the gene
    space ``building``), one accession per physical sample with its split unit, ``--max-per-study``,
    the split of each row."""
    below: dict[str, float] = {}
    if options.min_gene_coverage is not None:
        bound = _coverage_bound(store, rows, building.result())
        low = bound < options.min_gene_coverage
        below = dict(
            zip(
                rows["sample_accession"].filter(pa.array(low)).to_pylist(),
                np.round(bound[low], 6).tolist(),
                strict=True,
            )
        )
        rows = _without(rows, low)
        funnel.record(f"--min-gene-coverage {options.min_gene_coverage} (by shard genes)", rows.num_rows)
    units = split_units(con, accession_table(rows["sample_accession"]))
    rows = _without(rows, _dropping(rows, units.duplicates))
    position = pc.index_in(rows["sample_accession"], value_set=units.units["accession"])
    rows = rows.append_column("split_unit", units.units["unit"].take(position))
    capped: list[str] = []
    if options.max_per_study is not None and pinned is None:
        capped = _study_cap(rows, options.max_per_study, options.seed)
        rows = _without(rows, _dropping(rows, capped))
        funnel.record(f"--max-per-study {options.max_per_study}", rows.num_rows)
    rows = rows.append_column("split", _split_column(rows, options, pinned)).combine_chunks()
    return rows, below, units, capped


def _split_warnings(plan: ExportPlan) -> None:
    spec = plan.options.split_spec
    used = set(pc.unique(plan.rows["split"]).to_pylist())
    n_units = len(pc.unique(plan.rows["split_unit"]))
    for name, fraction in zip(spec.names, spec.fractions, strict=True):
        if fraction > 0 and name not in used:
            plan.warnings.append(
                f"split {name!r} ({fraction:g}) received no {plan.unit_kind}: the {n_units} {plan.unit_kind} unit(s) "
                f"all fell elsewhere (splits are by {plan.unit_kind}; more studies or another --seed change that)"
            )
    if plan.warnings and plan.options.strict:
        raise ConfigError("; ".join(plan.warnings) + " (--strict)")
