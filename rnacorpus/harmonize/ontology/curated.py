"""The reviewed project tables in ``data/``: curated terms, frequent cell lines, organisms.

All three are plain TSV files with ``#`` comment lines, read once per process. They are the only
place where this project, rather than an ontology, states that a string means a term; a test
checks every term they name against the pinned releases.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.memo import RULES_VERSION
from rnacorpus.harmonize.ontology.normalize import clean, compact, norm
from rnacorpus.harmonize.ontology.rules_version import ONTOLOGY_RULES_VERSION

__all__ = [
    "DATA_DIR",
    "ONTOLOGY_RULES_VERSION",
    "CellLineEntry",
    "CuratedTerm",
    "Taxon",
    "cell_line_table",
    "cell_origins",
    "curated_table",
    "curation_stamp",
    "resolve_taxon",
    "strain_taxon",
    "taxa",
    "taxon_named",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
#: the reviewed tables in DATA_DIR; each is part of :func:`curation_stamp`
CURATED_FILES = ("curated_terms.tsv", "cell_lines.tsv", "taxa.tsv", "strains.tsv", "cell_origins.tsv")
HUMAN, MOUSE = 9606, 10090
# Abbreviations this long (PBMC, NSCLC, ccRCC) are not English words, so any case will do;
# shorter ones (ALL, MM, MS, RA) must be written as listed — unless they hold a digit (CA1, T2D: no
# word has one; GEOmetadb's lower-cased tissue values write them "ca1") or are three letters with no
# vowel (_NO_VOWEL).
_CASELESS_FROM = 4
_DIGIT = re.compile(r"\d")
#: a three-letter abbreviation with no vowel (HCC, RCC, DRG, CSF) spells no English word, so written
#: all in lower case (GEOmetadb's lower-cased tissue values: "hcc tumor tissue") it is still the
#: abbreviation; one with a vowel (SAT, BAT, ARC, ALL, CAD) must be written as listed
_NO_VOWEL = re.compile(r"^[b-df-hj-np-tv-xz]{3}$")
_TAXON_CURIE = re.compile(r"^(?:ncbitaxon[:_])?(\d+)$", re.IGNORECASE)
#: "M. musculus", "M.musculus", "H sapiens": genus initial + epithet (and subspecies)
_ABBREVIATED = re.compile(r"^([A-Za-z])\.?\s*([a-z]+(?: [a-z]+)?)$")


def _rows(name: str) -> Iterator[dict[str, str]]:
    path = DATA_DIR / name
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            yield {key: (value or "").strip() for key, value in row.items()}


@functools.cache
def curation_stamp() -> str:
    """A digest of the project's own tables (curated terms, cell lines, taxa …) and of the rules'
    version. Stamped beside the ontology releases so that editing a table or a rule re-harmonizes
    every study on the next run."""
    digest = hashlib.sha256(f"rules={RULES_VERSION};ontology_rules={ONTOLOGY_RULES_VERSION}".encode())
    for name in CURATED_FILES:
        digest.update(name.encode() + b"\0" + (DATA_DIR / name).read_bytes())
    return f"sha256:{digest.hexdigest()[:16]}"


@dataclass(frozen=True)
class CuratedTerm:
    field: str
    text: str
    term_id: str
    organism: str  # "" (any), "human", "mouse" or "other"
    implies: tuple[tuple[str, str], ...]
    case_sensitive: bool
    note: str
    #: the row names its term only as a whole value (column ``where`` = ``whole``), never inside longer text
    whole_only: bool = False

    def applies_to(self, taxid: int | None) -> bool:
        if not self.organism:
            return True
        kind = "human" if taxid == HUMAN else "mouse" if taxid == MOUSE else "other"
        return self.organism == kind


class CuratedTable:
    def __init__(self, entries: list[CuratedTerm]) -> None:
        self.entries = entries
        self._exact: dict[tuple[str, str], list[CuratedTerm]] = defaultdict(list)
        self._long_abbreviations: dict[tuple[str, str], list[CuratedTerm]] = defaultdict(list)
        self._normalized: dict[tuple[str, str], list[CuratedTerm]] = defaultdict(list)
        for entry in entries:
            if entry.case_sensitive:
                self._exact[(entry.field, entry.text)].append(entry)
                if (
                    len(entry.text) >= _CASELESS_FROM
                    or _DIGIT.search(entry.text)
                    or _NO_VOWEL.match(entry.text.casefold())
                ):
                    self._long_abbreviations[(entry.field, entry.text.casefold())].append(entry)
            else:
                self._normalized[(entry.field, norm(entry.text))].append(entry)

    def find(self, field: str, text: str, taxid: int | None, *, exact_only: bool = False) -> CuratedTerm | None:
        """The curated entry for ``text`` in ``field``: abbreviations (exact case below four letters,
        also with a plural ``s``: PBMCs, MEFs), then the normalized form; organism-specific rows first."""
        text = clean(text)
        candidates = self._exact.get((field, text)) or []
        if not candidates and len(text) > 2 and text.endswith("s"):
            candidates = self._exact.get((field, text[:-1])) or []
        if not candidates:
            folded = text.casefold()
            candidates = self._long_abbreviations.get((field, folded)) or []
            if not candidates and folded.endswith("s"):
                candidates = self._long_abbreviations.get((field, folded[:-1])) or []
        if not candidates and not exact_only:
            candidates = self._normalized.get((field, norm(text))) or []
        fitting = [entry for entry in candidates if entry.applies_to(taxid)]
        return fitting[0] if fitting else None

    def abbreviations(self) -> set[str]:
        return {entry.text for entry in self.entries if entry.case_sensitive}


def _implies(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        field, _, term_id = item.partition("=")
        pairs.append((field.strip(), term_id.strip()))
    return tuple(pairs)


@functools.cache
def curated_table() -> CuratedTable:
    entries = [
        CuratedTerm(
            field=row["field"],
            text=row["text"],
            term_id=row["term_id"],
            organism=row["organism"],
            implies=_implies(row["implies"]),
            case_sensitive=row["case"] == "cs",
            note=row["note"],
            whole_only=row["where"] == "whole",
        )
        for row in _rows("curated_terms.tsv")
    ]
    return CuratedTable(entries)


@dataclass(frozen=True)
class CellLineEntry:
    cvcl_id: str
    name: str
    names: tuple[str, ...]
    taxid: int
    origin_tissue: str | None
    origin_disease: str | None
    note: str


class CellLineTable:
    def __init__(self, entries: list[CellLineEntry]) -> None:
        self.entries = entries
        self._by_key: dict[str, CellLineEntry] = {}
        for entry in entries:
            for name in entry.names:
                self._by_key.setdefault(compact(name), entry)

    def find(self, text: str, taxid: int | None) -> CellLineEntry | None:
        entry = self._by_key.get(compact(text))
        # A line of another species is a different line that shares a name (H1, D3 ...).
        if entry is None or (taxid is not None and entry.taxid != taxid):
            return None
        return entry


@functools.cache
def cell_line_table() -> CellLineTable:
    entries = []
    for row in _rows("cell_lines.tsv"):
        synonyms = tuple(filter(None, row["synonyms"].split("|")))
        entries.append(
            CellLineEntry(
                cvcl_id=row["cvcl_id"],
                name=row["name"],
                names=(row["name"], *synonyms),
                taxid=int(row["taxid"]),
                origin_tissue=row["origin_tissue"] or None,
                origin_disease=row["origin_disease"] or None,
                note=row["note"],
            )
        )
    return CellLineTable(entries)


@dataclass(frozen=True)
class Taxon:
    taxid: int
    scientific_name: str
    common_names: tuple[str, ...]

    @property
    def term_id(self) -> str:
        return f"NCBITaxon:{self.taxid}"


@functools.cache
def taxa() -> dict[int, Taxon]:
    return {
        int(row["taxid"]): Taxon(
            int(row["taxid"]), row["scientific_name"], tuple(filter(None, row["common_names"].split("|")))
        )
        for row in _rows("taxa.tsv")
    }


@functools.cache
def _taxon_names() -> dict[str, Taxon]:
    names: dict[str, Taxon] = {}
    for taxon in taxa().values():
        for name in (taxon.scientific_name, *taxon.common_names):
            names.setdefault(norm(name), taxon)
    return names


@functools.cache
def _abbreviated_binomials() -> dict[str, Taxon | None]:
    """``m musculus`` → Mus musculus; None where two taxa share the abbreviation."""
    found: dict[str, Taxon | None] = {}
    for taxon in taxa().values():
        words = taxon.scientific_name.split()
        if len(words) >= 2:
            key = f"{words[0][0]} {' '.join(words[1:])}".casefold()
            found[key] = None if key in found and found[key] != taxon else taxon
    return found


def taxon_named(text: str) -> Taxon | None:
    """A deposited organism name (scientific or common, any case, or a binomial with the genus
    abbreviated: ``M. musculus``) → taxon; None when unknown or when the abbreviation is shared."""
    if match := _TAXON_CURIE.match(text.strip()):
        return taxa().get(int(match.group(1)))
    found = _taxon_names().get(norm(text))
    if found is None and (match := _ABBREVIATED.match(clean(text))):
        found = _abbreviated_binomials().get(f"{match.group(1)} {match.group(2)}".casefold())
    return found


def _strain_key(text: str) -> str:
    return re.sub(r"[\s.\-]+", "", text).casefold()


@functools.cache
def _strain_roots() -> tuple[tuple[str, int], ...]:
    roots = [(_strain_key(row["root"]), int(row["taxid"])) for row in _rows("strains.tsv")]
    return tuple(sorted(roots, key=lambda item: -len(item[0])))


def strain_taxon(text: str) -> Taxon | None:
    """The species of the laboratory strains a value names (``DBA/2J``, ``F1 hybrid FVB/N x C57Bl/6``,
    ``Sprague-Dawley``): every word that starts with a listed strain root counts; None when none does
    or when the roots name different species."""
    found = set()
    for word in re.split(r"[\s,;()x×]+", text):
        key = _strain_key(word)
        taxid = next((t for root, t in _strain_roots() if key.startswith(root) and _root_ends(key, root)), None)
        if taxid is not None:
            found.add(taxid)
    if not found:
        whole = _strain_key(text)  # multi-word roots: "Swiss Webster", "Long Evans", "Brown Norway"
        found = {t for root, t in _strain_roots() if whole.startswith(root) and _root_ends(whole, root)}
    return taxa().get(found.pop()) if len(found) == 1 else None


def _root_ends(key: str, root: str) -> bool:
    """A root ends at a substrain mark, a digit after letters or the end: 'SD' is not 'SDF1'."""
    rest = key[len(root) :]
    return not rest or rest[0] in "/:" or (root[-1].isalpha() and rest[0].isdigit()) or root[-1].isdigit()


@functools.cache
def cell_origins() -> dict[str, tuple[str, str]]:
    """CL term → (UBERON tissue, note) from the reviewed ``cell_origins.tsv``."""
    return {row["cell_type"]: (row["tissue"], row["note"]) for row in _rows("cell_origins.tsv")}


def resolve_taxon(organism: str | int | None) -> int | None:
    """``"human"``, ``"Homo sapiens"``, ``9606``, ``"NCBITaxon:9606"`` → 9606; None stays None.

    A number we do not list is still a valid NCBI taxon ID and is passed through.
    """
    if organism is None or organism == "":
        return None
    if isinstance(organism, int):
        return organism
    if match := _TAXON_CURIE.match(organism.strip()):
        return int(match.group(1))
    taxon = taxon_named(organism)
    if taxon is None:
        raise ConfigError(f"unknown organism {organism!r}; give a name (human, mouse …) or an NCBI taxon ID")
    return taxon.taxid
