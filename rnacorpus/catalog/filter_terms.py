"""A query filter's text → the ontology terms it means, from the catalog's own tables; or suggestions.

``--tissue brain``, ``--development-stage "mature stage"``, ``--disease MONDO:0005015``: each filter is
resolved against the terms stamped into the catalog (``ontology_terms``: label, exact synonyms,
scope, deprecation), so a label the catalog holds always resolves, and a query needs no ontology
index in memory (a cold CLI stays fast). The order, first hit wins:

1. a CURIE (``UBERON:0000955``, ``uberon_0000955``, ``CVCL_0030``) naming a term of the catalog;
2. exact label or exact synonym, ignoring case, among the field's terms. Within one ontology a label
   beats a synonym; different ontologies each contribute (development stages: HsapDv and MmusDv both
   name "mature stage" — a stage filter without ``--organism`` means both). Deprecated terms count
   only when nothing else matches;
3. a label the catalog's samples hold for that field (whatever release wrote it);
4. the harmonizer's own rules (curated table, normalized and bag-of-words forms; never fuzzy), the
   same that map deposited values — so a filter accepts what a depositor would have written.

When nothing matches, :class:`~rnacorpus.errors.ConfigError` lists the closest names of *that
field's* ontology (fuzzy, labels held by the catalog first). Organisms resolve through the taxon
table. Results are memoized per catalog file state, so repeated API calls resolve once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from rnacorpus.errors import ConfigError

__all__ = ["FIELD_LABEL_COLUMNS", "ResolvedFilter", "resolve_filter", "suggestions"]

#: field → the ontology_terms scope its terms carry
_SCOPES = {
    "tissue": "tissue",
    "cell_type": "cell_type",
    "disease": "disease",
    "sex": "sex",
    "development_stage": "stage",
    "assay": "assay",
    "cell_line": "cell_line",
}
#: field → (samples id column, samples label column) for labels the catalog holds
FIELD_LABEL_COLUMNS = {
    "tissue": ("tissue_id", "tissue_label"),
    "cell_type": ("cell_type_id", "cell_type_label"),
    "disease": ("disease_id", "disease_label"),
    "sex": ("sex_id", "sex_label"),
    "development_stage": ("development_stage_id", "development_stage_label"),
    "assay": ("assay_id", "assay_label"),
    "cell_line": ("cell_line_id", "cell_line"),
}
#: species-specific stage ontologies: with --organism, the other species' stages are left out
_STAGE_ONTOLOGY = {9606: "HsapDv", 10090: "MmusDv"}
_CURIE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9]*)[:_](?P<local>[A-Za-z0-9]+)$")
_SUGGESTIONS = 5


@dataclass(frozen=True)
class ResolvedFilter:
    """One filter as the query applies it: what was asked, the terms, and how they were found."""

    field: str
    text: str
    term_ids: tuple[str, ...]
    #: "curie", "label", "synonym", "catalog_label", "harmonizer", "taxon"
    how: str

    def describe(self, *, descendants: bool = True) -> str:
        """``tissue="brain" (UBERON:0000955 and descendants)`` — for messages echoing the query."""
        shown = ", ".join(self.term_ids[:4]) + (f" … {len(self.term_ids)} terms" if len(self.term_ids) > 4 else "")
        scope = " and descendants" if descendants and self.field not in ("organism", "cell_line") else ""
        return f'{self.field}="{self.text}" ({shown}{scope})'


_memo: dict[tuple[Any, ...], ResolvedFilter] = {}


def resolve_filter(
    con: duckdb.DuckDBPyConnection,
    field: str,
    text: str,
    *,
    organism: int | None = None,
    catalog: Path | None = None,
) -> ResolvedFilter:
    """The terms ``text`` names for ``field`` (see the module docstring), or a ConfigError with suggestions.

    ``organism``: the query's taxon, which narrows development stages to that species' ontology.
    ``catalog``: its path, to memoize per file state (size and mtime); None disables the memo.
    """
    key: tuple[Any, ...] | None = None
    if catalog is not None:
        stat = catalog.stat()
        key = (str(catalog), stat.st_mtime_ns, stat.st_size, field, text, organism)
        if key in _memo:
            return _memo[key]
    resolved = _resolve(con, field, text.strip(), organism)
    if key is not None:
        if len(_memo) > 4096:
            _memo.clear()
        _memo[key] = resolved
    return resolved


def _resolve(con: duckdb.DuckDBPyConnection, field: str, text: str, organism: int | None) -> ResolvedFilter:
    if field == "organism":
        return _organism(text)
    if field not in _SCOPES:
        raise ConfigError(f"cannot filter on {field!r}; known: {', '.join([*_SCOPES, 'organism'])}")
    if not text:
        raise ConfigError(f"--{field.replace('_', '-')} needs a name or a CURIE")
    curie = _curie(text)
    if curie is not None:
        rows = con.execute("SELECT term_id FROM ontology_terms WHERE lower(term_id) = lower(?)", [curie]).fetchall()
        if rows:
            return ResolvedFilter(field, text, (str(rows[0][0]),), "curie")
        raise ConfigError(f"{curie} is not a term this catalog knows{_did_you_mean(con, field, text)}")
    found = _by_name(con, field, text, organism)
    if found is not None:
        return found
    id_column, label_column = FIELD_LABEL_COLUMNS[field]
    held = con.execute(
        f"SELECT DISTINCT {id_column} FROM samples "  # noqa: S608 - fixed column names
        f"WHERE lower({label_column}) = lower(?) AND {id_column} IS NOT NULL ORDER BY 1",
        [text],
    ).fetchall()
    if held:
        return ResolvedFilter(field, text, tuple(str(row[0]) for row in held), "catalog_label")
    harmonized = _harmonizer(field, text, organism)
    if harmonized:
        return ResolvedFilter(field, text, harmonized, "harmonizer")
    flag = "--" + field.replace("_", "-")
    raise ConfigError(
        f'no {_SCOPES[field].replace("_", " ")} term matches {flag} "{text}"{_did_you_mean(con, field, text)}'
    )


def _curie(text: str) -> str | None:
    match = _CURIE.match(text)
    if match is None:
        return None
    prefix, local = match.group("prefix"), match.group("local")
    return f"CVCL_{local}" if prefix.upper() == "CVCL" else f"{prefix}:{local}"


def _stage_allowed(term_id: str, organism: int | None) -> bool:
    own = _STAGE_ONTOLOGY.get(organism or 0)
    if organism is None or own is None:
        return True
    other = set(_STAGE_ONTOLOGY.values()) - {own}
    return term_id.split(":", 1)[0] not in other


def _by_name(con: duckdb.DuckDBPyConnection, field: str, text: str, organism: int | None) -> ResolvedFilter | None:
    rows = con.execute(
        """
        SELECT term_id, ontology, coalesce(deprecated, false), lower(label) = lower($2) AS by_label, replaced_by
        FROM ontology_terms
        WHERE scope = $1
          AND (lower(label) = lower($2) OR list_contains(list_transform(synonyms, lambda s: lower(s)), lower($2)))
        ORDER BY term_id
        """,
        [_SCOPES[field], text],
    ).fetchall()
    if field == "development_stage":
        rows = [row for row in rows if _stage_allowed(str(row[0]), organism)]
    if not rows:
        return None
    current = [row for row in rows if not row[2]]
    chosen = current or rows
    ids: list[str] = []
    for ontology in sorted({str(row[1]) for row in chosen}):
        mine = [row for row in chosen if row[1] == ontology]
        labels = [row for row in mine if row[3]]
        ids += [str(row[4]) if row[2] and row[4] else str(row[0]) for row in (labels or mine)]
    how = "label" if any(row[3] for row in chosen) else "synonym"
    return ResolvedFilter(field, text, tuple(dict.fromkeys(ids)), how)


def _harmonizer(field: str, text: str, organism: int | None) -> tuple[str, ...]:
    """The rules that map deposited values (curated table, normalized forms), without fuzzy matching."""
    from rnacorpus.harmonize.ontology.index import get_index
    from rnacorpus.harmonize.ontology.match import FIELD_SCOPES, match_text

    if field not in FIELD_SCOPES:
        return ()
    taxa: Sequence[int | None] = [organism]
    if field == "development_stage" and organism is None:
        taxa = [None, *_STAGE_ONTOLOGY]  # species-neutral UBERON stages, then each species' own
    found: list[str] = []
    for taxid in taxa:
        match = match_text(field, text, taxid=taxid, fuzzy=False, index=get_index())
        if match is not None:
            found += sorted(match.candidates) if match.ambiguous else [match.term_id]
    return tuple(dict.fromkeys(found))


def _organism(text: str) -> ResolvedFilter:
    from rnacorpus.harmonize.ontology.curated import resolve_taxon, taxa

    try:
        taxid = resolve_taxon(text)
    except ConfigError:
        taxid = None
    if taxid is None:
        names = {name: f"NCBITaxon:{t.taxid}" for t in taxa().values() for name in (t.scientific_name, *t.common_names)}
        hints = _closest(text, names)
        raise ConfigError(
            f'no organism matches --organism "{text}"' + (f"; did you mean: {', '.join(hints)}" if hints else "")
        )
    return ResolvedFilter("organism", text, (f"NCBITaxon:{taxid}",), "taxon")


def suggestions(con: duckdb.DuckDBPyConnection, field: str, text: str, limit: int = _SUGGESTIONS) -> list[str]:
    """The closest names of ``field``'s ontology to ``text``, as ``name (CURIE)``; labels the catalog's
    samples hold come first."""
    id_column, label_column = FIELD_LABEL_COLUMNS[field]
    held = {
        str(label): str(term)
        for term, label in con.execute(
            f"SELECT DISTINCT {id_column}, {label_column} FROM samples "  # noqa: S608 - fixed column names
            f"WHERE {id_column} IS NOT NULL AND {label_column} IS NOT NULL"
        ).fetchall()
    }
    names: dict[str, str] = {}
    for term, label, synonyms in con.execute(
        "SELECT term_id, label, synonyms FROM ontology_terms WHERE scope = ? AND NOT coalesce(deprecated, false)",
        [_SCOPES[field]],
    ).fetchall():
        for name in [label, *(synonyms or [])]:
            if name:
                names.setdefault(str(name), str(term))
    first = _closest(text, held, limit)
    rest = _closest(text, {k: v for k, v in names.items() if k not in held}, limit)
    return list(dict.fromkeys([*first, *rest]))[:limit]


def _closest(text: str, names: dict[str, str], limit: int = _SUGGESTIONS) -> list[str]:
    """Up to ``limit`` names close to ``text`` (one per term), as ``name (CURIE)``."""
    from rapidfuzz import fuzz, process, utils

    hits = process.extract(
        text, list(names), scorer=fuzz.WRatio, processor=utils.default_process, limit=limit * 4, score_cutoff=80
    )
    shown: dict[str, str] = {}
    for name, _, _ in hits:
        shown.setdefault(names[name], f"{name} ({names[name]})")
    return list(shown.values())[:limit]


def _did_you_mean(con: duckdb.DuckDBPyConnection, field: str, text: str) -> str:
    hints = suggestions(con, field, text)
    return "; did you mean: " + ", ".join(hints) if hints else ""
