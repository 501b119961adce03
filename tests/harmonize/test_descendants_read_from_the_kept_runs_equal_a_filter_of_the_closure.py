"""``OntologyIndex.descendants`` reads each ancestor's run of the closure (built once, kept beside the
index) and answers exactly what a filter of the whole closure answers: the same terms, the term itself
included, an unknown ID adding nothing — on the process index (its runs kept on disk and loaded back)
and on a small in-memory index."""

from __future__ import annotations

import pickle
import random

import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.harmonize.ontology import derived
from rnacorpus.harmonize.ontology.index import OntologyIndex, get_index


def _filtered(closure: pa.Table, term_ids: list[str]) -> list[str]:
    rows = closure.filter(pc.is_in(closure["ancestor_id"], pa.array(term_ids, pa.string())))
    return sorted(set(rows["descendant_id"].to_pylist()))


def test_descendants_of_the_pinned_ontology_equal_a_filter_of_its_closure() -> None:
    index = get_index()
    closure = index.tables["closure"]
    ancestors = pc.unique(closure["ancestor_id"]).to_pylist()
    rng = random.Random(26)
    groups = [rng.sample(ancestors, k) for k in (1, 1, 2, 3) for _ in range(40)]
    groups += [["UBERON:0000062"], ["UBERON:0000062", "CL:0000000"], ["NOT:0000000"], [], ["UBERON:0000062", "NOT:1"]]
    for group in groups:
        assert index.descendants(group) == _filtered(closure, group), group


def test_the_runs_are_kept_beside_the_index_and_read_back_the_same() -> None:
    index = get_index()
    index.descendants(["UBERON:0000062"])
    assert index.cache_folder is not None
    kept = sorted((index.cache_folder / derived._FOLDER).glob("descendant_runs-*.pickle"))
    assert kept, "the runs were not kept"
    runs, below = pickle.loads(kept[-1].read_bytes())
    start, stop = runs["UBERON:0000062"]
    assert sorted(set(below.slice(start, stop - start).to_pylist())) == index.descendants(["UBERON:0000062"])


def test_a_small_index_in_memory_answers_from_its_own_closure() -> None:
    pinned = get_index().tables
    closure = pa.table(
        {
            "descendant_id": ["A", "B", "C", "C", "D", "A", "B", "C", "D"],
            "ancestor_id": ["A", "A", "A", "B", "B", "X", "B", "C", "D"],
            "distance": pa.array([0, 1, 2, 1, 1, 3, 0, 0, 0], pa.int16()),
        }
    )
    index = OntologyIndex({**pinned, "closure": closure})
    for group in (["A"], ["B"], ["X"], ["C", "D"], ["Z"], ["A", "Z"]):
        assert index.descendants(group) == _filtered(closure, group), group
