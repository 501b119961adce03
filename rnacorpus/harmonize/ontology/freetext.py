"""Values of tissue-, source-, cell-, disease- and status-like keys: one decision per field found.

Order of work for one value:

1. an explicit age notation (``E6.5``, ``postnatal day 0.5``) is read and removed from the text;
2. cell lines are recognized (:mod:`.cell_lines`), then phrases are claimed per field (:mod:`.mentions`);
3. per field, several different terms resolve to the most specific one when they are related
   (``skeletal muscle (gastrocnemius)`` → gastrocnemius), else to the first, noting the others — but
   of two tissue phrases side by side the second, the compound's head, is the sample (``femur bone
   marrow``), and an "Organ - site" tissue value keeps its site (:mod:`.organ_site`: ``Artery - Aorta``
   → aorta);
4. a health-status word (normal, healthy, adjacent, non-tumour …) makes the disease ``normal``;
   a disease named beside it (``normal tissue adjacent to RCC``) then only locates the tissue;
5. fields the text implies without naming them, only when not named (:mod:`.unnamed_fields`): the
   origin of a recognized cell line (``cell_line_origin``; lines stay lines — a line's tissue is its
   Cellosaurus origin), else the tissue a named cell type comes from (``cell_type_origin``,
   :func:`~.implied.cell_origin`), then — for tissue and source keys only — the site of a named disease
   (``disease_site``: a curated implication such as HCC → liver, or an organ word in the disease's own
   name such as *renal* cell carcinoma → kidney).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rnacorpus.harmonize.ontology.age import parse_age
from rnacorpus.harmonize.ontology.age_in_value import age_in_value
from rnacorpus.harmonize.ontology.bare_classes import bare_class
from rnacorpus.harmonize.ontology.bare_parts import bare_part
from rnacorpus.harmonize.ontology.build import mapped, recorded, unmapped
from rnacorpus.harmonize.ontology.cell_lines import CellLineHit
from rnacorpus.harmonize.ontology.cell_markers import narrower_cell_kind
from rnacorpus.harmonize.ontology.class_heads import member_of_class
from rnacorpus.harmonize.ontology.coordination import coordinated_head, glued_modifiers, joined_pair
from rnacorpus.harmonize.ontology.derivation import (
    derived_kind,
    pluripotent_source,
    split_source_hyphen,
)
from rnacorpus.harmonize.ontology.disease_status import NORMAL, disease_mentions, is_normal, negated, normal
from rnacorpus.harmonize.ontology.fields import KeyInfo
from rnacorpus.harmonize.ontology.head_nouns import modified_head
from rnacorpus.harmonize.ontology.implied import (
    life_stage_word,
    organ_of_layer,
)
from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.invasion_depth import invaded_layer
from rnacorpus.harmonize.ontology.kind_adjectives import kind_adjective
from rnacorpus.harmonize.ontology.layer_owner import narrower_whole_before
from rnacorpus.harmonize.ontology.mentions import Mention, Mentions, find_mentions
from rnacorpus.harmonize.ontology.metastasis import metastasis_reading, placed
from rnacorpus.harmonize.ontology.normalize import norm
from rnacorpus.harmonize.ontology.organ_lists import pooled_list
from rnacorpus.harmonize.ontology.part_by_organ import (
    disease_organ_over_generic_part,
    disease_site_within_organ,
    organ_over_generic_part,
    part_named_by_organ,
    tumour_compartment_organ,
)
from rnacorpus.harmonize.ontology.part_then_organ import part_then_organ
from rnacorpus.harmonize.ontology.plant_words import plant_word
from rnacorpus.harmonize.ontology.releases import ONTOLOGY_RELEASES
from rnacorpus.harmonize.ontology.respell import overrides_written, respell
from rnacorpus.harmonize.ontology.tissue_choice import most_specific, tissue_decision
from rnacorpus.harmonize.ontology.unnamed_fields import cells_from, derived_fields
from rnacorpus.harmonize.ontology.unread_parts import unread_part
from rnacorpus.schemas import Annotation

__all__ = ["annotate_free_text"]

#: inside free text only plain sex words count ("mixed", "both", "M" need a sex key)
_SEX_WORDS = frozenset({"male", "female", "man", "woman", "boy", "girl"})
_SITE_KINDS = frozenset({"tissue", "source"})
_PARTIAL_FACTOR = 0.9
_UNDERSCORES = re.compile(r"_+")


def _from_mention(
    info: KeyInfo, value: str, mention: Mention, others: list[Mention], index: OntologyIndex
) -> Annotation:
    found = mention.match
    method = found.method if mention.whole or found.method == "curated" else "normalized"
    confidence = found.confidence if mention.whole else found.confidence * _PARTIAL_FACTOR
    notes = [] if mention.whole else [f"phrase {found.text!r} in the value"]
    if others:
        notes.append("also names " + ", ".join(repr(m.match.text) for m in others))
    return mapped(
        found.field,
        info.key,
        value,
        found.term_id,
        method,
        confidence,
        index,
        reason="; ".join(notes) or None,
    )


def _cell_line_annotation(info: KeyInfo, value: str, hit: CellLineHit, index: OntologyIndex) -> Annotation:
    if hit.term_id is None:
        absent = f"not a Cellosaurus {ONTOLOGY_RELEASES['CVCL']} name; recorded as deposited"
        return recorded("cell_line", info.key, hit.text if info.kind != "cell_line" else value, hit.reason or absent)
    reason = None if hit.method == "exact_label" else f"cell line {hit.text!r}"
    confidence = {"curated": 0.95, "exact_label": 0.95, "normalized": 0.85}[hit.method]
    return mapped("cell_line", info.key, value, hit.term_id, hit.method, confidence, index, reason=reason)


def _ambiguous(info: KeyInfo, value: str, mention: Mention, index: OntologyIndex) -> Annotation:
    names = index.shown(mention.match.candidates)
    return unmapped(mention.match.field, info.key, value, f"{mention.match.text!r} names several terms: {names}")


def _without(value: str, matched: str | None) -> str:
    if not matched:
        return value
    rest = re.sub(re.escape(matched), " ", value, count=1, flags=re.IGNORECASE)
    # "embryo day 6.5": the notation goes, the embryo (a tissue) stays.
    return rest + (" embryo" if re.search(r"\bembryos?\b", matched) else "")


def _decide_disease(
    info: KeyInfo, value: str, found: list[Mention], tokens: list[str], index: OntologyIndex
) -> tuple[Annotation | None, Mention | None]:
    """The disease decision (normal / denied / named) and the disease the value names, if any."""
    denied = [m for m in found if negated(tokens, m)]
    found = disease_mentions(info, found, tokens)
    if denied and not found and info.kind == "disease":
        return unmapped("disease", info.key, value, f"the value denies {denied[0].match.text!r}"), None
    named = next((m for m in found if m.match.term_id != NORMAL), None)
    if is_normal(_spaced(info, value), found):  # "non_tumor liver": an underscore joins as a space
        # "non tumor liver": a denied disease that names its organ still says which organ's normal
        # tissue was sampled (it only locates, as a disease named beside "normal" does)
        return normal(info, value, named, index), named or next(iter(denied), None)
    if not found:
        return None, None
    chosen, others = most_specific(found, index)
    return _from_mention(info, value, chosen, others, index), chosen


def _decide(
    info: KeyInfo, value: str, mentions: Mentions, taxid: int | None, index: OntologyIndex
) -> tuple[dict[str, Annotation], dict[str, Mention]]:
    """One decision per field the value names, and the mention behind each."""
    decided: dict[str, Annotation] = {}
    named: dict[str, Mention] = {}
    for field_name in info.fields:
        found = mentions.for_field(field_name)
        if field_name == "disease":
            decision, disease = _decide_disease(info, value, found, mentions.tokens, index)
            if decision is not None:
                decided["disease"] = decision
            if disease is not None:
                named["disease"] = disease
            continue
        if field_name == "sex":
            found = [m for m in found if norm(m.match.text) in _SEX_WORDS]
        if field_name == "tissue" and info.kind == "cell_type" and "cell_type" in decided:
            # "cord blood mononuclear cells": an organ named beside the cell type is where the cells
            # come from — a derived tissue (cell_type_origin), never a sampled one
            # an age word (adult B cells) says the donor's age, not where the cells are from
            found = [m for m in found if not life_stage_word(m.match.text, taxid, index)]
            if found:
                named["tissue_of_cells"] = most_specific(found, index)[0]
            continue
        if field_name == "tissue":  # "muscle invasive bladder tumor": how deep the tumour grew, not the sample
            found = [m for m in found if not invaded_layer(m, mentions.tokens, index)]
        if field_name == "cell_type" and (named_kind := narrower_cell_kind(found, mentions, taxid, index)):
            found = [named_kind]  # "CD4+CD45RO+ T cells" (markers), "Renal Epithelial cells" (an organ word)
        if field_name == "tissue" and (settled := part_named_by_organ(found, mentions.ambiguous("tissue"), index)):
            found = [settled, *found]  # "Atrium … heart": the atrium reading that is the heart's
        if found:
            if field_name == "tissue":
                chosen, others = tissue_decision(found, _spaced(info, value), taxid, index, mentions.gaps)
                if organ := tumour_compartment_organ(found, mentions.for_field("disease"), index):
                    chosen, others = organ, [m for m in found if m is not organ]  # "tumor endothelium from liver"
                if shared := coordinated_head(found, mentions.tokens, mentions.gaps, taxid, index):
                    chosen, others = shared, []  # "jejunal and colic lymph node": the head they share
                elif pair := (
                    pooled_list(found, mentions.tokens, _spaced(info, value), index)  # "brain, liver, kidney"
                    or joined_pair([chosen, *others], mentions.tokens, _spaced(info, value))
                    or glued_modifiers(chosen, mentions.tokens, taxid, index)
                ):
                    decided[field_name] = unmapped("tissue", info.key, value, pair)  # "bone marrow or blood"
                    continue
                else:
                    chosen = part_then_organ(chosen, found, value, taxid, index) or chosen  # cortex (brain)
                if not shared and (organ := organ_over_generic_part(chosen, found, index)) is not None:
                    chosen, others = organ, [chosen, *(m for m in others if m is not organ)]  # cortex, liver
                diseases = mentions.for_field("disease")
                sited = disease_organ_over_generic_part(
                    chosen, found, diseases, mentions.tokens, taxid, index
                ) or disease_site_within_organ(chosen, found, diseases, mentions.tokens, taxid, index)
                if sited is not None:  # "epithelial, ovarian carcinoma": the tumour's organ
                    decided[field_name] = mapped(
                        "tissue", info.key, value, sited[0], "disease_site", 0.8, index, reason=sited[1]
                    )
                    continue
                if (bare := bare_part(chosen, found, index, mentions) or bare_class(chosen, index)) is not None:
                    decided[field_name] = unmapped("tissue", info.key, value, bare)
                    continue
                reading = member_of_class(chosen, mentions, taxid, index)
                if reading is not None and reading.unread:
                    decided[field_name] = unmapped("tissue", info.key, value, reading.unread)
                    continue
                chosen = reading.member if reading is not None and reading.member else chosen
                part = unread_part(chosen, mentions, index, taxid)
                if part is not None and part.unread:
                    decided[field_name] = unmapped("tissue", info.key, value, part.unread)
                    continue
                if part is not None and part.term_id:
                    why = f"{part.word!r} beside {chosen.match.text!r} names this part of it"
                    decided[field_name] = mapped(
                        "tissue", info.key, value, part.term_id, "normalized", 0.8, index, reason=why
                    )
                    continue
                if part is None and (head := modified_head(chosen, mentions, index)) is not None:
                    decided[field_name] = unmapped("tissue", info.key, value, head)  # peripheral nerve sheath
                    continue
                if part is None and (lone := kind_adjective(chosen, found, mentions.tokens, index)) is not None:
                    decided[field_name] = unmapped("tissue", info.key, value, lone)  # "lymphoid": a kind, no tissue
                    continue
            else:  # "monocyte-derived macrophages": the cells are what the source became
                if not (kind := derived_kind(found, mentions.tokens, index)):  # only the source is a cell kind
                    decided[field_name] = unmapped(field_name, info.key, value, "no kind named after the source")
                    continue  # "hESC Derived CD184+ Endoderm Cultured Cells"
                chosen, others = most_specific(kind, index)
            if chosen.match.ambiguous:
                decided[field_name] = _ambiguous(info, value, chosen, index)
                continue
            if (
                field_name == "tissue"
                and info.kind == "cell_type"
                and organ_of_layer(chosen.match.term_id, taxid, index)
            ):
                # "tracheal smooth muscle cells": the layer named restates the cells; the organ is the tissue
                why = f"{chosen.match.text!r} named with the cells"
                decided[field_name] = cells_from(info, value, chosen.match.term_id, why, 0.75, taxid, index)
                whole = decided[field_name].term_id or ""
                if narrower := narrower_whole_before(whole, mentions.tokens, chosen.start, taxid, index):
                    # "femoral artery smooth muscle cells": the words before the layer say which artery
                    why = f"{narrower[1]!r} before {chosen.match.text!r} names which {index.label(whole)}"
                    decided[field_name] = mapped(
                        "tissue", info.key, value, narrower[0], "cell_type_origin", 0.75, index, reason=why
                    )
                named[field_name] = chosen
                continue
            decided[field_name] = _from_mention(info, value, chosen, others, index)
            named[field_name] = chosen
        elif field_name == info.primary and (unclear := mentions.ambiguous(field_name)):
            decided[field_name] = _ambiguous(info, value, unclear[0], index)
    return decided, named


def _spaced(info: KeyInfo, value: str) -> str:
    """The value with its underscores made spaces (``femur_bone_marrow``, ``Brain_-_Cortex``,
    ``bone_marrow-derived_macrophages``): depositors join words with them as with spaces. Not under a
    cell-line key, where an underscore may belong to the line's name."""
    return value if info.kind == "cell_line" else _UNDERSCORES.sub(" ", value)


def _as_respelled(found: Annotation, notes: list[str]) -> Annotation:
    """A decision reached through a respelled word: fuzzy, less sure, the respelling in the reason."""
    if found.term_id is None:
        return found
    reason = "; ".join([*notes, *([found.reason] if found.reason else [])])
    return found.model_copy(
        update={"method": "fuzzy", "confidence": round(found.confidence * 0.9, 3), "reason": reason}
    )


def annotate_free_text(info: KeyInfo, value: str, taxid: int | None, index: OntologyIndex) -> list[Annotation]:
    age = parse_age(value, strict=True, taxid=taxid) if "age" in info.fields else None
    # "bone marrow-derived macrophages", "lung-resident T cells": the source is a word of its own
    written = split_source_hyphen(_without(_spaced(info, value), age.matched if age else None))
    # "stomache", "bone marow": a mistyped organ word of a tissue or source value is read as the word
    text, respelled = respell(written, index) if info.kind in _SITE_KINDS else (written, [])
    result, staged = _read(info, value, text, respelled, taxid, index)
    if respelled:
        # a respelling repairs a value, it never overrides an organ written beside it (Ambion … Brain)
        plain, plain_staged = _read(info, value, written, [], taxid, index)
        if overrides_written(plain, result, index):
            result, staged = plain, plain_staged
    if age is not None:
        result.extend(age_in_value(info.key, value, age, taxid, index, staged))
    return _ordered(result, info.fields)


def _read(
    info: KeyInfo, value: str, text: str, respelled: list[str], taxid: int | None, index: OntologyIndex
) -> tuple[list[Annotation], bool]:
    """The annotations ``text`` (the value, maybe respelled) gives, and whether it names a stage."""
    fields = info.fields
    mentions = find_mentions(
        text, fields, taxid, index, line_key=info.kind == "cell_line", cell_suffix=info.kind == "cell_type"
    )
    decided, named = _decide(info, value, mentions, taxid, index)
    if decided.get("tissue") and decided["tissue"].term_id and (grown := pluripotent_source(value)):
        # "SZ_hiPSC forebrain NPCs": the organ says what was grown from the stem cells, not what was sampled
        decided["tissue"] = unmapped("tissue", info.key, value, f"{grown!r}: cells grown from stem cells")
    if respelled:
        decided = {name: _as_respelled(found, respelled) for name, found in decided.items()}
    result = [decided[name] for name in fields if name in decided]
    if mentions.cell_line is not None:
        result.append(_cell_line_annotation(info, value, mentions.cell_line, index))
    elif info.kind == "cell_line":
        why = "no Cellosaurus name recognized; recorded as deposited"
        result.append(recorded("cell_line", info.key, value, why))
    result.extend(derived_fields(info, value, decided, named, mentions, taxid, index))
    if "tissue" in fields and (metastasis := metastasis_reading(text, mentions, taxid, index)) is not None:
        result = placed(result, metastasis, info.key, value, index)  # "... metastatic to lymph node"
    if (plant := plant_word(value)) is not None:  # "citrus root tips": UBERON has no plant anatomy
        why = f"{plant!r} names a plant part or a plant; UBERON describes animals"
        result = [unmapped("tissue", info.key, value, why) if a.field == "tissue" and a.term_id else a for a in result]
    return result, "development_stage" in decided


def _ordered(annotations: Sequence[Annotation], fields: Sequence[str]) -> list[Annotation]:
    rank = {name: i for i, name in enumerate((*fields, "cell_line", "tissue", "disease", "age", "development_stage"))}
    return sorted(annotations, key=lambda a: rank.get(a.field, len(rank)))


def unmapped_primary(info: KeyInfo, value: str, reason: str) -> list[Annotation]:
    return [unmapped(info.primary, info.key, value, reason)] if info.primary else []
