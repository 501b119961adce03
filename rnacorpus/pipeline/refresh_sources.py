"""What one source's refresh starts from and what its discoveries mean for the catalog (SQL here).

Each registered source keeps its own watermark (``watermarks.source``). A source's *discoveries*
are records it says changed in the window; this module maps them to the catalog's work:

- a study source (``geo``, ``arrayexpress``, ``ena``): each discovered study is processed itself
  (new ones harvested, held ones re-fetched with revalidation; the content hash decides);
- a source that adds to other sources' studies (``ena``'s runs, ``biosamples``' records): every held
  study that states the discovered accession — a GEO series naming the SRP, a study whose runs or
  samples carry it — is processed again *with enrichment forced* (its own files may be unchanged),
  so new runs or characteristics reach the catalog.

A refresh of every source (no ``--source``) takes only the sources the catalog holds something of
(:func:`holds_anything`); naming a source refreshes it regardless (the way to start following it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb

from rnacorpus.catalog.runs import get_watermark
from rnacorpus.harvester.base import StudyRef

__all__ = ["RefreshState", "SourceWork", "affected_studies", "holds_anything", "read_state", "recheck_candidates"]

#: links by which a held study states an ENA/SRA study of its own
_STUDY_LINKS = ("sra_study", "bioproject", "same_study")


@dataclass(frozen=True)
class RefreshState:
    """What the catalog says about one source before its refresh plans its window."""

    watermark: dt.date | None = None
    catalog_newest: dt.date | None = None
    quarantined: tuple[str, ...] = ()


@dataclass
class SourceWork:
    """One source's share of a refresh: the studies to process and what they stand for."""

    #: catalog studies (or new ones) to process
    refs: list[StudyRef] = field(default_factory=list)
    #: processed with enrichment forced even when their own files are unchanged
    forced: set[str] = field(default_factory=set)
    #: each discovered record → its last-update date and the catalog studies it maps to
    discovered: dict[str, tuple[dt.date | None, list[str]]] = field(default_factory=dict)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] = ()) -> object:
    row = con.execute(sql, list(params)).fetchone()
    return row[0] if row else None


def _newest(con: duckdb.DuckDBPyConnection, source: str) -> dt.date | None:
    """Where a first refresh of ``source`` starts when it has no watermark: the newest date of what
    the catalog holds from it (its studies' last update; for ENA also its runs'; for BioSamples the
    first load of a study carrying BioSample characteristics — their records hold no date we keep)."""
    if source == "biosamples":
        value = _one(
            con,
            "SELECT min(loaded_at)::DATE FROM studies WHERE accession IN "
            "(SELECT study_accession FROM external_characteristics WHERE origin LIKE 'SAM%')",
        )
    else:
        value = _one(
            con,
            "SELECT max(last_update) FROM studies WHERE archive = ? AND NOT coalesce(withdrawn, false)",
            [source],
        )
        if source == "ena":
            runs = _one(con, "SELECT max(last_updated) FROM runs_sequencing")
            value = max((v for v in (value, runs) if v is not None), default=None)  # type: ignore[type-var]
    return value if isinstance(value, dt.date) else None


def read_state(con: duckdb.DuckDBPyConnection, source: str) -> RefreshState:
    quarantined = con.execute("SELECT accession FROM quarantine ORDER BY accession").fetchall()
    return RefreshState(
        watermark=get_watermark(con, source),
        catalog_newest=_newest(con, source),
        quarantined=tuple(str(row[0]) for row in quarantined),
    )


def holds_anything(con: duckdb.DuckDBPyConnection, source: str) -> bool:
    """Whether the catalog holds something ``source`` may have changed (or it has a watermark)."""
    if get_watermark(con, source) is not None:
        return True
    if source == "biosamples":
        return bool(_one(con, "SELECT count(*) FROM accessions WHERE kind = 'biosample'"))
    if source == "ena":
        linked = _one(
            con,
            "SELECT count(*) FROM study_links WHERE relation IN (SELECT unnest(?::VARCHAR[]))",
            [list(_STUDY_LINKS)],
        )
        if linked or _one(con, "SELECT count(*) FROM runs_sequencing"):
            return True
    return bool(_one(con, "SELECT count(*) FROM studies WHERE archive = ?", [source]))


def affected_studies(con: duckdb.DuckDBPyConnection, accessions: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Each discovered accession → the held studies (accession, archive) that state it."""
    wanted = sorted(set(accessions))
    if not wanted:
        return {}
    rows = con.execute(
        """
        WITH wanted AS (SELECT unnest(?::VARCHAR[]) AS acc),
        hits AS (
            SELECT w.acc, s.accession AS study FROM wanted w JOIN studies s ON s.accession = w.acc
            UNION SELECT w.acc, l.study_accession FROM wanted w JOIN study_links l ON l.linked_accession = w.acc
                   AND l.relation IN (SELECT unnest(?::VARCHAR[]))
            UNION SELECT w.acc, r.catalog_study FROM wanted w JOIN runs_sequencing r
                   ON w.acc IN (r.run_accession, r.experiment_accession, r.study_accession,
                                r.secondary_study_accession, r.sample_accession)
            UNION SELECT w.acc, a.study_accession FROM wanted w JOIN accessions a ON a.accession = w.acc
        )
        SELECT h.acc, s.accession, s.archive FROM hits h JOIN studies s ON s.accession = h.study
        ORDER BY 1, 2
        """,
        [wanted, list(_STUDY_LINKS)],
    ).fetchall()
    out: dict[str, list[tuple[str, str]]] = {}
    for accession, study, archive in rows:
        out.setdefault(str(accession), []).append((str(study), str(archive)))
    return out


def recheck_candidates(
    con: duckdb.DuckDBPyConnection, source: str, exclude: Sequence[str], limit: int
) -> list[StudyRef]:
    """Held studies to re-check, the ones no run has looked at for longest first.

    Withdrawn ones are included: a series GEO serves again (files back, same dates, so no search
    lists it) becomes visible again. The run log is the rotation state: ``run_items`` records every
    study a run processed, so a bounded check per run reaches every study over successive runs.
    """
    rows = con.execute(
        """
        SELECT s.accession
        FROM studies s
        LEFT JOIN (SELECT accession, max(finished) AS seen FROM run_items GROUP BY accession) r
               ON r.accession = s.accession
        WHERE s.archive = ? AND s.accession NOT IN (SELECT unnest(?))
        ORDER BY r.seen NULLS FIRST, s.accession
        LIMIT ?
        """,
        [source, list(exclude), limit],
    ).fetchall()
    return [StudyRef(accession=str(row[0]), source=source) for row in rows]
