"""An organ adjective whose noun forms name one term by its UBERON label and the others only by
synonyms of another nomenclature reads the labelled term: ``tonsillar`` → the tonsil, although
"tonsilla" is also an (HXI) synonym of the cerebellar paraflocculus. Readings that UBERON's own name
pairs give for the adjective (``cervical``: cervix, neck, vertebra) stay reported as ambiguous."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.match import match_text

TONSIL = "UBERON:0002372"


@pytest.mark.parametrize(("key", "value"), [("tissue", "tonsillar tissue"), ("cell type", "tonsillar B cells")])
def test_the_labelled_reading_is_the_answer(key: str, value: str) -> None:
    found = [a for a in annotate_characteristic(key, value, organism="human") if a.field == "tissue"]
    assert found and found[0].term_id == TONSIL


@pytest.mark.parametrize("value", ["cervical", "glomerular"])
def test_readings_from_name_pairs_stay_ambiguous(value: str) -> None:
    found = match_text("tissue", value, taxid=9606, index=get_index())
    assert found is not None and found.ambiguous and len(found.candidates) > 1
