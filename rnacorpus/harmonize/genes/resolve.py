"""The mapping rules, applied to unique identifier strings.

Rules, in order (the first that decides wins; an answer naming several genes is *ambiguous* and is
never narrowed to one):

1. counting artefacts (``__no_feature`` …), spike-ins (``ERCC-00002``), control probes (``AFFX-…``)
   are *dropped*; empty cells, other species' Ensembl IDs, protein/exon IDs are *unmapped*;
2. Ensembl gene ID, version stripped (a version different from the reference's is noted); a
   transcript ID (``ENST…``/``ENSMUST…``, versioned or not) → its parent gene through the pinned
   transcript table (``transcript_parent``);
3. Entrez Gene ID (``7157``, ``7157.0``, ``TP53|7157``); RefSeq accession (version stripped);
   the nomenclature authority's ID (``HGNC:11998``, ``MGI:98834``), of the reference's organism only;
4. symbols, upper-cased, in this order: approved symbol (HGNC/MGI) → Ensembl/GENCODE name →
   previous symbol → alias → a name earlier Ensembl/GENCODE releases used (``name_history``: the
   pre-2016 clone-based ``RP11-…``, ``CTD-…``, ``AC0…`` names). A level decides as soon as it
   knows the key: approved beats previous beats alias across genes, and a key several genes share at
   the deciding level is ambiguous — case is no identity (``LAS1`` / ``Las1`` of two genes name both);
   a historical name with several successors is unmapped ``retired_clone_name``, candidates listed;
5. ``A /// B`` lists resolve token by token and map only when every token names the same gene;
6. ``LOC<n>`` (NCBI's placeholder symbol) through Entrez ID ``n``;
7. spreadsheet dates (``1-Mar``) through :mod:`rnacorpus.harmonize.genes.excel`, only when every
   candidate spelling that resolves points to the same gene;
8. R's ``make.names`` spellings (``HLA.DQA1``, ``NKX2.5``, ``X4933409K07Rik``): ``.`` back to ``-``
   and a leading ``X`` before a digit dropped, only when the written form found nothing and the
   restored one maps (``make_names``);
9. a name of a pinned earlier release whose gene is gone from today's reference: unmapped
   ``retired_clone_name``;
10. a gene the reference knows but that has no Ensembl ID is unmapped (``no_ensembl_gene``): the
    corpus keys expression by Ensembl ID.

The same rules serve every caller (harvest, export gene sets, ``rnacorpus genes map``): they all go
through :func:`rnacorpus.harmonize.genes.map_identifiers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.genes.excel import DATE_SHAPE_RE, excel_candidates
from rnacorpus.harmonize.genes.idkinds import Kind, classify_ids
from rnacorpus.harmonize.genes.index import AMBIGUOUS, NOT_FOUND, GeneIndex, KeyTable

__all__ = ["AMBIGUOUS_", "DROPPED", "MAPPED", "OUTCOMES", "PENDING", "UNMAPPED", "Resolution", "resolve"]

OUTCOMES = ("mapped", "ambiguous", "unmapped", "dropped")
MAPPED, AMBIGUOUS_, UNMAPPED, DROPPED = 0, 1, 2, 3
PENDING = -1
_SPLIT_RE = re.compile(r"\s*/{2,3}\s*")
_LOC_RE = re.compile(r"^LOC(\d+)$")

_FIXED_OUTCOMES = {
    Kind.EMPTY: (UNMAPPED, "empty"),
    Kind.ARTEFACT: (DROPPED, "counting_artefact"),
    Kind.SPIKE_IN: (DROPPED, "spike_in"),
    Kind.CONTROL: (DROPPED, "control_probe"),
    Kind.OTHER_SPECIES: (UNMAPPED, "other_species"),
    Kind.PROTEIN: (UNMAPPED, "not_a_gene_id"),
    Kind.PROBE: (UNMAPPED, "probe_without_platform_table"),
}


@dataclass
class Resolution:
    """Per unique input: outcome code, reference row, rule; sparse candidates and notes."""

    kind: npt.NDArray[np.int8]
    outcome: npt.NDArray[np.int8]
    row: npt.NDArray[np.int32]
    rule: npt.NDArray[np.object_]
    #: input position → candidate reference rows (int) or raw tokens nothing resolved (str)
    candidates: dict[int, list[int | str]] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)

    def set(
        self,
        where: npt.NDArray[np.bool_] | npt.NDArray[np.int64],
        outcome: int,
        rule: str,
        rows: npt.NDArray[np.int32] | None = None,
    ) -> None:
        self.outcome[where] = outcome
        self.rule[where] = rule
        if rows is not None:
            self.row[where] = rows

    def pending(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self.outcome == PENDING)


def resolve(values: pa.Array, index: GeneIndex, *, expand: bool = True) -> Resolution:
    """Apply the rules to ``values`` (unique strings). ``expand=False`` skips lists, LOC and dates."""
    ids = classify_ids(values, index.reference.organism)
    n = len(values)
    res = Resolution(
        kind=ids.kind,
        outcome=np.full(n, PENDING, dtype=np.int8),
        row=np.full(n, NOT_FOUND, dtype=np.int32),
        rule=np.full(n, "", dtype=object),
    )
    for kind, (outcome, rule) in _FIXED_OUTCOMES.items():
        res.set(ids.kind == kind, outcome, rule)
    _resolve_ids(res, ids.kind == Kind.ENSEMBL, ids.ensembl_key, index.ensembl, "ensembl")
    if index.transcripts is not None:
        _resolve_ids(res, ids.kind == Kind.ENSEMBL_OTHER, ids.transcript_key, index.transcripts, "transcript_parent")
    else:
        res.set((ids.kind == Kind.ENSEMBL_OTHER) & res.pending(), UNMAPPED, "not_a_gene_id")
    _note_versions(res, ids.ensembl_version, index)
    _resolve_ids(res, ids.kind == Kind.ENTREZ, ids.entrez_key, index.entrez, "entrez")
    _resolve_ids(res, ids.kind == Kind.REFSEQ, ids.refseq_key, index.refseq, "refseq")
    _resolve_ids(res, ids.kind == Kind.AUTHORITY, ids.authority_key, index.authority, "authority_id")
    for level, table in index.symbol_levels:
        _resolve_symbols(res, ids.upper, ids.text, table, level)
    if index.history is not None:
        _resolve_history(res, ids.upper, index.history)
    if expand:
        _resolve_lists(res, ids.text, index)
        _resolve_loc(res, ids.upper, index)
        _resolve_excel(res, ids.text, index)
        _resolve_make_names(res, ids.text, index)
    _retired(res, ids.upper, index)
    res.set(res.pending(), UNMAPPED, "not_found")
    _unmap_genes_without_ensembl(res, index)
    return res


def _resolve_ids(res: Resolution, mask: npt.NDArray[np.bool_], keys: pa.Array, table: KeyTable, rule: str) -> None:
    where = np.flatnonzero(mask & res.pending())
    if not len(where):
        return
    rows, position = table.lookup(pc.take(keys, pa.array(where)))
    _apply_lookup(res, where, rows, position, table, rule)
    still = res.outcome[where] == PENDING
    res.set(where[still], UNMAPPED, f"{rule}_not_in_reference")


def _apply_lookup(
    res: Resolution,
    where: npt.NDArray[np.int64],
    rows: npt.NDArray[np.int32],
    position: npt.NDArray[np.int64],
    table: KeyTable,
    rule: str,
    text: pa.Array | None = None,
) -> None:
    found = rows >= 0
    res.set(where[found], MAPPED, rule, rows[found])
    for i in np.flatnonzero(rows == AMBIGUOUS):
        # Case is no identity: "Sept1" and "SEPT1" listed for two genes name both (never picked by case)
        claim_rows, spellings = table.claimants[int(position[i])]
        res.set(np.array([where[i]]), AMBIGUOUS_, rule)
        res.candidates[int(where[i])] = list(dict.fromkeys(claim_rows))
        if len(set(spellings)) > 1:
            res.notes[int(where[i])] = "spelled " + " / ".join(dict.fromkeys(spellings)) + ": case does not decide"


def _note_versions(res: Resolution, versions: pa.Array, index: GeneIndex) -> None:
    where = np.flatnonzero((res.outcome == MAPPED) & (res.rule == "ensembl"))
    if not len(where):
        return
    given = np.asarray(
        pc.cast(pc.if_else(pc.equal(versions, ""), None, versions), pa.float64()).to_numpy(zero_copy_only=False),
        dtype=np.float64,
    )[where]
    known = index.versions[res.row[where]]
    differs = ~np.isnan(given) & ~np.isnan(known) & (given != known)
    for i in np.flatnonzero(differs):
        res.notes[int(where[i])] = f"version_mismatch: input .{int(given[i])}, reference .{int(known[i])}"


def _resolve_history(res: Resolution, upper: pa.Array, table: KeyTable) -> None:
    """Names earlier Ensembl/GENCODE releases used (clone-based ``RP11-…``): today's gene when the
    history names one; several → unmapped ``retired_clone_name`` with the candidates listed."""
    where = np.flatnonzero((res.kind == Kind.SYMBOL) & res.pending())
    if not len(where):
        return
    rows, position = table.lookup(pc.take(upper, pa.array(where)))
    found = rows >= 0
    res.set(where[found], MAPPED, "name_history", rows[found])
    for i in np.flatnonzero(rows == AMBIGUOUS):
        claim_rows, _ = table.claimants[int(position[i])]
        res.set(np.array([where[i]]), UNMAPPED, "retired_clone_name")
        res.candidates[int(where[i])] = list(dict.fromkeys(claim_rows))
        res.notes[int(where[i])] = "the name history has no unique successor"


def _retired(res: Resolution, upper: pa.Array, index: GeneIndex) -> None:
    """A name of a pinned release whose gene is gone from today's reference: unmapped, said so."""
    if index.retired is None or not len(index.retired):
        return
    where = np.flatnonzero((res.kind == Kind.SYMBOL) & res.pending())
    if not len(where):
        return
    known = np.asarray(pc.fill_null(pc.is_in(pc.take(upper, pa.array(where)), value_set=index.retired), False))
    res.set(where[known], UNMAPPED, "retired_clone_name")
    for i in where[known]:
        res.notes[int(i)] = "a name of an earlier Ensembl/GENCODE release; its gene is not in this reference"


def _resolve_make_names(res: Resolution, text: pa.Array, index: GeneIndex) -> None:
    """R's ``make.names`` turned ``-`` into ``.`` and put ``X`` before a leading digit (``HLA.DQA1``,
    ``NKX2.5``, ``X7SK``): undone only when the original spelling maps and the written one did not."""
    where = _pending_matching(res, text, r"\.|^X\d")
    if not where:
        return
    spelled = {i: _undo_make_names(text[i].as_py()) for i in where}
    flat = list(dict.fromkeys(c for cs in spelled.values() for c in cs))
    inner = resolve(pa.array(flat, pa.string()), index, expand=False)
    pos = {c: k for k, c in enumerate(flat)}
    for i, candidates in spelled.items():
        k = next((pos[c] for c in candidates if inner.outcome[pos[c]] in (MAPPED, AMBIGUOUS_)), None)
        if k is None:
            continue
        res.set(np.array([i]), int(inner.outcome[k]), "make_names", np.array([inner.row[k]], dtype=np.int32))
        if k in inner.candidates:
            res.candidates[i] = inner.candidates[k]
        res.notes[i] = f"R make.names spelling of {flat[k]} ({inner.rule[k]})"


def _undo_make_names(written: str) -> list[str]:
    unprefixed = written[1:] if len(written) > 1 and written[0] == "X" and written[1].isdigit() else written
    return list(dict.fromkeys(c for c in (unprefixed.replace(".", "-"), unprefixed) if c != written))


def _resolve_symbols(res: Resolution, upper: pa.Array, text: pa.Array, table: KeyTable, rule: str) -> None:
    where = np.flatnonzero((res.kind == Kind.SYMBOL) & res.pending())
    if not len(where):
        return
    rows, position = table.lookup(pc.take(upper, pa.array(where)))
    _apply_lookup(res, where, rows, position, table, rule, text)


def _aggregate(
    res: Resolution,
    i: int,
    token_rows: list[int],
    token_candidates: list[int],
    unresolved: list[str],
    rule: str,
    note: str,
) -> bool:
    """One input from its tokens' answers: mapped only when they all name one gene. False = no answer."""
    genes = list(dict.fromkeys(token_rows))
    if not genes and not token_candidates:
        return False
    if len(genes) == 1 and not token_candidates and not unresolved:
        res.set(np.array([i]), MAPPED, rule, np.array(genes, dtype=np.int32))
    else:
        res.set(np.array([i]), AMBIGUOUS_, rule)
        res.candidates[i] = [*dict.fromkeys([*genes, *token_candidates]), *unresolved]
    res.notes[i] = note
    return True


def _pending_matching(res: Resolution, values: pa.Array, pattern: str) -> list[int]:
    hit = np.asarray(pc.fill_null(pc.match_substring_regex(values, pattern=pattern), False), dtype=bool)
    return [int(i) for i in np.flatnonzero(hit & res.pending())]


def _resolve_lists(res: Resolution, text: pa.Array, index: GeneIndex) -> None:
    where = _pending_matching(res, text, "//")
    if not where:
        return
    tokens = [[t for t in _SPLIT_RE.split(text[i].as_py()) if t] for i in where]
    flat = list(dict.fromkeys(t for ts in tokens for t in ts))
    inner = resolve(pa.array(flat, pa.string()), index, expand=False)
    pos = {t: k for k, t in enumerate(flat)}
    for i, ts in zip(where, tokens, strict=True):
        answers = [pos[t] for t in ts]
        _aggregate(
            res,
            i,
            [int(inner.row[k]) for k in answers if inner.outcome[k] == MAPPED],
            [c for k in answers for c in inner.candidates.get(k, []) if isinstance(c, int)],
            [flat[k] for k in answers if inner.outcome[k] not in (MAPPED, AMBIGUOUS_)],
            "symbol_list",
            f"tokens: {' | '.join(ts)}",
        )


def _resolve_loc(res: Resolution, upper: pa.Array, index: GeneIndex) -> None:
    where = _pending_matching(res, upper, _LOC_RE.pattern)
    if not where:
        return
    digits = pa.array([upper[i].as_py()[3:] for i in where], pa.string())
    rows, position = index.entrez.lookup(digits)
    _apply_lookup(res, np.array(where, dtype=np.int64), rows, position, index.entrez, "loc_entrez")


def _resolve_excel(res: Resolution, text: pa.Array, index: GeneIndex) -> None:
    spelled = {i: excel_candidates(text[i].as_py()) for i in _pending_matching(res, text, DATE_SHAPE_RE)}
    spelled = {i: c for i, c in spelled.items() if c}
    if not spelled:
        return
    flat = list(dict.fromkeys(c for cs in spelled.values() for c in cs))
    inner = resolve(pa.array(flat, pa.string()), index, expand=False)
    pos = {t: k for k, t in enumerate(flat)}
    rank = {rule: r for r, (rule, _) in enumerate(index.symbol_levels)}
    for i, cands in spelled.items():
        answers = [pos[c] for c in cands if inner.outcome[pos[c]] in (MAPPED, AMBIGUOUS_)]
        # the rule order holds across spellings too: an approved or previous symbol beats an alias
        best = min((rank.get(inner.rule[k], len(rank)) for k in answers), default=0)
        answers = [k for k in answers if rank.get(inner.rule[k], len(rank)) == best]
        hits = [flat[k] for k in answers if inner.outcome[k] in (MAPPED, AMBIGUOUS_)]
        decided = _aggregate(
            res,
            i,
            [int(inner.row[k]) for k in answers if inner.outcome[k] == MAPPED],
            [c for k in answers for c in inner.candidates.get(k, []) if isinstance(c, int)],
            [],
            "excel_date",
            f"spreadsheet date; candidate symbols: {', '.join(hits)}",
        )
        if not decided:
            res.set(np.array([i]), UNMAPPED, "excel_date_unrecovered")


def _unmap_genes_without_ensembl(res: Resolution, index: GeneIndex) -> None:
    mapped = np.flatnonzero(res.outcome == MAPPED)
    lacking = mapped[~index.has_ensembl[res.row[mapped]]]
    for i in lacking:
        row = int(res.row[i])
        res.notes[int(i)] = f"{index.gene_keys[row]} ({index.symbols[row]}) via {res.rule[i]}; it has no Ensembl gene"
        res.candidates[int(i)] = [row]
    res.set(lacking, UNMAPPED, "no_ensembl_gene")
