"""An organ adjective before a part, where the organ's noun names nothing alone but UBERON writes it
inside a compound name of the part: ``palatal mucosa`` → "palate mucosa", a name of the mucosa of
palate (UBERON has no term named "palate"). The compound must be an UBERON name as written; when it is
not (``palatal epithelium``: no "palate epithelium"), the value stays unmapped with its reason."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.match import FIELD_SCOPES, match_text


def _tissue(value: str) -> str | None:
    found = [a for a in annotate_characteristic("tissue", value, organism="human") if a.field == "tissue"]
    return found[0].term_id if found else None


def test_the_noun_alone_names_nothing_in_uberon() -> None:
    # UBERON's labels and exact synonyms name no "palate" (only the reviewed table maps the word alone)
    assert not get_index().lookup("palate", "norm", FIELD_SCOPES["tissue"])
    found = match_text("tissue", "palate", taxid=9606, fuzzy=False, index=get_index())
    assert found is not None and found.method == "curated"


def test_the_adjective_reads_the_compound_name_of_the_part() -> None:
    assert _tissue("palatal mucosa") == "UBERON:0005019"  # mucosa of palate, named "palate mucosa"
    assert _tissue("Palatal Mucosa") == "UBERON:0005019"


def test_the_rewrite_agrees_where_other_readings_reach_the_term() -> None:
    assert _tissue("nasopharyngeal mucosa") == "UBERON:0005022"  # "nasopharynx mucosa"
    assert _tissue("clavicular bone") == "UBERON:0001105"  # "clavicle bone"


def test_a_compound_uberon_does_not_name_stays_unmapped_with_a_reason() -> None:
    annotations = annotate_characteristic("tissue", "palatal epithelium", organism="human")
    found = [a for a in annotations if a.field == "tissue"]
    assert found and found[0].term_id is None and found[0].reason
