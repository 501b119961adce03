"""A tissue value naming nothing as written that is an UBERON label without its leading organ
adjective — the adjective one UBERON's name pairs write for an organ holding the term — reaches that
term (``vocal folds`` → laryngeal vocal fold, part of the larynx). Several such labels are ambiguity
(``cavity epithelium``: the nasal or the tympanic cavity's); one word says which part, not whose, and
is not read this way (``apex``)."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.match import match_text


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


def test_the_label_without_its_adjective_is_the_term() -> None:
    assert _tissue("vocal folds") == "UBERON:0003706"
    assert _tissue("Vocal fold") == "UBERON:0003706"


def test_several_such_labels_are_reported_not_picked() -> None:
    found = match_text("tissue", "cavity epithelium", taxid=9606, fuzzy=False, index=get_index())
    assert found is not None and found.ambiguous
    assert set(found.candidates) == {"UBERON:0005384", "UBERON:0010063"}  # nasal, tympanic cavity epithelium


def test_one_word_is_not_read_as_a_label_without_its_adjective() -> None:
    assert _tissue("apex") is None
