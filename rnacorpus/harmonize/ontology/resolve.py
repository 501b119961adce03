"""Query-side helpers: a name or CURIE → term IDs, and the term / closure tables for the catalog."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from rnacorpus.errors import ConfigError
from rnacorpus.harmonize.ontology.cell_lines import find_cell_line
from rnacorpus.harmonize.ontology.curated import resolve_taxon, taxa
from rnacorpus.harmonize.ontology.index import get_index
from rnacorpus.harmonize.ontology.match import FIELD_SCOPES, match_text
from rnacorpus.harmonize.ontology.mentions import tokenize
from rnacorpus.harmonize.ontology.releases import ONTOLOGY_RELEASES, TAXON_TABLE_RELEASE

__all__ = ["FIELD_ALIASES", "canonical_field", "ontology_tables", "resolve_terms"]

#: spellings a user may give for a field (CLI flags, API keywords)
FIELD_ALIASES = {
    "tissue": "tissue",
    "cell_type": "cell_type",
    "cell-type": "cell_type",
    "cell type": "cell_type",
    "disease": "disease",
    "sex": "sex",
    "development_stage": "development_stage",
    "development-stage": "development_stage",
    "stage": "development_stage",
    "assay": "assay",
    "organism": "organism",
    "cell_line": "cell_line",
    "cell-line": "cell_line",
}
_CURIE = re.compile(r"^(?P<prefix>[A-Za-z][A-Za-z0-9]*)[:_](?P<local>[A-Za-z0-9]+)$")


def canonical_field(field: str) -> str:
    name = FIELD_ALIASES.get(field.strip().lower())
    if name is None:
        raise ConfigError(f"unknown field {field!r}; known: {', '.join(sorted(set(FIELD_ALIASES.values())))}")
    return name


def _curie(text: str) -> str | None:
    match = _CURIE.match(text.strip())
    if match is None:
        return None
    prefix, local = match.group("prefix"), match.group("local")
    known = {name.lower(): name for name in (*ONTOLOGY_RELEASES, "NCBITaxon")}
    prefix = known.get(prefix.lower(), prefix)
    return f"CVCL_{local}" if prefix == "CVCL" else f"{prefix}:{local}"


def resolve_terms(field: str, name_or_curie: str) -> list[str]:
    """``("tissue", "brain")`` → ``["UBERON:0000955"]``; a CURIE is checked and returned as is.

    Names go through the same rules as deposited values (curated table, labels, synonyms,
    normalized forms; never fuzzy). A name that several terms share returns all of them. Unknown
    names and CURIEs return ``[]``; the caller decides whether that is an error.
    """
    name = canonical_field(field)
    text = name_or_curie.strip()
    index = get_index()
    curie = _curie(text)
    if curie is not None:
        if name == "organism":
            taxid = int(curie.split(":", 1)[1]) if curie.startswith("NCBITaxon:") else None
            return [curie] if taxid is not None else []
        return [curie] if index.exists(curie) and not index.deprecated(curie) else []
    if name == "organism":
        try:
            taxid = resolve_taxon(text)
        except ConfigError:
            return []
        return [] if taxid is None else [f"NCBITaxon:{taxid}"]
    if name == "cell_line":
        hit = find_cell_line(tokenize(text), text, None, index, line_key=True)
        return [hit.term_id] if hit is not None and hit.term_id else []
    if name not in FIELD_SCOPES:
        return []
    found = match_text(name, text, fuzzy=False, index=index)
    if found is None:
        return []
    return sorted(found.candidates) if found.ambiguous else [found.term_id]


def _release(ontology: pa.ChunkedArray) -> pa.Array:
    stamps = {name: f"{name} {version}" for name, version in ONTOLOGY_RELEASES.items()}
    return pa.array([stamps.get(name) for name in ontology.to_pylist()], pa.string())


def ontology_tables() -> tuple[pa.Table, pa.Table]:
    """(terms, closure) for the catalog's ``ontology_terms`` and ``ontology_closure``.

    terms: every term of the pinned ontologies (UBERON, CL, MONDO, PATO, EFO, HsapDv, MmusDv), the
    Cellosaurus lines and our taxon table, with label, scope, exact synonyms and release.
    closure: every (ancestor, descendant) pair over is_a and part_of, self pairs included, so that
    "all samples under brain" is ``tissue_id IN (SELECT descendant_id … WHERE ancestor_id = …)``.
    """
    index = get_index()
    terms = index.tables["terms"]
    names = index.tables["names"]
    synonym_rows = names.filter(pc.equal(names["kind"], "exact_synonym"))
    by_term: dict[str, list[str]] = {}
    for term_id, synonym in zip(synonym_rows["term_id"].to_pylist(), synonym_rows["name"].to_pylist(), strict=True):
        by_term.setdefault(term_id, []).append(synonym)
    synonyms = pa.array([by_term.get(term_id) for term_id in terms["term_id"].to_pylist()], pa.list_(pa.string()))
    merged = terms.append_column("synonyms", synonyms).append_column("release", _release(terms["ontology"]))
    cells = index.tables["cell_lines"]
    cell_rows = pa.table(
        {
            "term_id": cells["term_id"],
            "ontology": pa.array(["CVCL"] * cells.num_rows),
            "label": cells["label"],
            "deprecated": pa.array([False] * cells.num_rows),
            "replaced_by": pa.nulls(cells.num_rows, pa.string()),
            "scope": pa.array(["cell_line"] * cells.num_rows),
            "synonyms": pa.nulls(cells.num_rows, pa.list_(pa.string())),
            "release": pa.array([f"CVCL {ONTOLOGY_RELEASES['CVCL']}"] * cells.num_rows),
        }
    )
    taxon_rows = pa.table(
        {
            "term_id": [t.term_id for t in taxa().values()],
            "ontology": ["NCBITaxon"] * len(taxa()),
            "label": [t.scientific_name for t in taxa().values()],
            "deprecated": [False] * len(taxa()),
            "replaced_by": pa.nulls(len(taxa()), pa.string()),
            "scope": ["organism"] * len(taxa()),
            "synonyms": [list(t.common_names) for t in taxa().values()],
            "release": [f"NCBITaxon {TAXON_TABLE_RELEASE}"] * len(taxa()),
        }
    )
    schema = cell_rows.schema
    all_terms = pa.concat_tables([merged.select(schema.names).cast(schema), cell_rows, taxon_rows.cast(schema)])
    closure = index.tables["closure"].select(["ancestor_id", "descendant_id", "distance"])
    return all_terms, closure
