"""A cell kind written with the organ word CL's name for a narrower kind puts before it.

Family: ``Human Renal Epithelial cells`` (CL: kidney epithelial cell), ``Non-Pigment Ciliary
Epithelial Cells`` (non-pigmented ciliary epithelial cell), ``bronchial smooth muscle cells``: the
reader found the organ word (a tissue phrase: kidney; or an ambiguous one: ciliary body or ciliary
muscle) and the head kind (epithelial cell) side by side, and kept the head. When CL has a kind of the
head whose label is words before the head's own label, those words hold the organ word as written or
one of the organ's UBERON names ("kidney" for renal) and the value writes the others (non-pigmented:
"Non-Pigment"; not kidney *capillary* endothelial cell for "kidney endothelial cells"), that kind is
the cells: the most general such
kind; among several unrelated ones, the one whose label shares the most words with those written
before the head, then the one adding the fewest words; a tie leaves the head. The organ word must be
written right before the head (no other word between).

Not this family: an organ word naming where cells were taken from with no CL kind of its name
(``uterine NK cells``: the head stays, :mod:`.implied` gives the uterus), a kind CL already names as
written (``hepatic stellate cells``: read whole).
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import CONFIDENCE, FieldMatch
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions
from rnacorpus.harmonize.ontology.name_pairs import tissue_names
from rnacorpus.harmonize.ontology.normalize import tokens
from rnacorpus.harmonize.ontology.tissue_choice import most_specific

__all__ = ["organ_named_kind"]

#: heads too general to narrow by an organ word: every cell is one
_ANY_CELL = frozenset({"CL:0000000", "CL:0000255", "CL:0000003"})
#: letters two spellings of one word share (pigment, pigmented)
_STEM = 6


def _runs(words: list[str], run: list[str]) -> bool:
    return any(words[at : at + len(run)] == run for at in range(len(words) - len(run) + 1))


def _written(word: str, written: set[str]) -> bool:
    """A word of CL's name the value writes, maybe with another ending (pigmented: "Non-Pigment")."""
    return any(
        word == other or (min(len(word), len(other)) >= _STEM and word[:_STEM] == other[:_STEM]) for other in written
    )


def organ_named_kind(heads: list[Mention], mentions: Mentions, index: OntologyIndex) -> Mention | None:
    """The narrower CL kind the organ word right before the most specific head names (module
    docstring), as a mention spanning both; None when there is no such word or kind, or a tie."""
    if not heads:
        return None
    head = most_specific(heads, index)[0]
    term = head.match.term_id
    organ = next((m for m in mentions.found if m.match.field == "tissue" and m.stop == head.start), None)
    if organ is None or term in _ANY_CELL:
        return None
    organs = (organ.match.term_id,) if organ.match.term_id else organ.match.candidates
    organ_words = [tokens(organ.match.text)]
    organ_words += [tokens(name) for organ_term in organs for name in tissue_names(index, organ_term)]
    head_words = tokens(index.label(term) or "")
    written = set(tokens(" ".join(mentions.tokens[: head.start])))
    fitting: dict[str, list[str]] = {}
    for kind in index.descendants([term]):
        if kind == term or not kind.startswith("CL:") or index.deprecated(kind):
            continue
        words = tokens(index.label(kind) or "")
        prefix = words[: len(words) - len(head_words)]
        if words[len(prefix) :] != head_words or not prefix:
            continue
        organ_run = next((run for run in organ_words if run and _runs(prefix, run)), None)
        if organ_run is not None and all(_written(word, written) for word in prefix if word not in organ_run):
            fitting[kind] = prefix
    roots = index.outermost(fitting)
    if len(roots) > 1:
        shared = {kind: len(set(fitting[kind]) & written) for kind in roots}
        roots = [kind for kind in roots if shared[kind] == max(shared.values())]
    if len(roots) > 1:
        extra = {kind: len(set(fitting[kind]) - written) for kind in roots}
        roots = [kind for kind in roots if extra[kind] == min(extra.values())]
    if len(roots) != 1:
        return None
    text = " ".join(mentions.tokens[organ.start : head.stop])
    match = FieldMatch("cell_type", roots[0], "normalized", CONFIDENCE["normalized_bag"], text)
    return Mention(match, organ.start, head.stop, head.whole)
