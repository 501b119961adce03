"""What hears the progress of long work (a harvest's studies, an export's shards).

It lives at the root so that both the pipeline and the catalog (which must not import the pipeline)
speak to the same shape; the CLI's rich progress bar implements it.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["NullProgress", "Progress"]


class Progress(Protocol):
    def start(self, total: int | None) -> None: ...

    def advance(self, accession: str, outcome: str) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    """Progress nobody watches (library calls, tests)."""

    def start(self, total: int | None) -> None:
        return None

    def advance(self, accession: str, outcome: str) -> None:
        return None

    def close(self) -> None:
        return None
