"""An organ read from a value with an unread word beside it that UBERON uses only in names of the
organ's parts: the one part so named is the answer (stomach corpus → body of stomach, colon crypts →
colonic crypt; for an adjective, the one part its noun heads the name of: gastric antral biopsy →
pyloric antrum, not the pyloric antrum gland); several parts (muscularis: the mucosa's or the muscle
layer's) leave the tissue unmapped with the reason — the organ alone would be coarser than what was
written. Words that name no part (FFPE, punch) or that stand in another clause (``after myocardial
infarction, border zone``) leave the organ as it was. A compound of organ and a part UBERON places
nowhere in that organ is not answered with the organ (uterine smooth muscle: the reviewed table names the
layer, the myometrium)."""

from __future__ import annotations

import pytest

from rnacorpus.harmonize.ontology import annotate_characteristic
from rnacorpus.schemas import Annotation


def _tissue(value: str, organism: str = "human") -> Annotation:
    (found,) = [a for a in annotate_characteristic("tissue", value, organism=organism) if a.field == "tissue"]
    return found


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("stomach corpus, H. pylori infected", "UBERON:0001161"),  # body of stomach
        ("colon crypts", "UBERON:0013485"),  # a plural: crypt of Lieberkuhn of colon
        # an adjective names the part its noun heads (pyloric antrum), not the gland the noun qualifies
        ("gastric antral biopsy", "UBERON:0001165"),
    ],
)
def test_the_one_part_the_word_names_is_the_answer(value: str, term: str) -> None:
    found = _tissue(value, "mouse")
    assert found.term_id == term and found.reason is not None and "names this part" in found.reason


@pytest.mark.parametrize(
    ("value", "word"),
    # "Brain - Caudate (basal ganglia)" is now the caudate nucleus, the one part labelled "caudate
    # <noun>" (test_a_word_naming_one_part_by_its_short_name_beside_the_organ_reads_that_part.py)
    [("Esophagus - Muscularis", "muscularis"), ("brain, dentate", "dentate")],
)
def test_a_word_naming_several_parts_leaves_the_organ_unanswered(value: str, word: str) -> None:
    found = _tissue(value)
    assert found.term_id is None and found.reason is not None
    assert word in found.reason and "coarser" in found.reason


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("FFPE lung tissue", "UBERON:0002048"),
        ("skin punch biopsy", "UBERON:0002097"),
        ("heart tissue after myocardial infarction, border zone", "UBERON:0000948"),  # zone is not beside heart
    ],
)
def test_words_naming_no_part_or_away_from_the_organ_keep_the_organ(value: str, term: str) -> None:
    assert _tissue(value).term_id == term


def test_a_compound_whose_part_uberon_places_nowhere_in_the_organ_is_reported() -> None:
    # the uterus's smooth muscle is the myometrium, a *layer* of smooth muscle in UBERON: neither the
    # uterus alone (coarser) nor the generic smooth muscle is the answer; the reviewed table names the layer
    found = _tissue("uterine smooth muscle")
    assert found.term_id == "UBERON:0001296"
