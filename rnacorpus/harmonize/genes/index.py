"""Hash lookups over one reference, one table per rule, built once and shared.

Each :class:`KeyTable` maps a normalised key (upper case, unversioned) to the reference row that
owns it, or to :data:`AMBIGUOUS` when several genes claim the same key at that level; the claimants
are kept so that an ambiguous answer can list them. Lookups are ``pyarrow.compute.index_in`` over
whole arrays, so a million identifiers cost a handful of vectorised passes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.genes.kept_index import kept_index
from rnacorpus.harmonize.genes.reference import GeneReference

__all__ = ["AMBIGUOUS", "NOT_FOUND", "GeneIndex", "KeyTable", "gene_index"]

AMBIGUOUS = -2
NOT_FOUND = -1


@dataclass(frozen=True)
class KeyTable:
    keys: pa.Array  # unique upper-case keys
    row: npt.NDArray[np.int32]  # reference row per key, or AMBIGUOUS
    #: key position → (reference rows, their own spellings) for keys several genes claim
    claimants: dict[int, tuple[list[int], list[str]]]

    @classmethod
    def build(cls, rows: npt.NDArray[np.int64], spellings: pa.Array) -> KeyTable:
        keys_all = pc.utf8_upper(spellings)
        encoded = keys_all.dictionary_encode()
        codes = np.asarray(encoded.indices, dtype=np.int64)
        n_keys = len(encoded.dictionary)
        order = np.lexsort((rows, codes))
        codes_sorted, rows_sorted = codes[order], rows[order]
        # distinct (key, row) pairs: a gene listing the same synonym twice is still one claimant
        distinct = np.ones(len(order), dtype=bool)
        distinct[1:] = (codes_sorted[1:] != codes_sorted[:-1]) | (rows_sorted[1:] != rows_sorted[:-1])
        claim_counts = np.bincount(codes_sorted[distinct], minlength=n_keys)
        row = np.full(n_keys, NOT_FOUND, dtype=np.int32)
        row[codes_sorted] = rows_sorted.astype(np.int32)
        row[claim_counts > 1] = AMBIGUOUS
        claimants = _claimants(np.flatnonzero(claim_counts > 1), codes_sorted, rows_sorted, order, spellings)
        return cls(keys=encoded.dictionary, row=row, claimants=claimants)

    def lookup(self, keys: pa.Array) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
        """Reference row (or NOT_FOUND / AMBIGUOUS) and key position (-1 when absent) per key."""
        position = np.asarray(pc.fill_null(pc.index_in(keys, value_set=self.keys), -1), dtype=np.int64)
        if not len(self.row):
            return np.full(len(position), NOT_FOUND, dtype=np.int32), position
        rows = np.where(position >= 0, self.row[np.maximum(position, 0)], NOT_FOUND).astype(np.int32)
        return rows, position


def _claimants(
    keys: npt.NDArray[np.int64],
    codes_sorted: npt.NDArray[np.int64],
    rows_sorted: npt.NDArray[np.int64],
    order: npt.NDArray[np.int64],
    spellings: pa.Array,
) -> dict[int, tuple[list[int], list[str]]]:
    """Each key of ``keys`` (claimed by several genes) → its claimants' rows and own spellings, in the
    sorted order. Only the claimants' spellings become Python strings: a few thousand of the
    hundreds of thousands a transcript table holds (all of them cost ~0.1 s per table)."""
    if not len(keys):
        return {}
    lo = np.searchsorted(codes_sorted, keys)
    spans = np.searchsorted(codes_sorted, keys + 1) - lo
    ends = np.cumsum(spans)
    at = np.arange(int(ends[-1])) - np.repeat(ends - spans, spans) + np.repeat(lo, spans)  # every lo:hi, joined
    rows: list[int] = rows_sorted[at].tolist()
    spelled = [str(s) for s in pc.take(spellings, pa.array(order[at])).to_pylist()]
    starts = (ends - spans).tolist()
    return {
        int(key): (rows[start:end], spelled[start:end])
        for key, start, end in zip(keys.tolist(), starts, ends.tolist(), strict=True)
    }


@dataclass(frozen=True)
class GeneIndex:
    reference: GeneReference
    ensembl: KeyTable
    entrez: KeyTable
    refseq: KeyTable
    authority: KeyTable  # HGNC / MGI IDs
    #: symbol levels in the order they are tried: approved, ensembl_symbol, previous, alias
    symbol_levels: tuple[tuple[str, KeyTable], ...]
    ensembl_ids: npt.NDArray[np.object_]  # per reference row, None when the gene has none
    has_ensembl: npt.NDArray[np.bool_]
    symbols: npt.NDArray[np.object_]
    gene_keys: npt.NDArray[np.object_]
    versions: npt.NDArray[np.float64]  # NaN when unknown
    #: transcript ID (upper, unversioned) → the reference row of its parent gene
    transcripts: KeyTable | None = None
    #: a name an Ensembl/GENCODE release gave a gene (upper) → today's reference row
    history: KeyTable | None = None
    #: names of the pinned releases whose genes are all gone from today's reference (upper)
    retired: pa.Array | None = None


def _scalar_table(reference: GeneReference, column: str, mask: pa.Array | None = None) -> KeyTable:
    values = reference.table[column].combine_chunks()
    valid = pc.is_valid(values)
    if mask is not None:
        valid = pc.and_(valid, mask)
    rows = np.flatnonzero(np.asarray(valid, dtype=bool))
    return KeyTable.build(rows, pc.take(values, pa.array(rows)))


def _list_table(reference: GeneReference, column: str) -> KeyTable:
    lists = reference.table[column].combine_chunks()
    rows = np.asarray(pc.list_parent_indices(lists), dtype=np.int64)
    return KeyTable.build(rows, pc.list_flatten(lists))


def _build(reference: GeneReference) -> GeneIndex:
    source = reference.table["symbol_source"].combine_chunks()
    gencode_named = pc.equal(source, "GENCODE")
    approved = _scalar_table(reference, "symbol", pc.invert(gencode_named))
    ensembl_symbols = KeyTable.build(
        *_concat_rows(_rows_of(reference, "symbol", gencode_named), _rows_of(reference, "ensembl_symbol", None))
    )
    t = reference.table
    transcripts = (
        _by_ensembl_id(reference, reference.transcripts, "transcript_id")[0]
        if reference.transcripts is not None
        else None
    )
    history, retired = (
        _by_ensembl_id(reference, reference.history, "name") if reference.history is not None else (None, None)
    )
    return GeneIndex(
        reference=reference,
        ensembl=_scalar_table(reference, "ensembl_id"),
        entrez=_list_table(reference, "entrez_ids"),
        refseq=_list_table(reference, "refseq_ids"),
        authority=_scalar_table(reference, "authority_id"),
        symbol_levels=(
            ("approved_symbol", approved),
            ("ensembl_symbol", ensembl_symbols),
            ("previous_symbol", _list_table(reference, "previous_symbols")),
            ("alias_symbol", _list_table(reference, "alias_symbols")),
        ),
        ensembl_ids=np.asarray(t["ensembl_id"].to_pylist(), dtype=object),
        has_ensembl=np.asarray(pc.is_valid(t["ensembl_id"]), dtype=bool),
        symbols=np.asarray(t["symbol"].to_pylist(), dtype=object),
        gene_keys=np.asarray(t["gene_key"].to_pylist(), dtype=object),
        versions=np.asarray(pc.fill_null(pc.cast(t["ensembl_version"], pa.float64()), np.nan), dtype=np.float64),
        transcripts=transcripts,
        history=history,
        retired=retired,
    )


def _by_ensembl_id(reference: GeneReference, table: pa.Table, key: str) -> tuple[KeyTable, pa.Array]:
    """A KeyTable from ``table[key]`` to the rows of the genes its ``ensembl_id`` names today, and the
    keys none of whose genes is in today's reference."""
    ids = pc.utf8_upper(reference.table["ensembl_id"].combine_chunks())
    rows = np.asarray(
        pc.fill_null(pc.index_in(table["ensembl_id"].combine_chunks(), value_set=ids), -1), dtype=np.int64
    )
    keys = pc.utf8_upper(table[key].combine_chunks())
    kept = rows >= 0
    current = pc.filter(keys, pa.array(kept))
    gone = pc.filter(keys, pa.array(~kept))
    retired = pc.unique(pc.filter(gone, pc.invert(pc.is_in(gone, value_set=pc.unique(current)))))
    return KeyTable.build(rows[kept], current), retired


def _rows_of(reference: GeneReference, column: str, mask: pa.Array | None) -> tuple[npt.NDArray[np.int64], pa.Array]:
    values = reference.table[column].combine_chunks()
    valid = pc.is_valid(values) if mask is None else pc.and_(pc.is_valid(values), mask)
    rows = np.flatnonzero(np.asarray(valid, dtype=bool))
    return rows, pc.take(values, pa.array(rows))


def _concat_rows(*parts: tuple[npt.NDArray[np.int64], pa.Array]) -> tuple[npt.NDArray[np.int64], pa.Array]:
    return np.concatenate([p[0] for p in parts]), pa.concat_arrays([p[1] for p in parts])


_CACHE: dict[str, GeneIndex] = {}
_LOCK = threading.Lock()


def gene_index(reference: GeneReference) -> GeneIndex:
    """The index of ``reference``, cached by the reference's checksum: built on first use, or loaded
    from the local cache where an earlier process kept it (:mod:`.kept_index`)."""
    key = reference.info.sha256 or str(id(reference))
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is None:
            cached = kept_index(reference, _build)
            _CACHE[key] = cached
        return cached
