"""``gastrointestinal`` is an organ adjective like ``gastric`` or ``colonic``: a tumour named by it
(``gastrointestinal stromal tumor``) is placed in the gastrointestinal tract, and the disease is still
read; a tumour named by no organ word (``glioma``) still places nothing."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic

GI_TRACT = "UBERON:0005409"


def _found(value: str) -> dict[str, str | None]:
    return {a.field: a.term_id for a in annotate_characteristic("tissue", value, organism="human")}


def test_gist_is_placed_in_the_tract() -> None:
    found = _found("gastrointestinal stromal tumor")
    assert found["tissue"] == GI_TRACT
    assert found["disease"] == "MONDO:0011719"


def test_the_adjective_alone_is_the_tract() -> None:
    assert _found("gastrointestinal")["tissue"] == GI_TRACT


def test_a_tumour_without_an_organ_word_places_nothing() -> None:
    assert _found("glioma").get("tissue") is None
