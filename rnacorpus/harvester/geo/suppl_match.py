"""Which column of an author's table is which GEO sample — decided over the whole table, or refused.

Rules, in order; the first that places the columns one-to-one wins:

1. **GSM accessions** — in the column headers (``GSM1234_counts``), or in the file name of a
   per-sample file (GEO names each ``GSM…_*``): confidence 1.0.
2. **Sample texts** — each sample's title, ``!Sample_description`` lines, characteristics whose key
   names a sample or library (``sample name``, ``library id`` …), source name and SRA experiment,
   one *family* at a time, compared at rising levels of normalization:

   * ``exact`` — the text as deposited;
   * ``normalized`` — case folded, a path reduced to its file name, alignment/count file endings
     dropped (``.bam``, ``Aligned.sortedByCoord.out`` …), separators ignored (``GROUP-BN1`` = ``group_bn1``);
   * ``affixes`` — also without sequencing-run tokens at the end (``_S1``, ``_L002``, ``_R1``,
     ``_001``, index sequences, flowcell IDs, ``indexG3``) and without leading/trailing tokens that
     every column (or every sample text) shares (``GROUP_``, ``EXP1_``);
   * ``tokens`` — one key contained in the other as whole tokens (``MCL1-DG_BC2…`` ⊃ ``DG``).

   A level is accepted only if every column it places has exactly one candidate sample and no
   sample receives two columns; if two families place the columns differently at the accepted level,
   nothing is matched (the texts contradict each other).
3. **Replicates** — columns that differ only by a trailing replicate index (``PBS-1``, ``PBS-2``) and
   whose stem is a sample's text are that sample's replicate columns (one sample, several columns).

Columns nothing places and samples no column reaches are listed. A table whose columns are matched
to fewer than half of them is refused as a whole: a few accidental matches are not evidence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from rnacorpus.schemas import Sample

__all__ = ["MATCH_CONFIDENCE", "ColumnAssignment", "MatchResult", "match_columns", "normalize_label"]

#: confidence of each method (a second text family agreeing adds a little)
MATCH_CONFIDENCE = {
    "gsm_in_header": 1.0,
    "gsm_in_file_name": 1.0,
    "exact": 0.95,
    "normalized": 0.9,
    "affixes": 0.85,
    "tokens": 0.75,
}
_LEVELS = ("exact", "normalized", "affixes", "tokens")
_GSM = re.compile(r"(?<![A-Za-z0-9])(GSM\d+)(?!\d)")
_SEPARATORS = re.compile(r"[\s_\-.,;:/\\()\[\]{}#|+]+")
_FILE_ENDINGS = re.compile(
    r"(\.(sorted|sort|dedup|markdup|unique|filtered))*"
    r"(aligned\.sortedbycoord\.out|aligned\.out|readspergene\.out|\.genes?\.results|\.isoforms?\.results|"
    r"\.bam|\.sam|\.cram|\.fastq|\.fq|\.counts?|\.txt|\.tsv|\.csv|\.tab|\.htseq|\.featurecounts|\.sf|\.gz)+$",
    re.IGNORECASE,
)
#: sequencing-run tokens that end a library name: sample sheet number, lane, read, chunk, index, flowcell
_RUN_TOKEN = re.compile(r"^(s\d{1,3}|l\d{3}|r[12]|\d{3}|[acgtn]{6,}|[a-z0-9]{5}[a-z]xx|[a-z0-9]{7}xx|index[a-z]?\d*)$")
_REPLICATE = re.compile(r"^(?P<stem>.*?\S)[\s_.-]*(?:rep(?:licate)?[\s_.-]*)?(?P<index>\d{1,2})$", re.IGNORECASE)
_KEY_LIKE = re.compile(r"(sample|library|lib|name|label|alias|id$|identifier|code|barcode)", re.IGNORECASE)


@dataclass
class ColumnAssignment:
    """The columns that hold one sample's values and how sure we are."""

    sample: str
    columns: list[str]
    method: str
    confidence: float
    family: str | None = None  # which text decided (title, description …)

    @property
    def replicates(self) -> bool:
        return len(self.columns) > 1


@dataclass
class MatchResult:
    assignments: list[ColumnAssignment] = field(default_factory=list)
    unmatched_columns: list[str] = field(default_factory=list)
    unmatched_samples: list[str] = field(default_factory=list)
    #: why nothing (or not everything) was matched, in words
    problems: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return bool(self.assignments)

    def by_sample(self) -> dict[str, ColumnAssignment]:
        return {a.sample: a for a in self.assignments}


def _tokens(text: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)  # camelCase → camel Case
    return [t for t in _SEPARATORS.split(spaced.lower()) if t]


def normalize_label(text: str) -> str:
    """Case folded, file name only, file endings dropped, separators ignored."""
    base = text.strip().strip("\"'").replace("\\", "/").rsplit("/", 1)[-1]
    base = _FILE_ENDINGS.sub("", base)
    return "".join(t for t in _SEPARATORS.split(base.lower()) if t)


def _run_stripped(tokens: list[str]) -> list[str]:
    out = list(tokens)
    while len(out) > 1 and _RUN_TOKEN.match(out[-1]):
        out.pop()
    return out


def _shared_affixes(token_lists: Sequence[list[str]]) -> tuple[int, int]:
    """How many leading and trailing tokens every list shares (never all of a list)."""
    if len(token_lists) < 2:
        return 0, 0
    shortest = min(len(t) for t in token_lists)
    lead = 0
    while lead < shortest - 1 and len({t[lead] for t in token_lists}) == 1:
        lead += 1
    trail = 0
    while trail < shortest - 1 - lead and len({t[-1 - trail] for t in token_lists}) == 1:
        trail += 1
    return lead, trail


def _affix_keys(texts: Sequence[str]) -> list[set[str]]:
    """Per text: its run-stripped key, and that key without the tokens all texts share."""
    cleaned = [_tokens(_FILE_ENDINGS.sub("", t.strip().replace("\\", "/").rsplit("/", 1)[-1])) for t in texts]
    stripped = [_run_stripped(t) for t in cleaned]
    lead, trail = _shared_affixes(stripped)
    keys = []
    for tokens in stripped:
        variants = {"".join(tokens)}
        if lead or trail:
            variants.add("".join(tokens[lead : len(tokens) - trail]))
        keys.append({v for v in variants if v})
    return keys


def _sample_texts(sample: Sample) -> dict[str, list[str]]:
    """Text families that may name a sample's column, most specific first."""
    families: dict[str, list[str]] = {}
    if sample.title:
        families["title"] = [sample.title]
    descriptions = [d for d in sample.attributes.get("description", []) if d.strip()]
    if not descriptions and sample.description:
        descriptions = [sample.description]
    if descriptions:
        families["description"] = descriptions
    for characteristic in sample.characteristics:
        if characteristic.key and _KEY_LIKE.search(characteristic.key) and characteristic.value.strip():
            families.setdefault(f"characteristic:{characteristic.key.strip().lower()}", []).append(characteristic.value)
    if sample.source_name:
        families["source_name"] = [sample.source_name]
    runs = [x.accession for x in sample.xrefs if x.db.upper() == "SRA"]
    if runs:
        families["sra"] = runs
    return families


Keyer = Callable[[Sequence[str]], list[set[str]]]


def _keyer(level: str) -> Keyer:
    if level == "exact":
        return lambda texts: [{t.strip().strip("\"'")} - {""} for t in texts]
    if level == "normalized":
        return lambda texts: [{normalize_label(t)} - {""} for t in texts]
    return _affix_keys  # "affixes" and, with containment, "tokens"


def _candidates(column_keys: set[str], sample_keys: dict[str, set[str]], level: str) -> set[str]:
    if level != "tokens":
        return {s for s, keys in sample_keys.items() if column_keys & keys}
    found = set()
    for sample, keys in sample_keys.items():
        for ck in column_keys:
            for sk in keys:
                if len(sk) >= 2 and len(ck) >= 2 and sk != ck and (sk in ck or ck in sk):
                    found.add(sample)
    return found


@dataclass
class _Placement:
    level: str
    family: str
    mapping: dict[str, str]  # column → sample
    ambiguous: list[str]
    #: other families that place every column the same way
    agreeing: list[str] = field(default_factory=list)


def _place(columns: Sequence[str], samples: Sequence[Sample], family: str, level: str) -> _Placement | None:
    texts: list[tuple[str, str]] = []
    for sample in samples:
        texts += [(sample.accession, t) for t in _sample_texts(sample).get(family, [])]
    if not texts:
        return None
    keyer = _keyer(level)
    column_keys = keyer(columns)
    text_keys = keyer([t for _, t in texts])
    sample_keys: dict[str, set[str]] = {}
    for (accession, _), keys in zip(texts, text_keys, strict=True):
        sample_keys.setdefault(accession, set()).update(keys)
    mapping: dict[str, str] = {}
    ambiguous: list[str] = []
    for column, keys in zip(columns, column_keys, strict=True):
        found = _candidates(keys, sample_keys, level) if keys else set()
        if len(found) == 1:
            mapping[column] = next(iter(found))
        elif len(found) > 1:
            ambiguous.append(column)
    claimed: dict[str, list[str]] = {}
    for column, accession in mapping.items():
        claimed.setdefault(accession, []).append(column)
    for sample_columns in claimed.values():
        if len(sample_columns) > 1:  # two columns on one sample: neither is placed by this rule
            for column in sample_columns:
                mapping.pop(column)
                ambiguous.append(column)
    return _Placement(level, family, mapping, ambiguous)


def _families(samples: Sequence[Sample]) -> list[str]:
    order: dict[str, None] = {}
    for sample in samples:
        for family in _sample_texts(sample):
            order.setdefault(family, None)
    return list(order)


def _by_texts(columns: Sequence[str], samples: Sequence[Sample], result: MatchResult) -> dict[str, _Placement]:
    """The first level at which some family places every column; else the best partial placement."""
    families = _families(samples)
    best: _Placement | None = None
    for level in _LEVELS:
        placements = [p for f in families if (p := _place(columns, samples, f, level)) is not None]
        complete = [p for p in placements if len(p.mapping) == len(columns)]
        if complete:
            first = complete[0]
            disagree = [p for p in complete[1:] if p.mapping != first.mapping]
            if disagree:
                result.problems.append(
                    f"{first.family} and {disagree[0].family} place the columns differently ({level} level): "
                    "the sample texts contradict each other"
                )
                return {}
            first.agreeing = [p.family for p in complete[1:]]
            return {column: first for column in columns}
        for placement in placements:
            if best is None or len(placement.mapping) > len(best.mapping):
                best = placement
    if best is None or not best.mapping:
        return {}
    return {column: best for column in best.mapping}


def match_columns(columns: Sequence[str], samples: Sequence[Sample], *, file_sample: str | None = None) -> MatchResult:
    """Place ``columns`` (a table's value column names) on ``samples`` by the rules above."""
    result = MatchResult()
    known = {s.accession: s for s in samples}
    if file_sample is not None:
        return _in_sample_file(list(columns), file_sample, known, result)
    remaining = list(columns)
    assigned: dict[str, ColumnAssignment] = {}
    for column in columns:
        found = set(_GSM.findall(column))
        if len(found) == 1:
            gsm = next(iter(found))
            remaining.remove(column)
            if gsm not in known:
                result.unmatched_columns.append(column)
                result.problems.append(f"column {column!r} names {gsm}, which is not a sample of this series")
                continue
            _add(assigned, gsm, column, "gsm_in_header", None)
    open_samples = [s for s in samples if s.accession not in assigned]
    if remaining and open_samples:
        placed = _by_texts(remaining, open_samples, result)
        for column in list(remaining):
            placement = placed.get(column)
            if placement is not None and column in placement.mapping:
                family = "+".join([placement.family, *placement.agreeing])
                _add(assigned, placement.mapping[column], column, placement.level, family, len(placement.agreeing))
                remaining.remove(column)
        _replicates(remaining, [s for s in samples if s.accession not in assigned], assigned)
    result.assignments = list(assigned.values())
    result.unmatched_columns += [c for c in remaining if c not in result.unmatched_columns]
    placed_columns = sum(len(a.columns) for a in result.assignments)
    if result.assignments and placed_columns < 0.5 * len(columns):
        result.problems.append(
            f"only {placed_columns} of {len(columns)} columns could be placed on samples: not accepted"
        )
        result.unmatched_columns = list(columns)
        result.assignments = []
    if result.assignments and placed_columns < len(columns):
        for assignment in result.assignments:
            assignment.confidence = round(assignment.confidence * 0.9, 3)
    matched = {a.sample for a in result.assignments}
    result.unmatched_samples = [s.accession for s in samples if s.accession not in matched]
    return result


def _add(
    assigned: dict[str, ColumnAssignment],
    sample: str,
    column: str,
    method: str,
    family: str | None,
    agreeing: int = 0,
) -> None:
    if sample in assigned:
        assigned[sample].columns.append(column)
        return
    confidence = min(0.99, MATCH_CONFIDENCE[method] + 0.03 * agreeing) if agreeing else MATCH_CONFIDENCE[method]
    assigned[sample] = ColumnAssignment(sample, [column], method, confidence, family)


def _replicates(remaining: list[str], samples: Sequence[Sample], assigned: dict[str, ColumnAssignment]) -> None:
    """Columns ``stem-1``, ``stem-2`` … whose stem is one sample's text: that sample's replicates."""
    groups: dict[str, list[str]] = {}
    for column in remaining:
        match = _REPLICATE.match(column.strip())
        if match:
            groups.setdefault(normalize_label(match.group("stem")), []).append(column)
    for stem, group in groups.items():
        if len(group) < 2 or not stem:
            continue
        owners = {
            s.accession
            for s in samples
            for texts in _sample_texts(s).values()
            for text in texts
            if normalize_label(text) == stem
        }
        if len(owners) == 1:
            owner = next(iter(owners))
            for column in group:
                _add(assigned, owner, column, "normalized", "replicates")
                remaining.remove(column)


def _in_sample_file(columns: list[str], gsm: str, known: dict[str, Sample], result: MatchResult) -> MatchResult:
    """A per-sample file (``GSM…_name``): its value columns are that sample's, replicates if several."""
    if gsm not in known:
        result.problems.append(f"the file is named after {gsm}, which is not a sample of this series")
        result.unmatched_columns = list(columns)
        result.unmatched_samples = list(known)
        return result
    if len(columns) > 1 and not _replicate_like(columns, known[gsm]):
        result.problems.append(
            f"{len(columns)} value columns in a file of one sample ({gsm}) that are not named as its replicates"
        )
        result.unmatched_columns = list(columns)
        result.unmatched_samples = list(known)
        return result
    result.assignments = [
        ColumnAssignment(gsm, list(columns), "gsm_in_file_name", MATCH_CONFIDENCE["gsm_in_file_name"], "file_name")
    ]
    result.unmatched_samples = [s for s in known if s != gsm]
    return result


def _replicate_like(columns: Iterable[str], sample: Sample) -> bool:
    """Several columns of one sample's file are its replicates when they share one stem and differ
    only by a trailing index (``HMC3 cells, PBS-1`` … ``-3``)."""
    stems = set()
    for column in columns:
        match = _REPLICATE.match(column.strip())
        if not match:
            return False
        stems.add(normalize_label(match.group("stem")))
    return len(stems) == 1
