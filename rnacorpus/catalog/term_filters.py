"""Ancestor-aware filter predicates on ``samples``: which column a field lives in, and the SQL that
selects a set of terms (and, through ``ontology_closure``, everything under them).

Kept apart from :mod:`.ontology_tables` (which loads the ontology references) so that a query imports
no harmonizer code. Term IDs are bound, never interpolated; only whitelisted column names and a
checked alias enter the SQL text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rnacorpus.errors import ConfigError

__all__ = ["FILTER_COLUMNS", "field_filter"]

#: field → (samples column, whether the closure applies); the only columns a filter can name
FILTER_COLUMNS: dict[str, tuple[str, bool]] = {
    "tissue": ("tissue_id", True),
    "cell_type": ("cell_type_id", True),
    "disease": ("disease_id", True),
    "sex": ("sex_id", True),
    "development_stage": ("development_stage_id", True),
    "assay": ("assay_id", True),
    "cell_line": ("cell_line_id", False),
    "organism": ("organism_taxid", False),
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def field_filter(
    field: str, term_ids: Sequence[str | int], *, descendants: bool = True, alias: str = "samples"
) -> tuple[str, list[Any]]:
    """SQL predicate and its parameters selecting samples whose ``field`` is one of ``term_ids``.

    With ``descendants`` (the default) a sample annotated with any descendant term matches too
    (``tissue`` brain → hippocampus, cerebellum; not spinal cord). Term IDs are bound, never
    interpolated; only the whitelisted column name and the checked ``alias`` enter the SQL text.
    """
    if field not in FILTER_COLUMNS:
        raise ConfigError(f"cannot filter on {field!r}; known: {', '.join(FILTER_COLUMNS)}")
    if not _IDENTIFIER.match(alias):
        raise ConfigError(f"bad table alias {alias!r}")
    column, closed = FILTER_COLUMNS[field]
    if field == "organism":
        taxids = [int(str(t).split(":")[-1]) for t in term_ids]
        return f"{alias}.{column} IN (SELECT unnest(?::INTEGER[]))", [taxids]
    ids = [str(t) for t in term_ids]
    if descendants and closed:
        # the terms themselves too: a term of another release (held by older catalog rows) has no closure row
        closure = (
            "SELECT descendant_id FROM ontology_closure WHERE ancestor_id IN (SELECT unnest(?::VARCHAR[])) "
            "UNION SELECT unnest(?::VARCHAR[])"
        )
        return f"{alias}.{column} IN ({closure})", [ids, ids]
    return f"{alias}.{column} IN (SELECT unnest(?::VARCHAR[]))", [ids]
