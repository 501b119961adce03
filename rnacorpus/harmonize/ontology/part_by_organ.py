"""A part word with several readings, settled by the organ the same value names.

Family: ``Atrium cDNA library Human heart`` — "atrium" alone names the cardiac atrium, the alveolar
atrium and the future cardiac atrium, so the phrase is reported as ambiguous and only "heart" is read;
but of those readings only the cardiac atrium is a part of the heart the value also names, so it is
the sample (``ventricle … heart``, ``cortex … kidney`` in the same way when UBERON's part-of closure
leaves one reading). General: a test on UBERON's part-of closure between the ambiguous word's own
candidates and the organs read in the value, never a list of words. Exactly one reading inside a
named organ is required; none or several leave the value as it was (the organ, or the ambiguity).
"""

from __future__ import annotations

from collections.abc import Sequence

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.match import CONFIDENCE, FieldMatch
from rnacorpus.harmonize.ontology.mentions import Mention

__all__ = ["part_named_by_organ"]


def part_named_by_organ(found: Sequence[Mention], unclear: Sequence[Mention], index: OntologyIndex) -> Mention | None:
    """The one reading of an ambiguous tissue mention (``unclear``) that is a part of an organ read in
    the same value (``found``), as a mention of its own; None when no or several readings qualify."""
    organs = {mention.match.term_id for mention in found}
    for mention in unclear:
        within = {
            term
            for term in mention.match.candidates
            if any(organ != term and index.is_ancestor(organ, term) for organ in organs)
        }
        if len(within) == 1:
            (term,) = within
            match = FieldMatch("tissue", term, "normalized", CONFIDENCE["normalized_bag"], mention.match.text)
            return Mention(match, mention.start, mention.stop, False)
    return None
