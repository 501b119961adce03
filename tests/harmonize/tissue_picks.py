"""The tissue terms the harmonizer picks for one characteristic, with the method of each pick: what the
rule tests compare, so a test names the key, the value and what it expects."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic


def tissue_picks(key: str, value: str, organism: str = "human") -> list[tuple[str | None, str]]:
    """``(term_id, method)`` of each tissue annotation of ``key: value`` that names a term."""
    found = annotate_characteristic(key, value, organism=organism)
    return [(a.term_id, a.method) for a in found if a.field == "tissue" and a.term_id]
