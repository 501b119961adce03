"""The driver's rate-limit service closes at the end of a run even when a build process just connected.

``BucketService.close`` wakes its accepting thread with a connection. When that thread had just
accepted a build process and saw the closing flag before accepting again, an authenticated wake-up
connection waited for a challenge nobody would send, and the run never ended (seen as a hung
``--workers 4`` test: about 4 closes in 10 hung). Each close here must return within seconds.
"""

from __future__ import annotations

import threading
from multiprocessing.connection import Client

from rnacorpus.config import Config
from rnacorpus.pipeline.pool_limits import BucketService

ROUNDS = 40


def _connect(address: object, key: bytes) -> None:
    try:
        with Client(address, authkey=key):  # type: ignore[arg-type]
            pass
    except (OSError, EOFError):
        pass


def test_close_returns_right_after_a_build_process_connected() -> None:
    hung = 0
    for _ in range(ROUNDS):
        service = BucketService(Config())
        address, key = service.address
        client = threading.Thread(target=_connect, args=(address, key), daemon=True)
        client.start()
        client.join(timeout=10)
        closer = threading.Thread(target=service.close, daemon=True)
        closer.start()
        closer.join(timeout=5)
        hung += closer.is_alive()
        assert not service._accepter.is_alive() or closer.is_alive()
    assert hung == 0, f"{hung} of {ROUNDS} closes did not return"
