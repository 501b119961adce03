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

A sample whose own values (NaN cells) leave it below ``--min-gene-coverage`` is dropped while
writing, after ``--max-per-study`` chose it; the manifest lists it.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np

from rnacorpus.catalog.export_genes import GeneSpace, gene_space
from rnacorpus.catalog.export_options import ExportOptions
from rnacorpus.catalog.export_select import ShardChoice, choose_shards, select_accessions, withdrawn_samples
from rnacorpus.catalog.export_splits import assign_split
from rnacorpus.catalog.samples_query import filter_predicates
from rnacorpus.catalog.split_units import split_units
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.errors import ConfigError, EmptyExportError

__all__ = ["ExportPlan", "SampleFacts", "plan_export"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SampleFacts:
    study: str | None
    taxid: int | None
    platform: str | None
    unit: str | None
    is_log: bool | None


@dataclass
class ExportPlan:
    options: ExportOptions
    genes: GeneSpace
    choices: list[ShardChoice]
    facts: dict[str, SampleFacts]
    split_of: dict[str, str]
    unit_of: dict[str, str]
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
        return [s for c in self.choices for s in c.samples]


class _Funnel:
    def __init__(self) -> None:
        self.steps: list[dict[str, Any]] = []

    def record(self, step: str, remaining: int) -> None:
        self.steps.append({"step": step, "samples": remaining})
        if remaining == 0:
            before = self.steps[-2]["samples"] if len(self.steps) > 1 else 0
            trail = ", ".join(f"{s['step']}: {s['samples']}" for s in self.steps)
            raise EmptyExportError(f"no samples to export: {step} removed all {before} that were left ({trail})")


def _filtered(con: duckdb.DuckDBPyConnection, options: ExportOptions, funnel: _Funnel) -> list[str]:
    total = con.execute("SELECT count(*) FROM samples").fetchone()
    funnel.record("catalog", int(total[0]) if total else 0)
    accessions = select_accessions(con, options.where)
    if options.where is not None:
        funnel.record(f"--where {options.where}", len(accessions))
    for name, value in options.filters.items():
        predicates, params = filter_predicates({name: value}, descendants=not options.exact, con=con)
        rows = con.execute(
            f"SELECT s.accession FROM samples s WHERE s.accession IN (SELECT unnest(?::VARCHAR[])) "  # noqa: S608
            f"AND {' AND '.join(predicates)} ORDER BY s.accession",
            [accessions, *params],
        ).fetchall()
        accessions = [str(r[0]) for r in rows]
        funnel.record(f"--{name.replace('_', '-')} {value}", len(accessions))
    return accessions


def _facts(con: duckdb.DuckDBPyConnection, choices: list[ShardChoice]) -> dict[str, SampleFacts]:
    pairs = [[s, c.path] for c in choices for s in c.samples]
    rows = con.execute(
        """SELECT s.accession, s.study_accession, s.organism_taxid, s.platform_accession, es.unit, es.is_log
           FROM (SELECT p[1] AS sample_accession, p[2] AS shard_path FROM (SELECT unnest(?) AS p)) wanted
           JOIN expression_samples es USING (sample_accession, shard_path)
           JOIN samples s ON s.accession = wanted.sample_accession""",
        [pairs],
    ).fetchall()
    return {str(a): SampleFacts(st, taxid, platform, unit, is_log) for a, st, taxid, platform, unit, is_log in rows}


def _check_mix(options: ExportOptions, facts: dict[str, SampleFacts]) -> None:
    if options.level == "feature":
        platforms = Counter(f.platform for f in facts.values())
        if len(platforms) > 1:
            raise ConfigError(
                "--level feature exports one platform's features as deposited, but the selection spans "
                f"{_counts(platforms)}; add a --where on platform_accession, or export at --level gene"
            )
    if options.allow_mixed:
        return
    organisms = Counter(f.taxid for f in facts.values())
    if len(organisms) > 1:
        raise ConfigError(
            f"the selection mixes organisms ({_counts(organisms)} samples by taxon); their genes do not line up: "
            "choose one with --organism, or pass --allow-mixed"
        )
    units = Counter(f"{f.unit}{' (log)' if f.is_log else ''}" for f in facts.values())
    if not options.rule.converts and len(units) > 1:
        raise ConfigError(
            f"the selection mixes units ({_counts(units)}); values on different scales would share columns: "
            "choose --normalize (e.g. log1p_tpm; what it cannot convert is refused and listed), or pass --allow-mixed"
        )


def _counts(counter: Counter[Any]) -> str:
    return ", ".join(f"{key}: {n}" for key, n in counter.most_common())


def _keep(choices: list[ShardChoice], dropped: set[str] | dict[str, Any]) -> list[ShardChoice]:
    kept = []
    for choice in choices:
        keep = [i for i, s in enumerate(choice.samples) if s not in dropped]
        if keep:
            choice.rows = [choice.rows[i] for i in keep]
            choice.samples = [choice.samples[i] for i in keep]
            kept.append(choice)
    return kept


def _coverage_bound(store: ExpressionStore, choices: list[ShardChoice], genes: GeneSpace) -> dict[str, float]:
    """Per sample, the share of the export's genes its shard has (its own NaNs can only lower it)."""
    index, bound = genes.index, {}
    for choice in choices:
        present = int(np.count_nonzero(index.isin(store.feature_ids(choice.path))))
        share = present / max(len(genes.ids), 1)
        bound.update(dict.fromkeys(choice.samples, share))
    return bound


def _rank(seed: str, accession: str) -> bytes:
    return hashlib.sha256(f"{seed}:{accession}".encode()).digest()


def _study_cap(facts: dict[str, SampleFacts], samples: Sequence[str], cap: int, seed: str) -> list[str]:
    by_study: dict[str, list[str]] = defaultdict(list)
    for accession in samples:
        by_study[facts[accession].study or accession].append(accession)
    dropped = []
    for members in by_study.values():
        if len(members) > cap:
            dropped += sorted(members, key=lambda a: _rank(seed, a))[cap:]
    return sorted(dropped)


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
    if pinned is None:
        accessions = _filtered(con, options, funnel)
    else:
        known = {str(r[0]) for r in con.execute("SELECT accession FROM samples").fetchall()}
        accessions = sorted(a for a in pinned if a in known)
        funnel.record("samples listed in the manifest and still in the catalog", len(accessions))
    gone = withdrawn_samples(con, accessions)
    funnel.record("not withdrawn", len(accessions) - len(gone))
    choices, missing = choose_shards(con, [a for a in accessions if a not in gone], options.level)
    funnel.record(f"with values at --level {options.level}", sum(len(c.samples) for c in choices))
    facts = _facts(con, choices)
    _check_mix(options, facts)
    refused = {}
    for accession, fact in facts.items():
        reason = options.rule.refusal(fact.unit, fact.is_log, level=options.level)
        if reason is not None:
            refused[accession] = {"unit": fact.unit, "is_log": fact.is_log, "reason": reason}
    choices = _keep(choices, refused)
    funnel.record(f"convertible to {options.rule.name}", sum(len(c.samples) for c in choices))
    taxa = sorted({f.taxid for a, f in facts.items() if a not in refused and f.taxid is not None})
    shard_features = [store.feature_ids(c.path) for c in choices] if options.level == "feature" else []
    genes = gene_space(options.gene_option, options.level, taxa, shard_features)
    below: dict[str, float] = {}
    if options.min_gene_coverage is not None:
        bound = _coverage_bound(store, choices, genes)
        below = {a: round(v, 6) for a, v in bound.items() if v < options.min_gene_coverage}
        choices = _keep(choices, below)
        funnel.record(f"--min-gene-coverage {options.min_gene_coverage} (by shard genes)", len(bound) - len(below))
    units = split_units(con, [s for c in choices for s in c.samples])
    choices = _keep(choices, units.duplicates)
    capped: list[str] = []
    if options.max_per_study is not None and pinned is None:
        capped = _study_cap(facts, [s for c in choices for s in c.samples], options.max_per_study, options.seed)
        choices = _keep(choices, set(capped))
        funnel.record(f"--max-per-study {options.max_per_study}", sum(len(c.samples) for c in choices))
    spec = options.split_spec
    if pinned is not None:
        split_of = {s: pinned[s] for c in choices for s in c.samples}
    else:
        split_of = {s: assign_split(units.unit_of[s], spec, options.seed) for c in choices for s in c.samples}
    plan = ExportPlan(
        options=options,
        genes=genes,
        choices=choices,
        facts=facts,
        split_of=split_of,
        unit_of=units.unit_of,
        unit_kind=units.kind,
        selection=funnel.steps,
        refused=refused,
        withdrawn=sorted(gone),
        without_expression=missing,
        below_coverage=below,
        duplicates=units.duplicates,
        over_study_cap=capped,
    )
    _split_warnings(plan)
    return plan


def _split_warnings(plan: ExportPlan) -> None:
    spec = plan.options.split_spec
    used = Counter(plan.split_of.values())
    n_units = len({plan.unit_of[s] for s in plan.split_of})
    for name, fraction in zip(spec.names, spec.fractions, strict=True):
        if fraction > 0 and not used.get(name):
            plan.warnings.append(
                f"split {name!r} ({fraction:g}) received no {plan.unit_kind}: the {n_units} {plan.unit_kind} unit(s) "
                f"all fell elsewhere (splits are by {plan.unit_kind}; more studies or another --seed change that)"
            )
    if plan.warnings and plan.options.strict:
        raise ConfigError("; ".join(plan.warnings) + " (--strict)")
