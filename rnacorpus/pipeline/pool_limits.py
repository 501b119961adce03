"""The driver's token buckets, shared with its local build processes (``--workers N``, no scheduler).

With N > 1 local workers, studies are built in N processes, and a build asks archives itself:
enrichment (ENA runs, BioSamples records of the study's samples) runs inside ``build_study``, through
each process's own HTTP client. With a bucket per process, N workers sent N times an EBI service's
limit (``benchmarks/bench_cluster.py``, ``local-4``: 19 BioSamples requests in one second against a
cap of 10 with bursts of 2). So, as the Dask scheduler does for a cluster
(:mod:`.cluster_limits`), the driver serves one set of buckets: a thread accepting connections on a
private socket (:mod:`multiprocessing.connection`, authenticated by a random key), and every build
process, started with the address, takes each request's token there — one local round trip (well
under a millisecond, against 100 ms between two tokens at 10 requests/s). The driver's own client
takes its tokens from the same buckets, so each archive's limit holds for the machine as a whole.
"""

from __future__ import annotations

import contextlib
import secrets
import socket
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from rnacorpus.config import Config
from rnacorpus.errors import TransientError
from rnacorpus.pipeline.cluster_limits import SharedBuckets, SharedRateLimiter

__all__ = ["BucketService", "ServiceAddress", "join", "pool_limiter"]

#: where a build process reaches the driver's buckets: (socket address, key)
ServiceAddress = tuple[Any, bytes]


class BucketService:
    """In the driver: its buckets, served to the build processes until :meth:`close`."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.buckets = SharedBuckets()
        self._key = secrets.token_bytes(32)
        self._listener = Listener(authkey=self._key)  # a Unix socket in a private temp folder on Linux
        self._closed = threading.Event()
        self._accepter = threading.Thread(target=self._accept, name="rnacorpus-rate-limits", daemon=True)
        self._accepter.start()

    @property
    def address(self) -> ServiceAddress:
        return (self._listener.address, self._key)

    def limiter(self) -> SharedRateLimiter:
        """The driver's own limiter: the same buckets, without the socket."""
        return SharedRateLimiter(self.config.limits, self.buckets.reserve)

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        # accept() does not return when its socket is closed from another thread: wake it with a
        # connection. A bare socket, not an authenticated Client: a Client waits for the challenge,
        # forever if the accepter already left its loop (it saw the flag between two accepts); a bare
        # socket only queues, and if accepted it fails the handshake, which ends the loop too.
        address = self._listener.address
        with contextlib.suppress(OSError), socket.socket(_family(address)) as wake:
            wake.settimeout(1.0)
            wake.connect(address)
        self._accepter.join(timeout=5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn = self._listener.accept()
            except (OSError, EOFError, AuthenticationError):  # a stranger, or a client gone mid-handshake
                continue
            threading.Thread(target=self._serve, args=(conn,), name="rnacorpus-rate-client", daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        with conn:
            while not self._closed.is_set():
                try:
                    key, rate, burst = conn.recv()
                    conn.send(self.buckets.reserve(str(key), float(rate), int(burst)))
                except (OSError, EOFError):  # the build process ended
                    return


def _family(address: Any) -> socket.AddressFamily:
    """The socket family of a :class:`Listener` address: a path (Unix socket) or (host, port)."""
    return socket.AF_UNIX if isinstance(address, str | bytes) else socket.AF_INET


# -- in a build process ------------------------------------------------------------------------------

_served: ServiceAddress | None = None
_connections = threading.local()


def join(address: ServiceAddress | None) -> None:
    """A build process's initializer: take tokens from the driver at ``address`` from now on."""
    global _served
    _served = address


def pool_limiter(config: Config) -> SharedRateLimiter | None:
    """In a build process of a local pool started by :func:`join`: a limiter through the driver's
    buckets (None elsewhere: the driver, a thread beside it, a Dask worker)."""
    served = _served
    if served is None:
        return None

    def call(key: str, rate: float, burst: int) -> float:
        conn: Connection | None = getattr(_connections, "conn", None)
        try:
            if conn is None:
                conn = _connections.conn = Client(served[0], authkey=served[1])
            conn.send((key, rate, burst))
            return float(conn.recv())
        except (OSError, EOFError) as exc:  # the driver stopped serving (it ended or died)
            _connections.conn = None
            raise TransientError(f"the driver's rate limits are unreachable: {exc}") from exc

    return SharedRateLimiter(config.limits, call)
