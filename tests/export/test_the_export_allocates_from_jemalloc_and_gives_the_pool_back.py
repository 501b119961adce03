"""While an export runs, Arrow allocates from jemalloc (``export_memory.export_memory_pool``: mimalloc,
pyarrow's default, handed each row group's freed pages back to the kernel, so they were fresh — zeroed
— pages again for the next one); the pool the process had is back once the last export ends, also
after an error and when two exports overlap; a process that chose its pool keeps it."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pytest

from rnacorpus.catalog import export_parts
from rnacorpus.catalog.export_memory import export_memory_pool
from tests.export.catalogs import StudySpec, build_catalog, reference_genes

try:
    pa.jemalloc_memory_pool()
except NotImplementedError:  # pragma: no cover - pyarrow built without jemalloc
    pytest.skip("this pyarrow has no jemalloc: the export keeps the default pool", allow_module_level=True)


def _backend() -> str:
    return str(pa.default_memory_pool().backend_name)


@pytest.fixture(autouse=True)
def _system_pool_before(monkeypatch: pytest.MonkeyPatch) -> object:
    """Start from a pool that is not jemalloc, so a switch shows (and leave the default as it was)."""
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    yield
    pa.set_memory_pool(before)


def test_an_export_writes_its_parts_from_jemalloc_and_gives_the_pool_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    genes = reference_genes(9606, "protein_coding", 200)
    catalog = build_catalog(tmp_path / "c", [StudySpec("GSE1", [f"GSM1{j}" for j in range(8)], genes, seed=1)])
    seen: list[str] = []
    write = export_parts._Lane.write

    def noting_the_pool(lane: export_parts._Lane, group: pa.Table) -> None:
        seen.append(_backend())
        write(lane, group)

    monkeypatch.setattr(export_parts._Lane, "write", noting_the_pool)
    catalog.export(tmp_path / "export", genes="protein_coding", normalize="log1p_tpm", splits="train=1")
    assert seen and set(seen) == {"jemalloc"}
    assert _backend() == "system"


def test_overlapping_exports_share_one_switch_undone_by_the_last() -> None:
    first_in, second_out = threading.Event(), threading.Event()
    during: list[str] = []

    def other_export() -> None:
        with export_memory_pool():
            first_in.set()
            second_out.wait(10)
            during.append(_backend())

    with export_memory_pool():
        thread = threading.Thread(target=other_export)
        thread.start()
        first_in.wait(10)
    assert _backend() == "jemalloc"  # the other export still runs
    second_out.set()
    thread.join(10)
    assert during == ["jemalloc"]
    assert _backend() == "system"


def test_an_error_gives_the_pool_back() -> None:
    with pytest.raises(RuntimeError), export_memory_pool():
        assert _backend() == "jemalloc"
        raise RuntimeError("export failed")
    assert _backend() == "system"


def test_a_process_that_chose_its_pool_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    with export_memory_pool():
        assert _backend() == "system"
