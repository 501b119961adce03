"""A class noun with a word before it: ``triceps muscle``, ``tibial bone``, ``optic nerve head``.

UBERON names hundreds of its muscles, bones, nerves, arteries and glands "<something> muscle",
"<something> bone" …; the bare noun is a class (muscle tissue, bone element, nerve). When a value's
tissue is such a class noun found alone inside the value and the word written just before it (no
punctuation between) is left unread, the depositor named one member of the class and the class is
coarser than what was written. Then:

1. the word and the class's label name a member (``mesenteric LN`` → mesenteric lymph node), or the
   word names a member by itself — a single-word synonym (``triceps`` → triceps brachii), an organ
   adjective (``tibial`` → tibia): the member is the answer; an organ word naming no member gives
   the organ's own part of the class (``nasopharyngeal mucosa`` → mucosa of nasopharynx) or the organ
   whose parts are members (``calvarial bone`` → the skull vault). A Latin organ adjective the
   rewrites cannot read (``lingual``, ``vesical``, ``femoral``) is read through UBERON's own name
   pairs (:func:`~.name_pairs.paired_organ`). A part UBERON names per organ (``lamina propria``,
   ``urothelium``) after such a word is read the same way, and kept as chosen when the word names no
   organ (``subcortical white matter``);
2. the word is anatomical (it names a structure, or UBERON's tissue names use it: ``optic``,
   ``buccal``) but none of the above — the value names a structure we do not read, reported
   unmapped rather than answered by the class;
   Capitals (``TA muscle``, ``VL muscle``) are read as the initials of a member's name of several
   words: one such member is the answer, several (tibialis anterior, transversus abdominis …) leave
   the tissue unmapped with them listed;
3. else (a state or a genotype: ``dystrophic muscle``, ``mdx muscle``, ``regenerating muscle``) the
   class stands: the word says what happened to the tissue, not which one it is.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter, defaultdict

from rnacorpus.harmonize.ontology.derived import derived_table
from rnacorpus.harmonize.ontology.implied import origin_named_with, origin_word
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import CONFIDENCE, FieldMatch, in_lineage, match_text
from rnacorpus.harmonize.ontology.mentions import FILLER, Mention, Mentions
from rnacorpus.harmonize.ontology.name_pairs import (
    KINDS_MIN,
    labelled_kinds,
    organ_relative_part,
    paired_organ,
    tissue_names,
)
from rnacorpus.harmonize.ontology.tissue_forms import SIDE_WORDS

__all__ = [
    "ClassReading",
    "in_class",
    "member_of_class",
    "name_word_terms",
    "origin_before_cell",
    "origin_beside_cell",
]

#: a noun is a class head when UBERON ends at least this many tissue names with it (muscle 834, bone
#: 662, nerve 435 … ; organs such as lung or skin end under 150, for their lobes and sites)
_CLASS_MIN = 200
#: participles say what happened to a tissue (regenerating, denervated, injured), not which it is
_STATE = re.compile(r"(?:ing|ed)$")
#: a word of a name: letters of any script, so that a non-English synonym's accented word stays one word
#: (hemal spine's "épine hémale" is no use of "male" or "pine")
_WORD = re.compile(r"[^\W\d_]+")
#: initials of names of up to this many words are read (extensor digitorum longus: EDL)
_INITIALS_MAX = 5
_CAPITALS = re.compile(r"^[A-Z]{2,5}$")
_SHOWN = 5
_TISSUE_WORDS = frozenset({"tissue", "tissues"})


class ClassReading:
    """What a class noun with a word before it names: ``member`` (a mention), or ``unread`` (a reason)."""

    def __init__(self, member: Mention | None = None, unread: str | None = None) -> None:
        self.member = member
        self.unread = unread


class _Vocabulary:
    """Per index: how many tissue names end with each word, and the tissue terms whose names use each
    word (``words``: the words themselves)."""

    def __init__(self, index: OntologyIndex) -> None:
        names = index.tables["names"]
        self.heads: Counter[str] = Counter()
        self.terms: dict[str, set[str]] = defaultdict(set)
        #: the initials of each tissue name of several words → the terms so named
        self.initials: dict[str, set[str]] = defaultdict(set)
        for term_id, name in zip(names["term_id"].to_pylist(), names["name"].to_pylist(), strict=True):
            if index.scope(term_id) != "tissue":
                continue
            words = _WORD.findall(name.lower())
            for word in words:
                self.terms[word].add(term_id)
            if len(words) > 1:
                self.heads[words[-1]] += 1
            if 2 <= len(words) <= _INITIALS_MAX and len(words) == len(name.split()):
                # tibialis anterior (muscle): TA and TAM
                self.initials["".join(word[0] for word in words)].add(term_id)
                self.initials["".join(word[0] for word in words[:-1])].add(term_id)
        self.words = frozenset(self.terms)


_lock = threading.Lock()


@functools.lru_cache(maxsize=2)
def _vocabulary(index: OntologyIndex) -> _Vocabulary:
    with _lock:
        return derived_table(index, "class_heads", lambda: _Vocabulary(index))  # kept on disk (derived.py)


def name_word_terms(index: OntologyIndex) -> dict[str, set[str]]:
    """Each word of UBERON's tissue names → the tissue terms whose names use it (read-only)."""
    return _vocabulary(index).terms


def in_class(member: str, head: str, index: OntologyIndex) -> bool:
    """``member`` is a kind or part of a term named by the head noun or ending with it (triceps
    brachii: a shoulder muscle; tibia: a long bone)."""
    return any(
        name == head or name.endswith(" " + head)
        for ancestor in index.ancestors(member)
        if ancestor != member
        for name in (n.lower() for n in tissue_names(index, ancestor))
    )


def _is_class(head: str, match: FieldMatch, label: str, index: OntologyIndex) -> bool:
    """The mention's word is a class noun — or, for one of our abbreviations (``LN``), the last word
    of the label it stands for (lymph *node*)."""
    heads = _vocabulary(index).heads
    words = _WORD.findall(label.lower())
    stands_for = words[-1] if match.method == "curated" and words and words[-1] not in FILLER else ""
    return heads[head] >= _CLASS_MIN or (bool(stands_for) and heads[stands_for] >= _CLASS_MIN)


def _composed(word: str, label: str, class_term: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """The term UBERON names "<word> <class label>" (``mesenteric LN`` → mesenteric lymph node),
    when it is a kind or part of the class term."""
    found = match_text("tissue", f"{word} {label}", taxid=taxid, fuzzy=False, rewrites=False, index=index)
    if found is None or found.ambiguous or not index.is_ancestor(class_term, found.term_id):
        return None
    return found.term_id


def _class_of_organ(organ: str, head: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """What "<organ word> <class noun>" names, the organ read from its word (``mandibular`` → mandible,
    ``palatal`` → palate, ``calvarial`` → skull vault):

    * the organ itself when it is a member of the class (mandible, a bone);
    * the organ's own part named "<class> of <organ>" or "<organ> <class>" by UBERON (mucosa of palate),
      placed in the organ or carrying that name itself (muscle of tongue);
    * the organ when members of the class are parts of it (the skull vault, made of bones): the
      depositor named the class's members there, and the organ is what holds them.
    """
    if in_class(organ, head, index):
        return organ
    for name in tissue_names(index, organ):
        for phrase in (f"{head} of {name.lower()}", f"{name.lower()} {head}"):
            part = match_text("tissue", phrase, taxid=taxid, fuzzy=False, rewrites=False, index=index)
            if part is None or part.ambiguous:
                continue
            # UBERON's own name "<class> of <organ>" says whose part it is even where the part is
            # placed elsewhere (tongue muscle: part of the mouth)
            named = phrase in {n.lower() for n in tissue_names(index, part.term_id)}
            if index.is_ancestor(organ, part.term_id) or named:
                return part.term_id
    held = (term for term in index.descendants([organ]) if term != organ and index.scope(term) == "tissue")
    return organ if any(in_class(term, head, index) for term in held) else None


def _members_by_initials(word: str, head: str, taxid: int | None, index: OntologyIndex) -> list[str]:
    """Members of the class whose name of several words has ``word`` as initials (TA muscle: tibialis
    anterior; EDL: extensor digitorum longus), outermost first; for the sample's lineage only."""
    named = {
        term
        for term in _vocabulary(index).initials.get(word.lower(), ())
        if in_lineage(term, taxid) and in_class(term, head, index)
    }
    return index.outermost(named)


def _unclaimed_before(chosen: Mention, mentions: Mentions, *, unclear: bool = False) -> str | None:
    """The one word right before ``chosen`` that no phrase claims — or, with ``unclear``, that only a
    one-word phrase of several readings claims (``cortical``)."""
    start = chosen.start
    if start == 0 or mentions.gaps[start].strip():
        return None
    if any(
        m.start <= start - 1 < m.stop and not (unclear and m.match.ambiguous and m.stop - m.start == 1)
        for m in mentions.found
    ):
        return None
    word = mentions.tokens[start - 1]
    lower = word.lower()
    if lower in FILLER or lower in SIDE_WORDS or not lower.isalpha():
        return None
    return word


def member_of_class(
    chosen: Mention, mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> ClassReading | None:
    """The member a word before a class noun names, the reason it cannot be read, or None when the
    value is not of that shape (the caller keeps its choice)."""
    head = chosen.match.text.lower()
    label = index.label(chosen.match.term_id) or ""
    if chosen.whole or not chosen.match.term_id:
        return None
    words = chosen.stop - chosen.start
    if words == 2 and head.split()[-1] in _TISSUE_WORDS:
        # "femoral bone tissue", "lingual muscle tissue": the class noun with "tissue" after it (bone
        # tissue, muscle tissue) is the class all the same, and the word before names the member
        head, words = head.split()[0], 1
    # a part UBERON names per organ (lamina propria, urothelium, mucosa) is a class the same way:
    # the bare part is coarser than the organ's own one the word before it names
    one_word_class = words == 1 and _is_class(head, chosen.match, label, index)
    if not one_word_class and not organ_relative_part(index, chosen.match.term_id):
        return None
    word = _unclaimed_before(chosen, mentions)
    if word is None:
        return None
    member = _composed(word, label, chosen.match.term_id, taxid, index)
    found = match_text("tissue", word, taxid=taxid, fuzzy=False, index=index)
    organ = found.term_id if found is not None and not found.ambiguous and found.term_id else None
    if organ is None and found is None:
        # a Latin organ adjective (lingual, vesical) UBERON pairs with one organ: before a class
        # noun it can only say whose part of the class it is
        organ = paired_organ(index, word)
    if member is None and organ is not None and in_lineage(organ, taxid):
        member = _class_of_organ(organ, head, taxid, index)
    if member is None and found is None and _CAPITALS.match(word):
        named = _members_by_initials(word, head, taxid, index)
        if len(named) > 1:
            shown = index.shown(named, _SHOWN)
            return ClassReading(unread=f"{word!r} {chosen.match.text!r}: the initials of several: {shown}")
        member = named[0] if named else None
    if member is not None:
        rest = mentions.tokens[: chosen.start - 1] + mentions.tokens[chosen.stop :]
        whole = all(token.lower() in FILLER for token in rest)
        text = f"{word} {chosen.match.text}"
        read = FieldMatch("tissue", member, "normalized", CONFIDENCE["normalized_bag"], text)
        return ClassReading(member=Mention(read, chosen.start - 1, chosen.stop, whole))
    lower = word.lower()
    anatomical = found is not None or lower in _vocabulary(index).words
    if not one_word_class or not anatomical or _STATE.search(lower):
        # an organ's part left generic keeps its choice: "subcortical white matter" is white matter
        return None
    if match_text("development_stage", lower, taxid=taxid, fuzzy=False, index=index) is not None:
        return None  # "adult muscle", "fetal bone": an age, not a place
    why = f"{word!r} {chosen.match.text!r} names one {chosen.match.text} not read here; the class alone is coarser"
    return ClassReading(unread=why)


def origin_before_cell(
    cell: Mention, origin: str | None, mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> tuple[str, str] | None:
    """(tissue, why) an unread word written just before a cell type says the cells come from:

    * with the origin the cell type implies, a name UBERON composes of the word and the origin's label
      (``saphenous vein endothelial cells``: vein endothelial cells come from a vein → saphenous vein);
    * without one, the word as an organ noun or adjective by itself (``lens fibroblasts``, ``striatal
      neurons``; :func:`~.implied.origin_word`) — a one-word synonym is trusted here, where an organ
      before the cells can only be their origin; a word for a membrane and the cavity outside it gives
      the cavity for cells of the blood lineage (``peritoneal B cells``) and nothing for others.

    None when there is no such word or it says nothing the origin does not."""
    word = _unclaimed_before(cell, mentions, unclear=origin is not None)
    if word is None:
        return None
    if origin is not None:
        composed = origin_named_with(word, origin, taxid, index)
        if composed is not None:
            return composed, f"{word!r} with the cells' origin {index.label(origin)!r}"
        within = _reading_within(word, origin, taxid, index)
        return None if within is None else (within, f"{word!r} read within the cells' origin {index.label(origin)!r}")
    origin = origin_word(word, taxid, index, cell.match.term_id)
    return None if origin is None else (origin, f"{word!r} named before the cell type")


def _reading_within(word: str, origin: str, taxid: int | None, index: OntologyIndex) -> str | None:
    """An organ word written before cells whose origin holds what it names: that part of the origin
    (``atrial cardiomyocytes``: cardiac muscle cells come from the heart → cardiac atrium), and for a
    word of several readings the one inside the origin (``cerebral astrocytes``: astrocytes come from
    the central nervous system; of brain, cerebral hemisphere, telencephalon … all inside it, the
    brain holds the others). Readings nested in one another give the outermost; unrelated ones inside
    the origin (``cortical``: the cerebral and the cerebellar cortex), or none, give None (the origin
    stays)."""
    found = match_text("tissue", word, taxid=taxid, fuzzy=False, index=index)
    if found is None:
        return None
    readings = found.candidates if found.ambiguous else (found.term_id,)
    inside = index.outermost(c for c in readings if c != origin and index.is_ancestor(origin, c))
    return inside[0] if len(inside) == 1 else None


#: portion of tissue: its direct kinds are the basic tissue types (epithelium, mesenchyme, muscle tissue …)
_PORTION_OF_TISSUE = "UBERON:0000479"
#: endothelial cell of vascular tree: CL divides it by the vessels lined (blood vessel, lymphatic vessel)
_VASCULAR_TREE_ENDOTHELIAL = "CL:0002139"
#: the forms CL names those children by: "<word> endothelial cell", "<word> vessel endothelial cell"
_LINING_NAMES = ("{} endothelial cell", "{} vessel endothelial cell")


def _names_vessels_lined(beside: Mention, cell: Mention, taxid: int | None, index: OntologyIndex) -> bool:
    """The family of words written before vessel-lining cells that say which vessels they line, not
    where they were taken (``blood microvascular endothelial cells``, ``lymphatic endothelial cells,
    dermal-derived``): the cells are endothelial cells of the vascular tree and CL names one of that
    class's direct kinds by the word with the cells' head ("blood vessel endothelial cell",
    "lymphatic endothelial cell"). Blood and lymph are what those vessels carry, not the organ."""
    if not index.is_ancestor(_VASCULAR_TREE_ENDOTHELIAL, cell.match.term_id):
        return False
    for form in _LINING_NAMES:
        found = match_text("cell_type", form.format(beside.match.text.lower()), taxid=taxid, fuzzy=False, index=index)
        if (
            found is not None
            and not found.ambiguous
            and index.ancestors(found.term_id).get(_VASCULAR_TREE_ENDOTHELIAL) == 1
        ):
            return True
    return False


def _names_tissue_type(beside: Mention, index: OntologyIndex) -> bool:
    """The family of tissue-type words beside cells (``mesenchymal fibroblasts``, ``epithelial
    cells, villous``): a direct kind of "portion of tissue" that UBERON divides into dozens of kinds
    named with it as head (epithelium, mesenchyme: :data:`~.name_pairs.KINDS_MIN` or more) says what
    the cells are, not which of its kinds they were taken from. Tissues with an organ's place (bone
    marrow, also a direct kind of tissue) name few or no such kinds and stay origins."""
    term = beside.match.term_id
    return index.ancestors(term).get(_PORTION_OF_TISSUE) == 1 and len(labelled_kinds(index, term)) >= KINDS_MIN


def origin_beside_cell(
    beside: Mention, cell: Mention | None, origin: str | None, taxid: int | None, index: OntologyIndex
) -> tuple[str, str] | None:
    """(tissue, why) for an organ word named just before a cell type whose origin the cell type
    implies: the name UBERON composes of the word and the origin's label, when it is a kind or part of
    the origin (``aortic valve interstitial cells``: valve interstitial cells come from a valve, and
    "aortic valve" is one — not the aorta the adjective alone names); the cells' own origin when the word
    only names a class or whole that origin is a kind or part of (``muscle satellite cells``: satellite
    cells come from skeletal muscle tissue, a muscle tissue; ``bone osteocytes``); the cells' own origin,
    else None, when the word names vessels the cells line (:func:`_names_vessels_lined`) or a tissue type
    (:func:`_names_tissue_type`: ``villous mesenchymal fibroblasts``); else the organ word's term."""
    if cell is not None and origin is not None and beside.stop == cell.start:
        composed = origin_named_with(beside.match.text, origin, taxid, index)
        if composed is not None:
            return composed, f"{beside.match.text!r} with the cells' origin {index.label(origin)!r}"
    if cell is not None and origin is not None and _names_vessels_lined(beside, cell, taxid, index):
        why = f"{beside.match.text!r} names the vessels the cells line; they come from {index.label(origin)!r}"
        return origin, why
    if origin is not None and index.is_ancestor(beside.match.term_id, origin):
        return origin, f"{beside.match.text!r} named with cells that come from its {index.label(origin)!r}"
    if _names_tissue_type(beside, index):
        if origin is None:
            return None
        return origin, f"{beside.match.text!r} names the cells' tissue type; they come from {index.label(origin)!r}"
    return beside.match.term_id, f"{beside.match.text!r} named with the cell type"
