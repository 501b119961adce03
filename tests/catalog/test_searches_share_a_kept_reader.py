"""Sample searches in a row open the catalog once: a read-only connection is kept for a moment and
closed when idle; a writer, a sandboxed SQL connection or a user's own read-only connection in the same
process is never refused because of it."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

import rnacorpus.catalog.api as catalog_api
from rnacorpus.catalog import reader_pool
from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import writer
from tests.catalog.query_world import query_world


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return query_world(tmp_path_factory, "kept-reader")


def test_a_burst_of_searches_opens_the_file_once(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader_pool.release(path)
    opened: list[Path] = []
    real = catalog_api.connect_reader

    def counting(target: Path, **kwargs: object) -> duckdb.DuckDBPyConnection:
        opened.append(target)
        return real(target, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog_api, "connect_reader", counting)
    cat = Catalog.open(path)
    for _ in range(5):
        assert cat.count(tissue="liver") == 2
        assert cat.samples(tissue="liver", limit=1).num_rows == 1
    assert len(opened) == 1


def test_an_idle_reader_closes_itself(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reader_pool.release(path)
    monkeypatch.setattr(reader_pool, "KEEPALIVE", 0.05)
    Catalog.open(path).count(tissue="liver")
    deadline = time.monotonic() + 5
    while reader_pool.has_anchor(path) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not reader_pool.has_anchor(path)


def test_others_in_this_process_are_not_refused_while_it_is_kept(path: Path) -> None:
    cat = Catalog.open(path)
    cat.count(tissue="liver")
    with duckdb.connect(str(path), read_only=True) as mine:  # a user's own reader shares the instance
        assert mine.execute("SELECT count(*) FROM samples").fetchall() == [(3,)]
    cat.count(tissue="liver")
    assert cat.sql("SELECT count(*) AS n FROM samples").column("n").to_pylist() == [3]  # sandboxed SQL
    cat.count(tissue="liver")
    with writer(path) as con:  # and a writer
        con.execute("UPDATE samples SET title = 'seen' WHERE accession = 'GSM1'")
    assert cat.samples(tissue="brain", columns=["title"]).column("title").to_pylist() == ["seen"]
