"""``map_identifiers``: any column of gene identifiers → Ensembl genes of one reference, with a report.

Each distinct input is resolved once (:mod:`rnacorpus.harmonize.genes.resolve`; probes through the
platform table, :mod:`rnacorpus.harmonize.genes.probes`) and the answers are spread back over the
inputs with Arrow ``take``; the per-input table and the counts of the report come from the same
arrays, so they cannot disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.genes.idkinds import KIND_NAMES, Kind, normalise_text
from rnacorpus.harmonize.genes.index import GeneIndex, gene_index
from rnacorpus.harmonize.genes.organisms import Organism
from rnacorpus.harmonize.genes.probes import resolve_platform
from rnacorpus.harmonize.genes.reference import GeneReference, ReferenceInfo, load_reference
from rnacorpus.harmonize.genes.resolve import MAPPED, OUTCOMES, Resolution, resolve

__all__ = ["CollapseRecord", "GeneMapping", "MappingReport", "map_identifiers"]

log = logging.getLogger(__name__)
_EXAMPLES = 10


@dataclass
class CollapseRecord:
    """How a matrix went from features to genes (one per shard)."""

    unit: str
    rule: str
    features_in: int
    features_used: int
    genes_out: int
    genes_from_several_features: int


@dataclass
class MappingReport:
    organism: str
    reference_release: str
    reference_sha256: str
    id_kind: str
    inputs: int
    unique_inputs: int
    mapped: int
    ambiguous: int
    unmapped: int
    dropped: int
    genes: int  # distinct Ensembl genes the mapped inputs reach
    rules: dict[str, int]  # "outcome:rule" → inputs
    kinds: dict[str, int]  # identifier kind → inputs
    version_mismatches: int
    examples: dict[str, list[str]]  # ambiguous / unmapped → a few inputs, for people
    collapse: CollapseRecord | None = field(default=None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class GeneMapping:
    reference: ReferenceInfo
    #: one row per input, in input order: input, outcome, ensembl_id, symbol, rule, candidates,
    #: candidate_symbols, note, id_kind
    table: pa.Table
    report: MappingReport

    def __len__(self) -> int:
        return int(self.table.num_rows)

    @property
    def ensembl_ids(self) -> list[str | None]:
        return list(self.table["ensembl_id"].to_pylist())

    def rows(self) -> Iterator[dict[str, Any]]:
        """One dict per input (the JSON lines of ``rnacorpus genes map``)."""
        for batch in self.table.to_batches(max_chunksize=65536):
            yield from batch.to_pylist()


def _as_strings(ids: Sequence[str | int | float] | pa.Array | pa.ChunkedArray | npt.NDArray[Any]) -> pa.Array:
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    if isinstance(ids, pa.Array):
        values = ids if pa.types.is_string(ids.type) else pc.cast(ids, pa.string())
    else:
        try:
            values = pa.array(ids, pa.string())
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            values = pa.array([None if v is None else _int_text(v) for v in ids], pa.string())
    return pc.fill_null(values, "")


def _int_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sparse_lists(n: int, sparse: dict[int, list[str]]) -> pa.Array:
    lengths = np.zeros(n, dtype=np.int64)
    for i, values in sparse.items():
        lengths[i] = len(values)
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    flat = [v for i in sorted(sparse) for v in sparse[i]]
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat, pa.string()))


def _sparse_strings(n: int, sparse: dict[int, str]) -> pa.Array:
    values = np.full(n, None, dtype=object)
    for i, text in sparse.items():
        values[i] = text
    return pa.array(values, pa.string())


def _override_with_platform(res: Resolution, unique: pa.Array, platform_table: pa.Table, index: GeneIndex) -> None:
    """Inputs that are probe IDs of the platform take the platform's decision, whatever they look like
    (Agilent's probe ``12`` is no Entrez ID)."""
    decided = resolve_platform(platform_table, index)
    if decided is None:
        return
    probes, by_probe = decided
    position = np.asarray(pc.fill_null(pc.index_in(normalise_text(unique), value_set=probes), -1), dtype=np.int64)
    hit = np.flatnonzero(position >= 0)
    src = position[hit]
    res.outcome[hit] = by_probe.outcome[src]
    res.row[hit] = by_probe.row[src]
    res.rule[hit] = by_probe.rule[src]
    res.kind[hit] = Kind.PROBE
    for i, p in zip(hit.tolist(), src.tolist(), strict=True):
        res.candidates.pop(i, None)
        res.notes.pop(i, None)
        if p in by_probe.candidates:
            res.candidates[i] = by_probe.candidates[p]
        if p in by_probe.notes:
            res.notes[i] = by_probe.notes[p]


def _unique_table(unique: pa.Array, res: Resolution, index: GeneIndex) -> pa.Table:
    n = len(unique)
    with_gene = pa.array(np.where(res.row >= 0, res.row, 0)).cast(pa.int64())
    has_row = pa.array(res.row >= 0)
    mapped = pa.array(res.outcome == MAPPED)
    ref = index.reference.table
    ensembl = pc.if_else(mapped, pc.take(ref["ensembl_id"], with_gene), pa.nulls(n, pa.string()))
    symbol = pc.if_else(has_row, pc.take(ref["symbol"], with_gene), pa.nulls(n, pa.string()))
    cand_keys = {
        i: [c if isinstance(c, str) else str(index.gene_keys[c]) for c in cs] for i, cs in res.candidates.items()
    }
    cand_symbols = {
        i: ["" if isinstance(c, str) else str(index.symbols[c] or "") for c in cs] for i, cs in res.candidates.items()
    }
    rule_codes, rule_names = pd.factorize(res.rule)
    return pa.table(
        {
            "input": unique,
            "outcome": pa.DictionaryArray.from_arrays(pa.array(res.outcome, pa.int8()), pa.array(OUTCOMES)),
            "ensembl_id": ensembl.combine_chunks() if isinstance(ensembl, pa.ChunkedArray) else ensembl,
            "symbol": symbol.combine_chunks() if isinstance(symbol, pa.ChunkedArray) else symbol,
            "rule": pa.DictionaryArray.from_arrays(
                pa.array(rule_codes, pa.int32()), pa.array(list(rule_names), pa.string())
            ),
            "candidates": _sparse_lists(n, cand_keys),
            "candidate_symbols": _sparse_lists(n, cand_symbols),
            "note": _sparse_strings(n, res.notes),
            "id_kind": pa.DictionaryArray.from_arrays(pa.array(res.kind, pa.int8()), pa.array(KIND_NAMES)),
        }
    )


def _report(
    reference: GeneReference,
    per_input: pa.Table,
    codes: npt.NDArray[np.int64],
    res: Resolution,
    unique: pa.Table,
) -> MappingReport:
    """Counts over inputs (a duplicated ID counts each time); examples over distinct inputs."""
    per_unique = np.bincount(codes, minlength=len(res.outcome))  # how often each distinct input occurs
    counts = np.bincount(res.outcome.astype(np.int64), weights=per_unique, minlength=len(OUTCOMES))
    rule_codes, rule_names = pd.factorize(res.rule)
    pair = res.outcome.astype(np.int64) * len(rule_names) + rule_codes
    pair_counts = np.bincount(pair, weights=per_unique, minlength=len(OUTCOMES) * len(rule_names))
    rules = {
        f"{OUTCOMES[p // len(rule_names)]}:{rule_names[p % len(rule_names)]}": int(c)
        for p, c in enumerate(pair_counts)
        if c
    }
    kinds = np.bincount(res.kind.astype(np.int64), weights=per_unique, minlength=len(KIND_NAMES))
    kind_counts = {KIND_NAMES[k]: int(c) for k, c in enumerate(kinds) if c}
    countable = {
        k: c for k, c in kind_counts.items() if k not in ("empty", "counting_artefact", "spike_in", "control_probe")
    }
    id_kind = max(countable, key=lambda k: countable[k]) if countable else "unknown"
    mismatched = [i for i, note in res.notes.items() if note.startswith("version_mismatch")]
    examples = {
        OUTCOMES[o]: unique["input"].filter(pa.array(res.outcome == o)).slice(0, _EXAMPLES).to_pylist() for o in (1, 2)
    }
    return MappingReport(
        organism=reference.organism.key,
        reference_release=reference.info.release,
        reference_sha256=reference.info.sha256,
        id_kind=id_kind,
        inputs=len(codes),
        unique_inputs=len(res.outcome),
        mapped=int(counts[0]),
        ambiguous=int(counts[1]),
        unmapped=int(counts[2]),
        dropped=int(counts[3]),
        genes=int(pc.count_distinct(per_input["ensembl_id"], mode="only_valid").as_py()),
        rules=dict(sorted(rules.items())),
        kinds=kind_counts,
        version_mismatches=int(per_unique[mismatched].sum()) if mismatched else 0,
        examples=examples,
    )


def map_identifiers(
    ids: Sequence[str | int | float] | pa.Array | pa.ChunkedArray | npt.NDArray[Any],
    reference: GeneReference | str | int | Organism,
    *,
    platform_table: pa.Table | None = None,
) -> GeneMapping:
    """Map gene identifiers of any kind (detected per input) to ``reference``'s Ensembl genes.

    ``platform_table``: the platform's annotation (first column the probe ID, all columns strings);
    inputs found in its first column are probes and map through its gene columns.
    """
    if not isinstance(reference, GeneReference):
        reference = load_reference(reference)
    index = gene_index(reference)
    encoded = _as_strings(ids).dictionary_encode()
    codes = np.asarray(encoded.indices, dtype=np.int64)
    unique = encoded.dictionary
    res = resolve(unique, index)
    if platform_table is not None:
        _override_with_platform(res, unique, platform_table, index)
    unique_table = _unique_table(unique, res, index)
    per_input = unique_table.take(pa.array(codes))
    report = _report(reference, per_input, codes, res, unique_table)
    log.info(
        "gene mapping %s: %d inputs, %d mapped, %d ambiguous, %d unmapped, %d dropped",
        reference.organism.key,
        report.inputs,
        report.mapped,
        report.ambiguous,
        report.unmapped,
        report.dropped,
    )
    return GeneMapping(reference=reference.info, table=per_input, report=report)
