"""Older catalogs upgrade in place, one format at a time; newer ones and readers of old ones are refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from rnacorpus import api
from rnacorpus.catalog import migrations
from rnacorpus.catalog.connection import connect_reader, writer
from rnacorpus.catalog.ddl import CATALOG_FORMAT
from rnacorpus.catalog.migrations import Migration, add_column, apply_migrations, plan_migrations, stored_format
from rnacorpus.errors import ConfigError
from tests.catalog.catalog_fixtures import restore_catalog


def _format(path: Path) -> int | None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return stored_format(con)
    finally:
        con.close()


def test_the_steps_form_one_chain_ending_at_the_current_format() -> None:
    targets = [step.to_format for step in migrations.MIGRATIONS]
    assert targets == list(range(migrations.FIRST_FORMAT + 1, CATALOG_FORMAT + 1))


def test_a_plan_runs_each_missing_step_in_order_and_refuses_gaps_and_downgrades() -> None:
    steps = [Migration(n, f"to {n}", lambda con: None) for n in (2, 3, 4)]
    assert [s.to_format for s in plan_migrations(1, 4, steps)] == [2, 3, 4]
    assert [s.to_format for s in plan_migrations(3, 4, steps)] == [4]
    assert plan_migrations(4, 4, steps) == []
    with pytest.raises(ConfigError, match="newer than this rnacorpus"):
        plan_migrations(5, 4, steps)
    with pytest.raises(ConfigError, match="no migration path"):
        plan_migrations(1, 4, [steps[0], steps[2]])


def test_the_format1_catalog_of_the_first_release_opens_read_write_at_the_current_format(tmp_path: Path) -> None:
    path = restore_catalog(1, tmp_path / "old.duckdb")
    with writer(path) as con:
        assert stored_format(con) == CATALOG_FORMAT
        assert con.execute("SELECT count(*) FROM samples").fetchone() == (27,)
        assert con.execute("SELECT count(*) FROM studies").fetchone() == (4,)
        assert con.execute("SELECT count(*) FROM annotations").fetchone() == (125,)


def test_each_step_commits_with_its_stamp_and_a_failed_step_leaves_the_previous_format(tmp_path: Path) -> None:
    path = restore_catalog(1, tmp_path / "old.duckdb")

    def add_flag(con: duckdb.DuckDBPyConnection) -> None:
        add_column(con, "samples", "migrated_flag", "BOOLEAN")
        con.execute("UPDATE samples SET migrated_flag = true")

    def broken(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk full")

    steps = [Migration(2, "flag samples", add_flag), Migration(3, "broken", broken)]
    con = duckdb.connect(str(path))
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            apply_migrations(con, path, steps, target=3)
        assert stored_format(con) == 2  # the first step stayed committed
        assert con.execute("SELECT bool_and(migrated_flag) FROM samples").fetchone() == (True,)
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "half_done" not in tables  # the failed step rolled back whole

        steps[1] = Migration(3, "fixed", lambda c: add_column(c, "studies", "note", "VARCHAR"))
        assert [s.to_format for s in apply_migrations(con, path, steps, target=3)] == [3]
        assert stored_format(con) == 3
    finally:
        con.close()


def test_a_catalog_newer_than_this_release_is_refused_by_writers_and_readers(tmp_path: Path) -> None:
    path = restore_catalog(1, tmp_path / "future.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE catalog_versions SET value = ? WHERE key = 'catalog_format'", [str(CATALOG_FORMAT + 1)])
    con.close()
    with pytest.raises(ConfigError, match="newer than this rnacorpus"), writer(path):
        pass
    with pytest.raises(ConfigError, match="newer than this rnacorpus"):
        connect_reader(path)
    assert _format(path) == CATALOG_FORMAT + 1


def test_a_reader_refuses_an_older_catalog_and_names_the_command_that_upgrades_it(tmp_path: Path) -> None:
    path = restore_catalog(1, tmp_path / "old.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE catalog_versions SET value = '0' WHERE key = 'catalog_format'")
    con.close()
    with pytest.raises(ConfigError, match="rnacorpus migrate --catalog"):
        connect_reader(path)


def test_migrate_reports_what_it_did_and_is_a_no_op_on_a_current_catalog(tmp_path: Path) -> None:
    path = restore_catalog(1, tmp_path / "old.duckdb")
    first = api.migrate(catalog=path)
    assert first["from_format"] == 1 and first["to_format"] == CATALOG_FORMAT
    assert [s["to_format"] for s in first["steps"]] == list(range(2, CATALOG_FORMAT + 1))
    again = api.migrate(catalog=path)
    assert again["from_format"] == CATALOG_FORMAT and again["steps"] == []
    with pytest.raises(ConfigError, match="no catalog"):
        api.migrate(catalog=tmp_path / "missing.duckdb")
