"""A local pool's build processes start with the ontology index and its derived tables already loaded
(by the fork server, once), so no build process pays for them on its first study."""

from __future__ import annotations

from rnacorpus.pipeline.executor import build_executor


def _loaded_in_this_process() -> dict[str, int]:
    """What the build process holds before it has built anything (run in the pool)."""
    from rnacorpus.harmonize.ontology import class_heads, index, name_pairs, respell, stage, unread_parts

    return {
        "index": int(index._index is not None),
        "class_heads": class_heads._vocabulary.cache_info().currsize,
        "name_pairs": name_pairs._tissue_names.cache_info().currsize,
        "respell": respell._words.cache_info().currsize,
        "unread_parts": unread_parts._stems.cache_info().currsize,
        "stage": stage._spans.cache_info().currsize,
    }


def test_a_build_process_has_the_ontology_before_its_first_study() -> None:
    pool = build_executor(1, "processes")
    try:
        loaded = pool.submit(_loaded_in_this_process).result(timeout=120)
    finally:
        pool.shutdown()
    assert all(loaded.values()), loaded
