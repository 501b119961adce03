"""Pause one named library function at its n-th call so that a kill -9 test can kill a run there.

Installed from the ``RNACORPUS_TEST_PAUSE`` environment variable (JSON) when this module is imported,
so a kill test puts it in *every* process of a run — the driver and the build workers a process pool
starts — through a ``sitecustomize`` on ``PYTHONPATH`` (:func:`sitecustomize_dir`). The pause is one
shot across processes: the first process to reach it creates the marker file (``O_EXCL``), writes its
pid there and sleeps; the harness reads the pid and kills that process. The real function still
runs; nothing of the product is replaced.

Spec keys: ``module``, ``name`` (dotted attribute path), ``when`` (``before`` / ``after`` the call, or
``inside`` a context manager's body), ``call`` (n, counted per process), ``marker``, ``hold`` (s).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SPEC_ENV = "RNACORPUS_TEST_PAUSE"


def _hold(spec: dict[str, Any]) -> None:
    try:
        fd = os.open(spec["marker"], os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:  # another process paused already: run on
        return
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    time.sleep(spec["hold"])


def install(spec: dict[str, Any]) -> None:
    owner: Any = importlib.import_module(spec["module"])
    *parents, attr = spec["name"].split(".")
    for part in parents:
        owner = getattr(owner, part)
    original = getattr(owner, attr)
    calls = [0]
    counting = threading.Lock()

    def count() -> int:
        """This call's number, taken once at entry: threads of one process (the read-ahead, the build
        pool) call concurrently, and a count read again after the body may already belong to a later call."""
        with counting:
            calls[0] += 1
            return calls[0]

    if spec["when"] == "inside":

        @contextlib.contextmanager
        def inside(*args: Any, **kwargs: Any) -> Iterator[Any]:
            number = count()
            with original(*args, **kwargs) as value:
                yield value
                if number == spec["call"]:
                    _hold(spec)

        setattr(owner, attr, inside)
        return

    @functools.wraps(original)
    def around(*args: Any, **kwargs: Any) -> Any:
        hit = count() == spec["call"]
        if hit and spec["when"] == "before":
            _hold(spec)
        result = original(*args, **kwargs)
        if hit and spec["when"] == "after":
            _hold(spec)
        return result

    setattr(owner, attr, around)


def sitecustomize_dir(folder: Path) -> Path:
    """A folder holding a ``sitecustomize.py`` that imports this module (put it first on PYTHONPATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text("import tests.reliability.pause_hook  # noqa: F401\n")
    return folder


if os.environ.get(SPEC_ENV):
    install(json.loads(os.environ[SPEC_ENV]))
