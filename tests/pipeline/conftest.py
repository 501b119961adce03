"""Fixtures of the pipeline tests that serve large gzip bodies from a fault-injecting mirror (a cut
stream, an HTML page): one mirror per test module, and the head a download checks kept small so the
faults land past it. A module asks for them with ``pytestmark = pytest.mark.usefixtures("small_head")``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rnacorpus.harvester import deferred_check
from tests.conftest import corpus_root
from tests.reliability.fault_mirror import FaultMirror


@pytest.fixture(scope="module")
def mirror() -> Iterator[FaultMirror]:
    with FaultMirror(corpus_root()) as server:
        yield server


@pytest.fixture
def small_head(monkeypatch: pytest.MonkeyPatch, mirror: FaultMirror) -> None:
    """32 KB of a body's head checked at download (a child process is told the same), the mirror's
    faults and request log cleared."""
    monkeypatch.setattr(deferred_check, "PREFIX_BYTES", 32 * 1024)
    mirror.clear()
    mirror.reset_log()
