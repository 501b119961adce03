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
#: bump when a rule of this package (matching, rewrites, free-text decisions) changes what a value
#: yields: it is part of :func:`curation_stamp`, hence of the memo salt and the pipeline salt, so
#: cached decisions and studies harmonized under the older rules are redone
#: (2: tissue spellings of :mod:`.tissue_forms`, split joined words, "Organ - site", parenthesis phrases;
#: 3: glued replicate numbers and sampling verbs around the organ;
#: 4: organ + part phrases, one-word organ names shared by a tumour phrase and its disease, dissection
#: abbreviations in the reviewed table; 5: spelling families for organ phrases inside longer values
#: when no listed name is there, adjectives with one narrower use in UBERON; 6: compound heads,
#: other lineages' UBERON blocks left out for named species, Latin -ic/-ex adjectives; 7: a comma list
#: of unrelated organs keeps its first term; 13: the organ a CL label composes with a more general cell's
#: label is the cells' origin; 14: an unread word beside an organ that names parts of it gives the one
#: part, or no answer when it names several; 15: an organ adjective before a cell kind, and a cell's own
#: layer of an organ read as the organ; 16: a one-word synonym heading '<noun> of <organ>' labels of several
#: structures is reported ambiguous; 17: an organ word before a class noun reads the organ's part of the class or
#: the organ holding its members; -ary, Latin -ula and Greek -ma adjectives; 18: mistyped organ words of tissue
#: and source values respelled when one edit from exactly one tissue-name word; 19: capitals before a class noun
#: read as the initials of a member's name; reviewed lines LV, RV; 20: an organ + part compound whose part
#: UBERON places nowhere in the organ is reported, not answered with the organ; 21: a cell's written words
#: composed like its CL label; 25: cells made in vitro from stem cells give no tissue, "<organ>-resident" cells
#: their organ, an organ word coarser than the cells' own origin reads the origin; 26: "<organ>-infiltrating"
#: cells their organ, a CL label of one tissue word before "cell" (plasma cell) gives no organ unless the word is
#: the organ's UBERON label; 27: a part found nested in an organ answers for it only when one of its names has
#: the organ's word or adjective; 28: in "<source>-derived <cells>" the cells are the kind after "derived" (before
#: "derived from"), and a stem cell as the source gives no tissue; 29: an unread word beside an organ is compared
#: with UBERON's nouns through all adjective endings tissue_forms knows (-ary, -ine, -ile, -an too); 30: a part
#: word alone that UBERON names for three or more unrelated organs (septum, capsule, medulla) stays unmapped;
#: 31: a piece cut off a site (ear notch, ear punch, tail snip) is a filler word beside the site; 32: blood-lineage
#: cells named by a serous membrane's adjective come from its cavity (peritoneal macrophages); 33: a Latin organ
#: adjective before a part word that names no term alone reads the organ's part (vesical wall, vesical serosa);
#: 34: a mistyped word one edit from several name words is read when its neighbours settle it (cerebral cortx);
#: 35: a per-organ part after its organ is the organ's own one, by its name or the organ's own adjective; 36: the
#: reviewed row small airway epithelial cell implies the bronchiole; 37: an adjective of a per-organ part reads
#: the part when every organ's one is filed under it (urothelial), a labelled noun beats a synonym's whole; 38: an
#: unread adjective beside an organ reads the one part its noun heads the name of (gastric antral -> pyloric antrum);
#: 39: a label written without its leading organ adjective reaches its term (vocal folds); 43: a word naming a
#: period of life beside an organ (adult skin, fetal liver under a cell-type key) is no unread part word;
#: 70: a one-word tissue synonym that is its label cut short (prostate, eyeball) is trusted inside longer text;
#: 71: a part word with several readings is the one reading inside an organ the value names (Atrium … heart);
#: 72: a part every organ has beside an organ without one in UBERON is the organ (cortex, liver);
#: 73: a structure class alone in the plural (ganglia, glands, arteries) stays unmapped; 74: replicate, batch
#: and subject words apart from their number are bookkeeping (appendix, replicate 2); 75: a value all in
#: capitals reads as lower case for respelling and for organ words in disease phrases (KIDENY, PROSTATE CANCER);
#: 76: a misspelt or hyphen-joined place beside state words is read as when alone (adult prostrate); 77: a sex
#: word at the edge of a tissue value is set apart, numbers of bookkeeping or age never join a name, sex words
#: and pieces of accented words name no part (appendix, male; digits, 8 weeks; adrenal gland #2; bone, male);
#: 78: a number after "#" at the end of a value is dropped before the phrases are read (branchial arch #2);
#: 79: a side word joined by a hyphen does not keep the value joined (Cerebral frontal pole-right); 80: the
#: reading settled by an organ must lie inside every structure the value names (segment … left upper lobe);
#: 81: an organ named beside pluripotent stem cells is no sampled tissue (SZ_hiPSC forebrain NPCs); 82: a
#: synonym that is its label respelled is the organ's everyday name (cecum for caecum); 83: two modifiers
#: joined before one head name the head (jejunal and colic lymph node → lymph node); 84: an adjective-noun
#: synonym yields to its inverted "<part> of <organ>" label of an unrelated term (aortic arch); 85: a
#: P-notation past the first weeks is a code (P500.5), a dpc range keeps both ends (12.0-12.5 dpc); 86: a
#: note after a semicolon leaves an "Organ - site" value read (Brain - Cortex; control); 87: a first disease
#: naming no organ leaves the site to another named disease (low-grade glioma … brain tumor); 88: a preamble
#: naming no tissue before a separator is set apart (total RNA, quadriceps muscle); 97: reviewed rows read
#: only as a whole value (caudate, gut), a disease named by a structure's word as its head gives that
#: structure as its site only when MONDO classes it under a disorder of the structure (hydatidiform mole);
#: 98 (harmonize2): a bare line name before a cell kind is a line (3T3-L1 adipocytes) and a line's cells imply
#: no tissue but its reviewed origin; a word before "cell" in a disease name is its cells' kind, no site (plasma
#: cell myeloma); 98-99 (harmonize): an anatomical head noun after a tissue phrase makes it a modifier
#: (peripheral nerve sheath), words of position beside an organ keep the organ (brain area), a verb of likeness
#: governs the word after it, the organ named beside a whole embryo or larva is the sample (embryo anterior
#: tongue); 100: the two merged; 101 (harmonize2): a structure word in a disease's name is its site only when
#: MONDO classes the disease under a disorder of it (yolk sac tumor, juvenile myelomonocytic leukemia give
#: none); reprogrammed or transdifferentiated cells are made in vitro, lower-case stem-cell initials ending in
#: "sc" and "derived <cells> from <stem cells>" too; a reviewed abbreviation holding a digit is read in any case (ca1);
#: 102 (harmonize); 103 (harmonize2): pluripotent stem cells beside another cell kind are grown in a dish, the
#: head kind is the cells (foreskin fibroblast iPSC, iPSC cardiomyocytes); a tumour under a cell-type key gives
#: its site; 104 (harmonize): plant words give no tissue, a metastasis is placed where it grew, "X
#: equivalent" is a stand-in like "X-like"; 105 (harmonize2): an organ adjective with several readings in a
#: disease's name is the one MONDO classes the disease under (cervical cancer → uterine cervix); 106
#: (harmonize): a part word with only a stage word or an age beside it (fetal cortex 20-22 weeks) is as bare
#: as the word alone; 107 (harmonize2): cells taken from another named population come from where it does
#: (lymphocytes from PBMC → blood); 108 (harmonize): a tissue type with the organ it makes up in parentheses
#: names the organ (skeletal muscle (soleus)); 109 (harmonize): a respelled word never overrides an organ
#: written beside it (Ambion … Brain, athymic mice); 110 (harmonize): a day code (E16, P7) beside a part word
#: leaves it bare, a tissue written before "invasive"/"invasion" stages a tumour (muscle invasive bladder
#: tumor); 111 (harmonize): two modifiers glued by a slash before a generic head name two structures
#: (somatosensory/motor cortex); 112 (harmonize2): adipocytes named with a depot come from that depot's fat
#: (omental adipocytes → omental fat pad), blood or lymphatic before endothelial cells names the vessels (the
#: cells' own origin stays), cells differentiated from a cell line or from cells named with no tissue come
#: from no tissue, a tissue-type word beside cells (mesenchymal fibroblasts) is no origin, an organ only a CL
#: synonym's label names is not the depositor's (blastomere cell); 113 (harmonize): a generic part beside a
#: tumour of an organ is that organ's (epithelial, ovarian carcinoma → ovary); 114 (harmonize2): a fat depot's
#: stromal-vascular fraction comes from the depot (subcutaneous SVF); reviewed rows marrow, organ of Corti;
#: 115 (harmonize2): cells named by
#: CD markers and qualifying words are the CL kind whose name states them (CD8_Naive_Primary_Cells), an organ word
#: before a cell kind is CL's kind of it named with the organ (renal epithelial cells), a stage prefix written
#: apart joins its kind (pre-adipocyte), a CL label's "X-derived" is no origin, "<source> derived" cells with no
#: kind after the source name no cell type; reviewed rows alpha cell, hematopoietic progenitor cell, MEP;
#: 114 (harmonize): lists of 3+ unrelated organs name a pool, a CL term tagged '(Mmus)' is never picked for another
#: organism; 116: the two merged; 115 (harmonize): a compound organ word written as two words is read joined,
#: a gene symbol glued by a hyphen is split off, a site after a colon is read as after GTEx's dash; 117: merged;
#: 116 (harmonize): a generic part right after a tumour word is the tumour's, the organ beside it the tissue;
#: 118: merged; 119 (harmonize2): a tissue word that is no organ before "cells" names CL's "<word> cell"
#: (Endoderm Cultured Cells); 119 (harmonize): an adjective of a kind of tissue alone ("lymphoid", "neural")
#: names no tissue; 120: merged; 121 (harmonize): a qualifier in parentheses already read into the tissue
#: (adipose (subcutaneous)) refines nothing alone; reviewed row bare "subcutaneous" → hypodermis; 122
#: (harmonize): an organ adjective before a disease sited in a part of it gives the part (uterine
#: endometrial cancer), a fly's tissue written without UBERON's "insect" reaches the insect term (wing
#: discs), a word only inside a hyphenated modifier of a name names no part (disc-derived), a neuron named
#: by its transmitter is CL's "-ergic" kind (dopamine neurons))
ONTOLOGY_RULES_VERSION = "122"
#: the reviewed tables in DATA_DIR; each is part of :func:`curation_stamp`
CURATED_FILES = ("curated_terms.tsv", "cell_lines.tsv", "taxa.tsv", "strains.tsv", "cell_origins.tsv")
HUMAN, MOUSE = 9606, 10090
# Abbreviations this long (PBMC, NSCLC, ccRCC) are not English words, so any case will do;
# shorter ones (ALL, MM, MS, RA) must be written as listed — unless they hold a digit (CA1, T2D: no
# word has one; GEOmetadb's lower-cased tissue values write them "ca1").
_CASELESS_FROM = 4
_DIGIT = re.compile(r"\d")
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
                if len(entry.text) >= _CASELESS_FROM or _DIGIT.search(entry.text):
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
