"""Values written "Organ - site (detail)", "Organ: site" or "Organ, site": which tissue the sample is.

GTEx's tissue-site names (``Artery - Aorta``, ``Skin - Sun Exposed (Lower leg)``,
``Brain - Caudate (basal ganglia)``) and ArrayExpress's ``lung, alveolar wall`` put the organ first
and the sampled site after it. The free-text reader finds the organ and the site as separate phrases;
left to itself it would keep the first (the organ). Here:

1. a site term UBERON writes with the organ's word (``lower leg skin``, ``suprapubic skin``) is the
   answer: the detail or a named site, composed with the organ's text, looked up as one name;
2. else the last site named after the organ outside the parenthesis — or, when none is, inside it
   if it is a part of the organ (``(basal ganglia)`` of the brain); a parenthesis naming a body region that is not part
   of the organ (``(Lower leg)`` of the skin) only locates the organ, never replaces it; a site UBERON
   names for many organs (``Brain - Cortex``) is looked for within the organ: one such part is the
   answer, several are reported as ambiguity;
3. else the organ.

A colon after the organ's words is read as GTEx's dash (``Neocortex germinal zone: cortical plate``,
``adipose: greater omentum``): the words after it say which site of the organ was taken.

After a comma (not GTEx's dash or a colon), a site that is neither part of the organ nor a part every organ has
(``liver, kidney``; ``bone marrow, femur``) makes the value a list, which keeps its first term.

Lists (``spleen and lymph nodes``, ``brain/spinal cord``) are not this shape and keep the first term.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import CONFIDENCE, FieldMatch, match_text
from rnacorpus.harmonize.ontology.mentions import Mention, inner_texts
from rnacorpus.harmonize.ontology.name_pairs import (
    organ_adjectives,
    organ_readings,
    organ_relative_part,
    tissue_names,
)

__all__ = ["BULK_PARTS", "SITE_AFTER_ORGAN", "kind_in_site", "organ_then_site", "part_within"]

#: parts that are an organ's own functional bulk, not a region of it: UBERON's "parenchyma" (the
#: tissue that does the organ's work, as against its stroma and capsule). Written after an organ with no
#: parenchyma term of its own (brain, breast, testis), it is the organ, as "<organ> tissue" is.
BULK_PARTS = frozenset({"UBERON:0000353"})

#: "Organ - site …" or "Organ, site …": a dash or comma after the first words, no list words after it
#: the GTEx form "Organ - site": the site is the sample even when UBERON files it elsewhere (Brain - Spinal cord)
DASH_AFTER_ORGAN = re.compile(r"^[^-,;/&:]+?(?:\s+-\s+|:\s*)")
_WORDS = re.compile(r"[a-z]+")
#: the separator of an "Organ - site" / "Organ, site" value, as written between two tokens
_SEPARATOR = re.compile(r"\s-\s|,|:")
SITE_AFTER_ORGAN = re.compile(r"^[^-,;/&:]+?(?:\s+-\s+|,\s*|:\s*)(?![^;/&]*\b(?:and|or|plus)\b)[^;/&]+$", re.IGNORECASE)


def _composed(organ: Mention, details: list[str], taxid: int | None, index: OntologyIndex) -> Mention | None:
    """A term named "<detail> <organ>" (lower leg skin) — looked up as written, no rewrites."""
    for detail in details:
        found = match_text(
            "tissue", f"{detail} {organ.match.text}", taxid=taxid, fuzzy=False, rewrites=False, index=index
        )
        if found is not None and not found.ambiguous and index.is_ancestor(organ.match.term_id, found.term_id):
            return Mention(found, organ.start, organ.stop, False)
    return None


def part_within(organ: Mention, part: Mention, index: OntologyIndex, *, inside: bool = True) -> Mention:
    """A part UBERON specializes per organ (``Brain - Cortex``): its one specialization within the organ,
    the ambiguity between several (reported), or — UBERON placing none in it — the organ for an
    "Organ - part" value (``inside``) or a part that is the organ's bulk (:data:`BULK_PARTS`: ``brain
    parenchyma``), the organ and the part reported for a compound (``uterine smooth muscle``); never the
    bare generic part."""
    nested = set(index.descendants([part.match.term_id])) & set(index.descendants([organ.match.term_id]))
    nested -= {part.match.term_id, organ.match.term_id}
    tops = index.outermost(nested)
    own = organ_readings(index, part.match.term_id).get(organ.match.term_id)
    if len(tops) > 1 and own in nested:
        # the organ's own one as UBERON names it (colon lamina propria: of the mucosa of colon), not
        # those of the organ's parts (ascending, descending colon lamina propria)
        tops = [own]
    if len(tops) == 1 and not _names_the_organ(tops[0], organ, index):
        tops = []  # brain parenchyma: the pineal body's parenchyma is the one in the brain, not the brain's
    if not tops:
        # the organ's adjective with the part may be a name (lung lymph node: *pulmonary* lymph node)
        named = _adjective_part(organ, part, index, inside=inside)
        if named is not None or inside or part.match.term_id in BULK_PARTS:
            # "Organ - part": the organ is what is known; "brain parenchyma": the organ's bulk is the organ
            return named or organ
        # a compound whose part UBERON places nowhere in the organ (uterine smooth muscle: the
        # myometrium is a *layer* of smooth muscle): the organ alone is coarser, both are reported
        both = (organ.match.term_id, part.match.term_id)
        return Mention(
            FieldMatch("tissue", "", "ambiguous", 0.0, part.match.text, candidates=both), organ.start, part.stop, False
        )
    if len(tops) == 1:
        found = FieldMatch("tissue", tops[0], "normalized", CONFIDENCE["normalized_bag"], part.match.text)
    else:
        found = FieldMatch("tissue", "", "ambiguous", 0.0, part.match.text, candidates=tuple(tops))
    return Mention(found, part.start, part.stop, False)


def kind_in_site(kind: Mention, site: Mention, index: OntologyIndex) -> Mention | None:
    """A tissue kind written with the structure it was taken from, in either order, the two unrelated
    in UBERON (Bgee's curated GTEx libraries ``Adipose - greater omentum``, ``Adipose-greater omentum``;
    ``greater omentum adipose tissue``): the one kind of the tissue UBERON places in the structure —
    or, none being there, in the direct whole the structure's name is made from (the omental fat pad
    is part of the omentum, as the greater omentum is) — is the sample; the tuning split's ``lung
    pleura`` is the visceral pleura. Neither the tissue alone (coarser) nor the structure (the wrong
    tissue). Several such kinds, or none, give None: the caller keeps its reading."""
    kind_id, site_id = kind.match.term_id, site.match.term_id
    if not kind_id or not site_id or index.is_ancestor(kind_id, site_id) or index.is_ancestor(site_id, kind_id):
        return None
    kinds = set(index.descendants([kind_id])) - {kind_id}
    placed = kinds & set(index.descendants([site_id]))
    if not placed:
        # only a whole the structure's name is made from (greater *omentum*): the structure's other
        # direct ancestors are classes (mesoderm-derived structure, abdomen element) sharing nothing
        site_words = set(_WORDS.findall((index.label(site_id) or "").lower()))
        wholes = [
            whole
            for whole, distance in index.ancestors(site_id).items()
            if distance == 1
            and set(_WORDS.findall((index.label(whole) or "").lower())) < site_words
            and not index.is_ancestor(whole, kind_id)
        ]
        placed = {t for t in kinds for whole in wholes if index.ancestors(t).get(whole) == 1}
    tops = index.outermost(placed)
    if len(tops) != 1:
        return None
    text = f"{kind.match.text} {site.match.text}"
    found = FieldMatch("tissue", tops[0], "normalized", CONFIDENCE["normalized_bag"], text)
    return Mention(found, min(kind.start, site.start), max(kind.stop, site.stop), False)


def _names_the_organ(term_id: str, organ: Mention, index: OntologyIndex) -> bool:
    """A part found nested in the organ speaks for it only when one of its names has the organ's word or
    adjective (renal cortex, esophagus mucosa); a part named for an organ inside it (the *pineal*
    parenchyma, the one parenchyma UBERON places in the brain) is that inner organ's, not the organ's."""
    organ_id = organ.match.term_id
    words = set(_WORDS.findall(f"{organ.match.text} {index.label(organ_id) or ''}".lower()))
    words |= {adjective.lower() for adjective in organ_adjectives(index, organ_id)}
    return any(words & set(_WORDS.findall(name.lower())) for name in tissue_names(index, term_id))


def _adjective_part(organ: Mention, part: Mention, index: OntologyIndex, *, inside: bool) -> Mention | None:
    """The term UBERON names "<an adjective of the organ> <part>" (brain cortex: *cerebral* cortex): a
    part of the organ, or — unless ``inside`` — a kind of the part named for the organ (lung lymph
    node: *pulmonary* lymph node, beside the lung rather than in it); of several such names the one
    with the organ's own adjective (:func:`~.name_pairs.organ_adjectives`), else they are reported as
    ambiguity; none gives None."""
    found: dict[str, FieldMatch] = {}
    by_adjective: dict[str, str] = {}
    for adjective in organ_adjectives(index, organ.match.term_id):
        hit = match_text("tissue", f"{adjective} {part.match.text}", fuzzy=False, rewrites=False, index=index)
        if hit is None or hit.ambiguous or hit.term_id == organ.match.term_id:
            continue
        if index.is_ancestor(organ.match.term_id, hit.term_id) or (
            not inside and index.is_ancestor(part.match.term_id, hit.term_id)
        ):
            found[hit.term_id] = hit
            by_adjective[hit.term_id] = adjective
    own = set(organ_adjectives(index, organ.match.term_id, own=True))
    if len(found) > 1 and len(mine := [t for t in found if by_adjective[t] in own]) == 1:
        # several names: the one with the organ's own adjective (lung lymph node: pulmonary, not
        # bronchial — the bronchus's adjective, written once for the lung)
        found = {mine[0]: found[mine[0]]}
    if not found:
        return None
    if len(found) == 1:
        match = next(iter(found.values()))
    else:
        match = FieldMatch("tissue", "", "ambiguous", 0.0, part.match.text, candidates=tuple(sorted(found)))
    return Mention(match, organ.start, part.stop, False)


def _before_note(value: str, found: list[Mention], gaps: Sequence[str]) -> str:
    """The value up to a semicolon after which no tissue is named (``Brain - Cortex; control``,
    ``Esophagus - Gastroesophageal Junction; healthy donor``): what follows is a note on the sample —
    its status, donor or replicate — and the "Organ - site" shape is read before it. The whole value
    when there is no semicolon or a tissue is named after it (``liver; kidney``)."""
    cut = next((i for i, gap in enumerate(gaps) if ";" in gap), None)
    if cut is None or ";" not in value or any(m.stop > cut for m in found):
        return value
    return value[: value.index(";")]


def _after_preamble(value: str, found: list[Mention], gaps: Sequence[str]) -> tuple[str, int]:
    """The value after a first separator before which no tissue is named (``total RNA, quadriceps
    muscle``, ``RNA - Brain - Cortex``), and the token index of that separator: what precedes it says
    what was extracted, not the organ of an "Organ, site" value. ``(value, 0)`` otherwise."""
    first = next((i for i, gap in enumerate(gaps) if i and _SEPARATOR.search(gap)), None)
    cut = _SEPARATOR.search(value)
    if first is None or cut is None or not found or any(m.start < first for m in found):
        return value, 0
    return value[cut.end() :].strip(), first


def organ_then_site(
    value: str, found: list[Mention], taxid: int | None, index: OntologyIndex, gaps: Sequence[str] = ()
) -> Mention | None:
    """The mention that is the sample's tissue in an "Organ - site" value, or None when the value is
    not of that shape (then the caller keeps its own choice). ``found``: the value's tissue mentions in
    text order; the first is the organ. A part UBERON specializes per organ (cortex) is resolved within
    the organ (:func:`part_within`); the result may then be an ambiguous match, to be reported.
    ``gaps`` (the text before each token) place the separator: when every tissue is written before it
    and no parenthesis adds one, what follows names no site (``lung lymph node, normal``, ``pleura of
    the lung - control``) and the value is no "Organ - site" value."""
    value, skip = _after_preamble(_before_note(value, found, gaps), found, gaps)
    if (len(found) < 2 and not inner_texts(value)) or not found or not SITE_AFTER_ORGAN.match(value):
        return None
    separator = next((i for i, gap in enumerate(gaps) if i > skip and _SEPARATOR.search(gap)), None)
    if separator is not None and not inner_texts(value) and all(m.start < separator for m in found):
        return None
    organ = found[0]
    sites = [
        m
        for m in found[1:]
        if m.match.term_id != organ.match.term_id and not index.is_ancestor(m.match.term_id, organ.match.term_id)
    ]
    details = [
        text
        for text in [*inner_texts(value), *(site.match.text for site in sites)]
        if text.lower() not in organ.match.text.lower()
    ]
    composed = _composed(organ, details, taxid, index)
    if composed is not None:
        return composed
    inside = inner_texts(value)
    outside = [site for site in sites if not any(site.match.text in text for text in inside)]
    within = [
        site for site in sites if site not in outside and index.is_ancestor(organ.match.term_id, site.match.term_id)
    ]
    placed = outside or within
    if not placed:
        return organ
    site = placed[-1]
    if index.is_ancestor(organ.match.term_id, site.match.term_id):
        return site
    if organ_relative_part(index, site.match.term_id):
        return part_within(organ, site, index)
    kind = kind_in_site(organ, site, index)
    if kind is not None:
        return kind
    if not DASH_AFTER_ORGAN.match(value):
        # "liver, kidney", "bone marrow, femur": after a comma a term that is neither part of the
        # first nor a part every organ has does not say where in the organ — the value is a list (or
        # names the bone the marrow came from), and lists keep their first term like other lists
        return None
    return site
