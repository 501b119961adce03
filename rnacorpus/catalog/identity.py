"""One identity per physical sample, whatever archives hold it; one study per study, whatever twins.

Applied by every load, inside its transaction, after the study's rows are in (:func:`apply_identity`).
The rules (``docs/decisions.md`` "Identity"), each order-independent:

1. **Evidence is owned by the load that stated it.** A study's load replaces its ``accessions`` rows
   (every accession each of its sample records states) and its ``study_links`` rows.
2. **Samples sharing a BioSample, an SRA/ENA sample, experiment or run, or naming each other's GSM
   are one physical sample**: records are joined transitively and every record of one cluster gets
   the same ``sample_id`` — the accession of the cluster's best record (GEO before ArrayExpress
   before ENA, then the lowest number), so the id does not depend on load order and is stable
   while the evidence is.
3. **A study's twin in a better-ranked archive absorbs it** (``E-GEOD-n`` is ``GSEn``: GEO wins; an
   ENA study is absorbed by the GEO series or ArrayExpress study that states it). Each of the lower
   twin's records that is the same physical sample as one of the winner's is folded into that
   record: its accessions, runs, data files and expression rows move over, its deposited
   characteristics are kept as ``external_characteristics`` (origin = the twin's record), and the
   record itself leaves ``samples``. When every record folds, the twin leaves ``studies`` for
   ``absorbed_studies`` (with its content hash, so an unchanged twin is not parsed again). What the
   winner lacks — a twin's extra samples — stays, under the twin.
4. **SuperSeries never double-count**: a sample listed by a SuperSeries and its SubSeries is one
   ``samples`` row already (``study_samples`` holds both links); the study links record both ways.
5. **Studies whose samples share a ``sample_id`` are linked** (``shares_samples``): a reanalysis
   that reuses another series' runs is one identity cluster with it, so an export never splits them.

This module holds rule 1 and the order rules 2–5 are applied in; rule 3 is :mod:`.identity_twins`,
rules 2 and 5 :mod:`.identity_ids`, the rows a study states :mod:`.identity_rows`.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from rnacorpus.catalog.identity_batch import BatchFiles, archives_of, involves_held_records, shared_link_rows
from rnacorpus.catalog.identity_ids import link_sharing_studies, recompute_sample_ids, write_ids
from rnacorpus.catalog.identity_rows import (
    accession_rows,
    cluster_ids,
    data_file_rows,
    external_characteristic_rows,
    run_rows,
    study_link_rows,
)
from rnacorpus.catalog.identity_sql import column_of, insert_rows
from rnacorpus.catalog.identity_twins import (
    SAMPLE_OWNED,
    absorb,
    better_twin,
    drop_twin_runs,
    lower_twins,
    studies_with_twins,
)
from rnacorpus.catalog.sql_keys import delete_in
from rnacorpus.schemas import StudyBundle

__all__ = [
    "SAMPLE_OWNED",
    "STUDY_OWNED",
    "apply_identity",
    "settle_identity",
    "settle_new_records",
    "stated_records",
]


def apply_identity(
    con: duckdb.DuckDBPyConnection, bundle: StudyBundle, sample_owned: Sequence[tuple[str, str]] = ()
) -> None:
    """The identity rules for one loaded study (call inside the load transaction, rows already in).

    ``sample_owned``: every table whose rows belong to one sample record (the load's registry), so a
    record folded into its twin leaves nothing behind.
    """
    study = bundle.study.accession
    records = sorted({sample.accession for sample in bundle.samples})
    before = stated_records(con, [study])
    _replace_owned(con, bundle)
    settle_identity(con, [study], set(records) | before, sample_owned)


def stated_records(con: duckdb.DuckDBPyConnection, studies: Sequence[str]) -> set[str]:
    """The sample records ``studies`` stated accessions for (read before their rows are replaced)."""
    sql = "SELECT DISTINCT record_accession FROM accessions WHERE study_accession IN (SELECT unnest(?))"
    return set(column_of(con, sql, [list(studies)])) if studies else set()


def settle_identity(
    con: duckdb.DuckDBPyConnection, studies: Sequence[str], seeds: set[str], sample_owned: Sequence[tuple[str, str]]
) -> None:
    """Rules 2–5 for studies whose rows (identity rows included) were just replaced, in load order.

    ``seeds``: their records now and the ones they stated before. One call may cover many studies
    (a batch of loads): the twins are settled study by study, the sample ids once for all.
    """
    delete_in(con, "absorbed_studies", "accession", studies)  # loaded again: decide again
    seeds = set(seeds)
    with_twins = studies_with_twins(con, studies)
    for study in studies:
        if study not in with_twins:
            continue
        winner = better_twin(con, study)
        if winner is not None:
            seeds |= absorb(con, study, winner, sample_owned)
        for lower in lower_twins(con, study):
            seeds |= absorb(con, lower, study, sample_owned)
        drop_twin_runs(con, winner or study)
    recompute_sample_ids(con, sorted(seeds))


def settle_new_records(
    con: duckdb.DuckDBPyConnection,
    studies: Sequence[str],
    records: set[str],
    files: BatchFiles,
    sample_owned: Sequence[tuple[str, str]],
) -> None:
    """:func:`settle_identity` for a batch of studies and records the catalog never held (``records``),
    with what the rules would read back about them taken from the batch's package ``files``. Where
    nothing outside the batch shares an accession with it and no twin relation names its studies, the
    closure is the batch itself, so the rules reduce to clustering its records — and only records that
    share an accession with another can join one; the rest keep their own accession as id, as they
    arrived. DuckDB answers both questions (:mod:`.identity_batch`) instead of a lookup per rule.
    Anything else takes :func:`settle_identity` (the same result)."""
    if involves_held_records(con, files) or studies_with_twins(con, studies):
        settle_identity(con, studies, records, sample_owned)
        return
    edges = shared_link_rows(con, files)
    linked = sorted({record for record, _ in edges} & records)
    ids = cluster_ids(archives_of(con, files, linked), edges)
    joined = {record for record, sample_id in ids.items() if record != sample_id}  # arrived as their own
    if joined:
        write_ids(con, {**{record: record for record in records}, **ids}, joined)
        link_sharing_studies(con, sorted({ids[r] for r in joined}))


#: tables whose rows a study's load states, with the column naming the owning study (a load package
#: carries them as rows of the study: :mod:`.package`)
STUDY_OWNED = (
    ("accessions", "study_accession", accession_rows),
    ("study_links", "origin", study_link_rows),
    ("runs_sequencing", "catalog_study", run_rows),
    ("data_files", "study_accession", data_file_rows),
    ("external_characteristics", "study_accession", external_characteristic_rows),
)


def _replace_owned(con: duckdb.DuckDBPyConnection, bundle: StudyBundle) -> None:
    """Rule 1: the rows this study states replace the ones it stated before."""
    for table, column, build in STUDY_OWNED:
        con.execute(f"DELETE FROM {table} WHERE {column} = ?", [bundle.study.accession])  # noqa: S608
        insert_rows(con, table, build(bundle))
