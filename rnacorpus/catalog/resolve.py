"""Any accession → the catalog's one sample (or study) it names, with every other accession of it.

``GSM1089365``, ``SRR…``, ``SAMN…``, an ArrayExpress source (``E-GEOD-44719:GSM1089365 1``) all
resolve to the same ``sample_id``; a study accession resolves to the study the catalog keeps for it
(``E-GEOD-44719`` → ``GSE44719`` once GEO's copy is loaded). Read-only queries, bound parameters.
"""

from __future__ import annotations

from typing import Any

import duckdb

__all__ = ["resolve_accession"]


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sample_id(con: duckdb.DuckDBPyConnection, accession: str) -> str | None:
    row = con.execute(
        """SELECT sample_id FROM samples WHERE accession = ? AND sample_id IS NOT NULL
           UNION SELECT sample_id FROM accessions WHERE accession = ? LIMIT 1""",
        [accession, accession],
    ).fetchone()
    return str(row[0]) if row else None


def resolve_accession(con: duckdb.DuckDBPyConnection, accession: str) -> dict[str, Any]:
    """What the catalog holds for ``accession``: ``{"query", "kind", …}``; ``kind`` None when nothing."""
    text = accession.strip()
    sample_id = _sample_id(con, text)
    if sample_id is not None:
        return _sample(con, text, sample_id)
    study = _study(con, text)
    if study is not None:
        return study
    return {"query": text, "kind": None}


def _sample(con: duckdb.DuckDBPyConnection, query: str, sample_id: str) -> dict[str, Any]:
    records = _dicts(
        con,
        """SELECT accession, study_accession, archive, title, source_name, organism_taxid, platform_accession,
                  library_strategy, tissue_label, cell_type_label, disease_label, sex_label
           FROM samples WHERE sample_id = ? ORDER BY accession""",
        [sample_id],
    )
    accessions = _dicts(
        con,
        """SELECT accession, archive, kind, string_agg(DISTINCT evidence, '; ' ORDER BY evidence) AS evidence,
                  string_agg(DISTINCT study_accession, ', ' ORDER BY study_accession) AS stated_by
           FROM accessions WHERE sample_id = ?
           GROUP BY accession, archive, kind ORDER BY kind, accession""",
        [sample_id],
    )
    runs = _dicts(
        con,
        """SELECT DISTINCT run_accession, experiment_accession, sample_accession, secondary_sample_accession,
                  study_accession, secondary_study_accession, library_strategy, library_layout, instrument_model,
                  read_count, base_count, fastq_ftp
           FROM runs_sequencing WHERE sample_id = ? ORDER BY run_accession""",
        [sample_id],
    )
    studies = [
        str(row[0])
        for row in con.execute(
            """SELECT DISTINCT ss.study_accession FROM study_samples ss
               JOIN samples s ON s.accession = ss.sample_accession WHERE s.sample_id = ? ORDER BY 1""",
            [sample_id],
        ).fetchall()
    ]
    return {
        "query": query,
        "kind": "sample",
        "sample_id": sample_id,
        "records": records,
        "accessions": accessions,
        "runs": runs,
        "studies": studies,
    }


def _study(con: duckdb.DuckDBPyConnection, query: str) -> dict[str, Any] | None:
    held = con.execute(
        "SELECT accession, archive, title, n_samples FROM studies WHERE accession = ?", [query]
    ).fetchone()
    absorbed = con.execute("SELECT absorbed_into FROM absorbed_studies WHERE accession = ?", [query]).fetchone()
    canonical = str(absorbed[0]) if absorbed else (str(held[0]) if held else None)
    if canonical is None:
        # a study accession the catalog only knows as a link (an SRP of a loaded GSE, a BioProject …)
        linked = con.execute(
            """SELECT study_accession FROM study_links WHERE linked_accession = ?
               AND study_accession IN (SELECT accession FROM studies) ORDER BY study_accession LIMIT 1""",
            [query],
        ).fetchone()
        canonical = str(linked[0]) if linked else None
    if canonical is None:
        return None
    study = _dicts(con, "SELECT accession, archive, title, n_samples FROM studies WHERE accession = ?", [canonical])
    links = _dicts(
        con,
        """SELECT DISTINCT study_accession, linked_accession, relation, rule FROM study_links
           WHERE study_accession IN (?, ?) OR linked_accession IN (?, ?)
           ORDER BY relation, study_accession, linked_accession""",
        [query, canonical, query, canonical],
    )
    return {
        "query": query,
        "kind": "study",
        "study_accession": canonical,
        "study": study[0] if study else None,
        "absorbed_into": str(absorbed[0]) if absorbed else None,
        "links": links,
    }
