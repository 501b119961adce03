"""The cell-type terms the harmonizer picks for one characteristic: what the cell-kind rule tests compare."""

from __future__ import annotations

from rnacorpus.harmonize.ontology import annotate_characteristic


def cell_picks(key: str, value: str, organism: str = "human") -> list[str | None]:
    """The term of each cell-type annotation of ``key: value`` that names a term."""
    found = annotate_characteristic(key, value, organism=organism)
    return [a.term_id for a in found if a.field == "cell_type" and a.term_id]
