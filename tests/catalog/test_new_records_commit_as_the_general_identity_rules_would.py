"""A batch of studies and samples the catalog never held takes a shorter path through the identity
rules (read from its packages, one lookup to prove nothing outside it is involved); the catalog it
leaves is the one the general rules leave — with records joined inside a batch, across batches, a
sample naming another series, a SuperSeries re-listing held samples and a study loaded again."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import rnacorpus.catalog.identity as identity
import rnacorpus.catalog.load as load
import rnacorpus.catalog.load_samples as load_samples
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.load import commit_packages, disjoint_batches
from rnacorpus.catalog.package import open_package, sweep_packages, write_package
from rnacorpus.catalog.plan import LoadPlan
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.harvester.geo.synthetic_series import metadata_series, series_accession
from rnacorpus.schemas import CrossRef, StudyBundle
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots


def _restate(bundle: StudyBundle, k: int, db: str, accession: str) -> StudyBundle:
    """Sample ``k`` of ``bundle`` also states ``accession`` (another record's SRX or BioSample)."""
    samples = list(bundle.samples)
    sample = samples[k]
    xrefs = [*sample.xrefs, CrossRef(db=db, accession=accession, relation=db, url=f"https://x/{accession}")]
    samples[k] = sample.model_copy(update={"xrefs": xrefs})
    return dataclasses.replace(bundle, samples=samples)


def _xref(bundle: StudyBundle, k: int, db: str) -> str:
    return next(x.accession for x in bundle.samples[k].xrefs if x.db == db)


def _plans() -> list[LoadPlan]:
    a, b, c, d = (metadata_series(i, n_samples=6) for i in range(4))
    b = _restate(b, 0, "SRA", _xref(a, 0, "SRA"))  # same batch as a: joined inside the batch
    c = _restate(c, 1, "BioSample", _xref(c, 2, "BioSample"))  # two records of one study are one sample
    d = _restate(d, 3, "SRA", _xref(a, 4, "SRA"))  # next batch: joined with a held record
    e = metadata_series(4, n_samples=4)
    e = dataclasses.replace(
        e, samples=[e.samples[0].model_copy(update={"study_accession": series_accession(0)}), *e.samples[1:]]
    )
    gses = [series_accession(i) for i in (0, 1)]
    listed = [s.accession for s in [*a.samples, *b.samples]]
    superseries = metadata_series(5, n_samples=2)
    superseries = dataclasses.replace(
        superseries,
        study=superseries.study.model_copy(update={"sub_series": gses, "sample_accessions": listed}),
        samples=[
            s.model_copy(update={"study_accession": superseries.study.accession}) for s in [*a.samples, *b.samples]
        ],
    )
    again = metadata_series(2, n_samples=5)  # c loaded again with a sample fewer
    bundles = [a, b, c, d, e, superseries, again]
    return [LoadPlan(x, content_sha256=f"{k:064d}", harmonized={s.accession: {} for s in x.samples})
            for k, x in enumerate(bundles)]  # fmt: skip


def _commit(folder: Path) -> Path:
    store = ExpressionStore(folder / "store")
    plans = _plans()
    with writer(folder / "catalog.duckdb") as con:
        for group in ([0, 1, 2], [3, 4], [5], [6]):
            packages = [open_package(store, write_package(store, plans[k])) for k in group]
            for batch in disjoint_batches(packages, 8):
                commit_packages(con, store, batch, run_id="run")
    sweep_packages(store)
    return folder / "catalog.duckdb"


def test_new_records_commit_as_the_general_identity_rules_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    general_calls: list[list[str]] = []
    settle = identity.settle_identity

    def counted(con, studies, seeds, owned):  # type: ignore[no-untyped-def]
        general_calls.append(list(studies))
        settle(con, studies, seeds, owned)

    monkeypatch.setattr(identity, "settle_identity", counted)
    short = _commit(tmp_path / "short")
    # the short path ran for the batches nothing outside touches, and handed the others over
    assert [series_accession(3), series_accession(4)] in general_calls  # d joins a held record
    assert [series_accession(0), series_accession(1), series_accession(2)] not in general_calls

    def general_settle(con, studies, records, files, owned):  # type: ignore[no-untyped-def]
        counted(con, studies, set(records), owned)

    def general_primary(con, packages):  # type: ignore[no-untyped-def]
        load_samples.assign_primary_study(con, sorted({s for p in packages for s in p.sample_accessions}))

    monkeypatch.setattr(identity, "settle_new_records", general_settle)
    monkeypatch.setattr(load, "assign_fresh_primary_study", general_primary)
    general = _commit(tmp_path / "general")
    left = catalog_snapshot(short, root=tmp_path / "short", references=False)
    right = catalog_snapshot(general, root=tmp_path / "general", references=False)
    assert diff_snapshots(left, right) == []
    with writer(short) as con:  # the joins happened (the comparison is not between two empty answers)
        ids = dict(con.execute("SELECT accession, sample_id FROM samples").fetchall())
        primary = dict(con.execute("SELECT accession, study_accession FROM samples").fetchall())
    a, b, c, d = (metadata_series(i, n_samples=6) for i in range(4))
    assert ids[b.samples[0].accession] == ids[a.samples[0].accession] == a.samples[0].accession
    # c loaded again without the shared BioSample and its last sample: apart again, the dropped one gone
    assert ids[c.samples[1].accession] != ids[c.samples[2].accession] and c.samples[5].accession not in ids
    assert ids[d.samples[3].accession] == a.samples[4].accession
    # a record naming a series that does not list it belongs to the series that does
    assert primary[metadata_series(4, n_samples=4).samples[0].accession] == series_accession(4)
    assert primary[a.samples[1].accession] == series_accession(0)  # a SubSeries over its SuperSeries
