"""The fuzzy match scores only the names whose length can reach the threshold, and finds what scoring
every name finds (:mod:`rnacorpus.harmonize.ontology.fuzzy_window`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from rnacorpus.harmonize.ontology.fuzzy_window import NamesByLength, closest
from rnacorpus.harmonize.ontology.index import FUZZY_THRESHOLD, get_index

# few letters and a space: many names of one length and equal scores, so ties and the bounds are met
_words = st.text(alphabet="abc ", min_size=0, max_size=14)


def _every_name(value: str, names: list[str], threshold: float, limit: int) -> list[tuple[str, float, int]]:
    found = process.extract(value, names, scorer=fuzz.ratio, limit=limit, score_cutoff=threshold)
    return [(name, score, position) for name, score, position in found]


@settings(max_examples=400, deadline=None)
@given(
    names=st.lists(_words, min_size=1, max_size=60),
    value=_words,
    threshold=st.sampled_from([50.0, 70.0, 80.0, 85.0, 90.0, 95.0, 100.0]),
    limit=st.integers(min_value=1, max_value=8),
)
def test_the_names_scored_by_length_give_what_every_name_gives(
    names: list[str], value: str, threshold: float, limit: int
) -> None:
    assert closest(value, NamesByLength.of(names), threshold, limit) == _every_name(value, names, threshold, limit)


def test_a_length_outside_the_window_is_never_scored_yet_answers_match() -> None:
    # a name twice the value's length cannot reach 90: it is outside the slice scored
    names = ["abcdefghij" * 2, "abcdefghij", "abcdefghik", "abcdefgh"]
    by_length = NamesByLength.of(names)
    assert closest("abcdefghij", by_length, 90.0, 5) == _every_name("abcdefghij", names, 90.0, 5)
    assert [hit[2] for hit in closest("abcdefghij", by_length, 90.0, 5)] == [1, 2]


def test_equal_scores_of_names_of_other_lengths_keep_the_names_order() -> None:
    # both score 80 against eight a's (indel distance 4 over 20 letters, 3 over 15): the longer name
    # comes first in the list, the shorter first by length
    names = ["a" * 12, "aaaaaab"]
    assert fuzz.ratio("a" * 8, names[0]) == fuzz.ratio("a" * 8, names[1]) == 80.0
    assert closest("a" * 8, NamesByLength.of(names), 80.0, 5) == _every_name("a" * 8, names, 80.0, 5)
    assert [hit[2] for hit in closest("a" * 8, NamesByLength.of(names), 80.0, 5)] == [0, 1]


def test_misspelled_tissue_names_find_what_the_whole_scope_finds() -> None:
    index = get_index()
    names = index._choices("tissue")[0]
    by_length = index._names_by_length("tissue")
    # each name with one letter changed, dropped or doubled: the values fuzzy matching exists for
    values = []
    for k, name in enumerate(names[:: max(1, len(names) // 150)]):
        cut = k % max(1, len(name))
        values += [name[:cut] + "x" + name[cut + 1 :], name[:cut] + name[cut + 1 :], name[:cut] + name[cut:] + "s"]
    for value in values:
        assert closest(value, by_length, FUZZY_THRESHOLD, 5) == _every_name(value, names, FUZZY_THRESHOLD, 5), value
