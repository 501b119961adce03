"""A structure class written alone in the plural names no one structure: ``ganglia``, ``ducts``,
``glands``, ``nerves``, ``arteries``, ``veins``, ``vessels``, ``ligaments``.

The plural of a one-word UBERON label is read as that label's term, and for an organ that is the
sample (``kidneys``, ``lungs``, ``ovaries``). But when UBERON's term is a class of which it labels
many kinds "<which> <word>" (dorsal root ganglion, trigeminal ganglion … a hundred ganglia; three
hundred arteries), the bare plural says that several of them were sampled and not which: the class
term (UBERON:0000045 ganglion) is a guess about nothing. Like a part word alone
(:mod:`.bare_parts`), the value stays unmapped with the reason. General: the test is the count of
UBERON's own labelled kinds of the term, never a list of words; a plural naming an organ (few or no
labelled kinds) and any value with a word saying which (``trigeminal ganglia``) are unchanged, and so
is the singular (a depositor writing one structure).
"""

from __future__ import annotations

from rnacorpus.harmonize.ontology.index import OntologyIndex
from rnacorpus.harmonize.ontology.mentions import Mention
from rnacorpus.harmonize.ontology.name_pairs import KINDS_MIN, labelled_kinds

__all__ = ["KINDS_MIN", "bare_class"]

_SHOWN = 5


def bare_class(chosen: Mention, index: OntologyIndex) -> str | None:
    """Why the tissue stays unmapped when ``chosen`` — the whole value but filler words — is one word
    written in another form than its term's one-word label (a plural) and the term is a class with
    :data:`KINDS_MIN` or more labelled kinds; else None."""
    match = chosen.match
    label = (index.label(match.term_id) or "").casefold()
    word = match.text.casefold()
    if not chosen.whole or match.ambiguous or " " in word or " " in label or not label or word == label:
        return None
    kinds = labelled_kinds(index, match.term_id)
    if len(kinds) < KINDS_MIN:
        return None
    shown = index.shown(sorted(kinds)[:_SHOWN])
    return f"{match.text!r} names no one {label}: UBERON labels {len(kinds)} kinds of it ({shown} …); which is not said"
