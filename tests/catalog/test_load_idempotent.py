"""Loading the same study twice changes nothing; a changed study replaces exactly its own rows."""

from __future__ import annotations

from pathlib import Path

from rnacorpus.catalog.connection import connect_reader
from rnacorpus.catalog.store import ExpressionStore
from tests.builders import make_bundle

TABLES = (
    "studies",
    "samples",
    "sample_characteristics",
    "study_samples",
    "expression_shards",
    "expression_samples",
)


def counts(catalog_path: Path) -> dict[str, int]:
    con = connect_reader(catalog_path, sandbox=False)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # type: ignore[index]
    finally:
        con.close()


def shard_files(store: ExpressionStore) -> set[str]:
    return {p.relative_to(store.root).as_posix() for p in store.root.rglob("*.parquet")}


def test_second_load_of_same_content_is_unchanged(load, catalog_path: Path, store: ExpressionStore) -> None:
    bundle = make_bundle("GSE100", ["GSM1", "GSM2", "GSM3"])
    assert load(bundle, "hash-a") == "new"
    before, files_before = counts(catalog_path), shard_files(store)
    assert load(make_bundle("GSE100", ["GSM1", "GSM2", "GSM3"]), "hash-a") == "unchanged"
    assert counts(catalog_path) == before
    assert shard_files(store) == files_before
    assert before["samples"] == 3 and before["sample_characteristics"] == 6 and before["expression_samples"] == 3


def test_changed_study_replaces_its_rows_and_shard(load, catalog_path: Path, store: ExpressionStore) -> None:
    load(make_bundle("GSE100", ["GSM1", "GSM2", "GSM3"]), "hash-a")
    load(make_bundle("GSE200", ["GSM9"]), "hash-z")
    assert load(make_bundle("GSE100", ["GSM1", "GSM2"], seed=5), "hash-b") == "updated"
    after = counts(catalog_path)
    assert after["samples"] == 3  # GSM3 left with the new version; GSE200's GSM9 untouched
    assert after["expression_shards"] == 2
    assert len(shard_files(store)) == 2  # the replaced shard file is gone
    con = connect_reader(catalog_path, sandbox=False)
    assert con.execute("SELECT count(*) FROM samples WHERE accession = 'GSM3'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM sample_characteristics WHERE sample_accession='GSM3'").fetchone() == (0,)
    con.close()


def test_shard_values_round_trip(load, catalog_path: Path, store: ExpressionStore) -> None:
    bundle = make_bundle("GSE100", ["GSM1", "GSM2"], features=["a", "b", "c"])
    load(bundle, "hash-a")
    con = connect_reader(catalog_path, sandbox=False)
    path, sha = con.execute("SELECT path, sha256 FROM expression_shards").fetchone()  # type: ignore[misc]
    con.close()
    shard = store.read(path, sha256=sha)
    assert shard.sample_accessions == ["GSM1", "GSM2"]
    assert shard.feature_ids == ["a", "b", "c"]
    assert (shard.values == bundle.expression[0].values).all()
