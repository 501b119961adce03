"""A part every organ has, written first, with its organ after it: the organ's own part.

Family: ``cortex (brain)``, ``medulla (adrenal)``, ``cortex, brain``, ``capsule, kidney`` — the part
UBERON specializes per organ (:func:`~.name_pairs.organ_relative_part`: cortex, medulla, capsule,
mucosa …) named first, the organ named after a comma or inside parentheses. It is the reverse of the
"Organ - site" order :mod:`.organ_site` reads (``Brain - Cortex``, ``kidney (cortex)``), and it is read
the same way (:func:`~.organ_site.part_within`). Before, the parenthesis was dropped and the bare
part left unmapped (``cortex (brain)``), or the generic part was the answer (``cortex, brain``: the
cortex of any organ).

Only one organ may be named after the part, and only an answer that is neither the organ nor the
generic part counts: the organ alone is left to the rules that read it as written.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import match_text
from rnacorpus.harmonize.ontology.mentions import Mention
from rnacorpus.harmonize.ontology.name_pairs import organ_relative_part
from rnacorpus.harmonize.ontology.organ_site import part_within
from rnacorpus.harmonize.ontology.value_words import inner_texts

__all__ = ["part_then_organ"]


def part_then_organ(
    chosen: Mention, found: Sequence[Mention], value: str, taxid: int | None, index: OntologyIndex
) -> Mention | None:
    """The organ's own part when ``chosen`` is a one-word part every organ has and one organ is named
    after it (a later mention, or the text of a parenthesis); else None."""
    part = chosen.match
    if part.ambiguous or len(part.text.split()) != 1 or not organ_relative_part(index, part.term_id):
        return None
    organs = {m.match.term_id: m for m in found if m.start >= chosen.stop and not m.match.ambiguous}
    for text in inner_texts(value):
        hit = match_text("tissue", text, taxid=taxid, fuzzy=False, index=index)
        if hit is not None and not hit.ambiguous and hit.term_id != part.term_id:
            organs.setdefault(hit.term_id, Mention(hit, chosen.stop, chosen.stop, False))
    organs.pop(part.term_id, None)
    if len(organs) != 1:
        return None
    organ = next(iter(organs.values()))
    within = part_within(organ, chosen, index)
    if within.match.ambiguous or within.match.term_id in {organ.match.term_id, part.term_id}:
        return None
    return within
