"""Compile the pinned ontologies into four Arrow tables, cached on disk keyed by the release pins.

Reading the package's zstd JSON and normalizing ~150 000 names takes seconds; the compiled tables
are written once (temp file, fsync, rename) to ``<cache>/ontology/<release_key>/`` and memory-mapped
on every later start. A cache folder that cannot be written only costs speed, never correctness.

Tables
    terms       term_id, ontology, label, deprecated, replaced_by, scope
    names       term_id, name, kind (label | exact_synonym), casefold, norm, bag — live terms only
    keys        form (casefold | norm | bag | compact), key, term_ids, kinds, names — grouped per lookup key
    closure     descendant_id, ancestor_id, distance (is_a + part_of, self rows at distance 0)
    cell_lines  term_id, label — Cellosaurus (labels only: the package ships no synonyms); their
                compact labels are the ``compact`` form in ``keys``
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as ipc

from rnacorpus.config import Config
from rnacorpus.errors import ConfigError
from rnacorpus.fileio import atomic_write
from rnacorpus.harmonize.ontology.normalize import bag_of, compact, tokens
from rnacorpus.harmonize.ontology.releases import (
    CXG_SCHEMA_VERSION,
    ONTOLOGY_RELEASES,
    check_installed_releases,
    release_key,
)

__all__ = ["TABLE_NAMES", "cache_dir", "compile_tables", "load_tables"]

log = logging.getLogger(__name__)

TABLE_NAMES = ("terms", "names", "keys", "closure", "cell_lines")
#: the name forms looked up, strictest first; each becomes one group in the ``keys`` table
KEY_FORMS = ("casefold", "norm", "bag")
#: ontologies whose terms are matched and closed over (CVCL is read separately, labels only)
HIERARCHICAL = ("UBERON", "CL", "MONDO", "PATO", "EFO", "HsapDv", "MmusDv")

# Scope roots: a term's scope says which harmonized field it may serve.
_UBERON_STAGE_ROOT = "UBERON:0000105"  # life cycle stage: stages, not anatomy
_UBERON_ANATOMY_ROOT = "UBERON:0001062"  # anatomical entity
_PATO_SEX_ROOT = "PATO:0001894"  # phenotypic sex
_PATO_SEX_EXTRA = frozenset({"PATO:0001338"})  # mixed sex (pooled samples) sits elsewhere in PATO
_PATO_NORMAL = "PATO:0000461"
_EFO_ASSAY_ROOT = "EFO:0002694"  # experimental process
_MONDO_DISEASE_ROOT = "MONDO:0000001"  # disease; MONDO also holds "disease characteristic" terms


def cache_dir() -> Path:
    """``$RNACORPUS_ONTOLOGY_CACHE`` or ``<rnacorpus cache>/ontology``."""
    override = os.environ.get("RNACORPUS_ONTOLOGY_CACHE")
    return Path(override) if override else Config.from_env().local_cache_dir / "ontology"


def _scope(ontology: str, term_id: str, ancestors: Mapping[str, int]) -> str:
    if ontology == "UBERON":
        if term_id == _UBERON_STAGE_ROOT or _UBERON_STAGE_ROOT in ancestors:
            return "stage"
        return "tissue" if term_id == _UBERON_ANATOMY_ROOT or _UBERON_ANATOMY_ROOT in ancestors else "other"
    if ontology == "CL":
        return "cell_type"
    if ontology == "MONDO":
        return "disease" if term_id == _MONDO_DISEASE_ROOT or _MONDO_DISEASE_ROOT in ancestors else "other"
    if ontology in {"HsapDv", "MmusDv"}:
        return "stage"
    if ontology == "PATO":
        if term_id == _PATO_NORMAL:
            return "disease"
        return "sex" if term_id in _PATO_SEX_EXTRA or _PATO_SEX_ROOT in ancestors else "other"
    if ontology == "EFO":
        return "assay" if _EFO_ASSAY_ROOT in ancestors else "other"
    return "other"


def _read_package() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    try:
        from cellxgene_ontology_guide.supported_versions import CXGSchema, load_supported_versions
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ConfigError("cellxgene-ontology-guide is not installed; it supplies the ontologies") from exc
    check_installed_releases(load_supported_versions())
    schema = CXGSchema(CXG_SCHEMA_VERSION)
    data = {name: schema.ontology(name) for name in (*HIERARCHICAL, "CVCL")}
    return {name: data[name] for name in HIERARCHICAL}, data["CVCL"]


def _term_rows(ontologies: Mapping[str, dict[str, Any]]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for ontology, terms in ontologies.items():
        for term_id, term in terms.items():
            yield ontology, term_id, term


def compile_tables() -> dict[str, pa.Table]:
    """Read the package (pins checked) and build the four tables in memory."""
    started = time.perf_counter()
    ontologies, cvcl = _read_package()
    terms: dict[str, list[Any]] = {
        k: [] for k in ("term_id", "ontology", "label", "deprecated", "replaced_by", "scope")
    }
    names: dict[str, list[Any]] = {k: [] for k in ("term_id", "name", "kind", "casefold", "norm", "bag")}
    closure: dict[str, list[Any]] = {"descendant_id": [], "ancestor_id": [], "distance": []}
    for ontology, term_id, term in _term_rows(ontologies):
        ancestors: dict[str, int] = term.get("ancestors") or {}
        deprecated = bool(term.get("deprecated"))
        for key, value in zip(
            terms,
            (
                term_id,
                ontology,
                term["label"],
                deprecated,
                term.get("replaced_by"),
                _scope(ontology, term_id, ancestors),
            ),
            strict=True,
        ):
            terms[key].append(value)
        closure["descendant_id"].extend([term_id] * (len(ancestors) + 1))
        closure["ancestor_id"].extend([term_id, *ancestors])
        closure["distance"].extend([0, *ancestors.values()])
        if deprecated:
            continue  # an obsolete term is never a match target
        synonyms = [s for s in dict.fromkeys(term.get("synonyms") or []) if s != term["label"]]
        for name, kind in [(term["label"], "label"), *((s, "exact_synonym") for s in synonyms)]:
            words = tokens(name)
            row = (term_id, name, kind, name.casefold(), " ".join(words), bag_of(words))
            for key, value in zip(names, row, strict=True):
                names[key].append(value)
    names_table = pa.table(names)
    cell_ids = [k for k, v in cvcl.items() if not v.get("deprecated")]
    cell_labels = [cvcl[k]["label"] for k in cell_ids]
    tables = {
        "terms": pa.table(terms),
        "names": names_table,
        "keys": _group_keys(names_table, cell_ids, cell_labels),
        "closure": pa.table(
            {
                "descendant_id": closure["descendant_id"],
                "ancestor_id": closure["ancestor_id"],
                "distance": pa.array(closure["distance"], pa.int16()),
            }
        ),
        "cell_lines": pa.table({"term_id": cell_ids, "label": cell_labels}),
    }
    log.info("compiled ontology index %s in %.1fs", dict(ONTOLOGY_RELEASES), time.perf_counter() - started)
    return tables


def _group_keys(names: pa.Table, cell_ids: list[str], cell_labels: list[str]) -> pa.Table:
    """One row per distinct lookup key and form, listing the terms (and name kinds) behind it.

    Grouping at compile time lets a warm start build its lookup dicts from unique keys only.
    Cell lines are the ``compact`` form (letters and digits only).
    """
    cells = pa.table(
        {
            "compact": [compact(label) for label in cell_labels],
            "term_id": cell_ids,
            "kind": ["label"] * len(cell_ids),
            "name": cell_labels,
        }
    )
    parts = []
    for form, source in [*((form, names) for form in KEY_FORMS), ("compact", cells)]:
        grouped = source.group_by(form, use_threads=False).aggregate(
            [("term_id", "list"), ("kind", "list"), ("name", "list")]
        )
        parts.append(
            pa.table(
                {
                    "form": pa.array([form] * grouped.num_rows),
                    "key": grouped[form],
                    "term_ids": grouped["term_id_list"],
                    "kinds": grouped["kind_list"],
                    "names": grouped["name_list"],
                }
            )
        )
    # Sorted by (form, key) so the index can binary-search a plain list instead of building dicts.
    return pa.concat_tables(parts).sort_by([("form", "ascending"), ("key", "ascending")])


def _write(folder: Path, tables: Mapping[str, pa.Table]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in tables.items():
        # zstd: a third of the size for ~0.1 s more on a warm start
        options = ipc.IpcWriteOptions(compression="zstd")
        with (
            atomic_write(folder / f"{name}.arrow") as handle,
            ipc.new_file(handle, table.schema, options=options) as out,
        ):
            out.write_table(table)


def _read(folder: Path) -> dict[str, pa.Table] | None:
    paths = {name: folder / f"{name}.arrow" for name in TABLE_NAMES}
    if not all(path.exists() for path in paths.values()):
        return None
    try:
        return {name: ipc.open_file(pa.memory_map(str(path))).read_all() for name, path in paths.items()}
    except (OSError, pa.ArrowInvalid) as exc:
        log.warning("ontology index cache in %s is unreadable (%s); rebuilding", folder, exc)
        return None


def load_tables(cache: Path | None = None) -> dict[str, pa.Table]:
    """The compiled tables: from the disk cache when present, else compiled and cached."""
    folder = (cache or cache_dir()) / release_key()
    cached = _read(folder)
    if cached is not None:
        return cached
    tables = compile_tables()
    try:
        _write(folder, tables)
    except OSError as exc:
        log.warning("cannot cache the ontology index in %s (%s); it will be rebuilt next time", folder, exc)
    return tables
