"""A build loads the metadata step's ontology tables in a thread of its own, beside the study's parse
(:func:`rnacorpus.pipeline.preload.warm_beside`), once per process.

Here the load is held until the study's parse has begun: under a build that loads the tables only when
the metadata step first needs them, the parse never begins while they load, and the test fails.
The load starts once per process (a second build, or a process forked from a warmed fork server,
starts none) and never holds the build up; a failure there is left to the metadata step, which
meets it on the study and reports it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rnacorpus.mirror import MirrorServer
from rnacorpus.pipeline import preload, worker
from rnacorpus.pipeline.harvest import harvest
from tests.conftest import mirror_config

STUDY = "GSE7774"  # mouse Affymetrix sample tables
WAIT = 60.0


@pytest.fixture
def cold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preload, "_warm", False)


def test_the_tables_load_in_their_own_thread_while_the_parse_runs(
    cold: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, corpus_mirror: MirrorServer
) -> None:
    parsing = threading.Event()
    loaded: list[tuple[str, bool]] = []
    real_load, real_parse = preload._warm_ontology, worker.parse_and_prove

    def load_once_the_parse_runs() -> None:
        loaded.append((threading.current_thread().name, parsing.wait(WAIT)))
        real_load()

    def parse(*args: object, **kwargs: object) -> object:
        parsing.set()
        return real_parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(preload, "_warm_ontology", load_once_the_parse_runs)
    monkeypatch.setattr(worker, "parse_and_prove", parse)
    report = harvest([STUDY], config=mirror_config(tmp_path, corpus_mirror.url, workers=1, executor="threads"))
    assert report.exit_code == 0, [r.message for r in report.failed]
    assert loaded == [("rnacorpus-warm-ontology", True)]


def test_it_starts_once_per_process_and_never_waits(cold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    started: list[str] = []

    def slow_load() -> None:
        started.append(threading.current_thread().name)
        release.wait(WAIT)

    monkeypatch.setattr(preload, "_warm_ontology", slow_load)
    preload.warm_beside()
    preload.warm_beside()  # the first is still loading: returns at once, starts nothing
    release.set()
    assert started == ["rnacorpus-warm-ontology"]


def test_a_warmed_process_starts_none(cold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    monkeypatch.setattr(preload, "_warm_ontology", lambda: started.append("load"))
    preload.warm_build_process()  # what the fork server runs before it forks the build processes
    preload.warm_beside()
    assert started == ["load"]


def test_a_failed_load_is_left_to_the_metadata_step(cold: None, monkeypatch: pytest.MonkeyPatch) -> None:
    done = threading.Event()

    def broken() -> None:
        done.set()
        raise OSError("ontology tables unreadable")

    monkeypatch.setattr(preload, "_warm_ontology", broken)
    failures: list[threading.ExceptHookArgs] = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    preload.warm_beside()
    assert done.wait(WAIT)
    for thread in threading.enumerate():
        if thread.name == "rnacorpus-warm-ontology":
            thread.join(WAIT)
    assert failures == []  # logged at debug, not raised in the thread
