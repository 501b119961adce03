"""A batch of new records that join only among themselves is settled on the short path
(:func:`rnacorpus.catalog.identity.settle_new_records`: DuckDB finds the accessions two records
share) and leaves the catalog the general rules leave; a batch a held record is named after is not."""

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
from rnacorpus.harvester.geo.synthetic_series import metadata_series
from rnacorpus.schemas import CrossRef, StudyBundle
from tests.reliability.snapshot import catalog_snapshot, diff_snapshots


def _restate(bundle: StudyBundle, k: int, db: str, accession: str) -> StudyBundle:
    samples = list(bundle.samples)
    xrefs = [*samples[k].xrefs, CrossRef(db=db, accession=accession, relation=db, url=f"https://x/{accession}")]
    samples[k] = samples[k].model_copy(update={"xrefs": xrefs})
    return dataclasses.replace(bundle, samples=samples)


def _xref(bundle: StudyBundle, k: int, db: str) -> str:
    return next(x.accession for x in bundle.samples[k].xrefs if x.db == db)


def _bundles() -> list[StudyBundle]:
    a, b, c, d = (metadata_series(i, n_samples=6) for i in range(4))
    b = _restate(b, 0, "SRA", _xref(a, 0, "SRA"))  # across studies of the batch
    c = _restate(c, 1, "BioSample", _xref(c, 2, "BioSample"))  # two records of one study
    d = _restate(_restate(d, 2, "SRA", _xref(a, 3, "SRA")), 4, "BioSample", _xref(b, 5, "BioSample"))  # a chain
    return [a, b, c, d]


def _commit(path: Path, bundles: list[StudyBundle]) -> None:
    store = ExpressionStore(path.parent / "store")
    plans = [LoadPlan(x, content_sha256=f"{k:064d}", harmonized={s.accession: {} for s in x.samples})
             for k, x in enumerate(bundles)]  # fmt: skip
    packages = [open_package(store, write_package(store, plan)) for plan in plans]
    with writer(path) as con:
        for batch in disjoint_batches(packages, 8):
            commit_packages(con, store, batch, run_id="run")
    sweep_packages(store)


def _general(monkeypatch: pytest.MonkeyPatch, calls: list[list[str]]) -> None:
    settle = identity.settle_identity

    def general_settle(con, studies, records, files, owned):  # type: ignore[no-untyped-def]
        calls.append(list(studies))
        settle(con, studies, set(records), owned)

    def general_primary(con, packages):  # type: ignore[no-untyped-def]
        load_samples.assign_primary_study(con, sorted({s for p in packages for s in p.sample_accessions}))

    monkeypatch.setattr(identity, "settle_new_records", general_settle)
    monkeypatch.setattr(load, "assign_fresh_primary_study", general_primary)


def test_records_joined_inside_one_batch_are_the_general_rules_clusters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    general_calls: list[list[str]] = []
    settle = identity.settle_identity
    monkeypatch.setattr(identity, "settle_identity", lambda *a: (general_calls.append(list(a[1])), settle(*a)))
    short = tmp_path / "short" / "catalog.duckdb"
    _commit(short, _bundles())
    assert general_calls == []  # one batch, nothing held: the short path settled it
    with monkeypatch.context() as patch:
        _general(patch, general_calls)
        general = tmp_path / "general" / "catalog.duckdb"
        _commit(general, _bundles())
    assert general_calls  # the comparison is with the general rules
    left = catalog_snapshot(short, root=short.parent, references=False)
    right = catalog_snapshot(general, root=general.parent, references=False)
    assert diff_snapshots(left, right) == []
    with writer(short) as con:
        ids = dict(con.execute("SELECT accession, sample_id FROM samples").fetchall())
        shares = con.execute("SELECT count(*) FROM study_links WHERE relation = 'shares_samples'").fetchone()
    a, b, c, d = _bundles()
    assert ids[b.samples[0].accession] == ids[a.samples[0].accession] == a.samples[0].accession
    assert ids[c.samples[1].accession] == ids[c.samples[2].accession] == c.samples[1].accession
    assert ids[d.samples[2].accession] == a.samples[3].accession
    assert ids[d.samples[4].accession] == ids[b.samples[5].accession] == b.samples[5].accession
    assert ids[a.samples[1].accession] == a.samples[1].accession  # the others stay their own
    assert shares is not None and shares[0] > 0


def test_a_batch_a_held_record_is_named_after_takes_the_general_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = (metadata_series(i, n_samples=4) for i in range(2))
    path = tmp_path / "catalog.duckdb"
    _commit(path, [a])
    with writer(path) as con:  # a held record carrying a new record's accession as its sample id
        con.execute(
            "UPDATE samples SET sample_id = ? WHERE accession = ?", [b.samples[0].accession, a.samples[0].accession]
        )
    general_calls: list[list[str]] = []
    settle = identity.settle_identity
    monkeypatch.setattr(identity, "settle_identity", lambda *a: (general_calls.append(list(a[1])), settle(*a)))
    _commit(path, [b])
    assert general_calls == [[b.study.accession]]
