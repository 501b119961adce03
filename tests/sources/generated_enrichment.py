"""A generated GEO series with the BioSamples records its samples name, served by a loopback mirror,
and the request counter the batching tests read (requests counted at the local server)."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Container, Iterator
from pathlib import Path

from rnacorpus.harvester.biosamples.synthetic import write_biosample_records
from rnacorpus.harvester.geo.synthetic_series import metadata_series
from rnacorpus.harvester.geo.writer import write_family_soft
from rnacorpus.mirror import MirrorServer
from rnacorpus.mirror.responses import Reply

__all__ = ["CountingMirror", "counting_mirror", "generated_series_folder"]


def generated_series_folder(folder: Path, n_samples: int, *, skip: Container[str] = (), index: int = 0) -> str:
    """Series ``index`` of the generated corpus and its BioSamples records (minus ``skip``) in ``folder``."""
    bundle = metadata_series(index, n_samples=n_samples)
    folder.mkdir(parents=True, exist_ok=True)
    write_family_soft(bundle, folder / f"{bundle.study.accession}_family.soft.gz")
    write_biosample_records(folder, bundle, skip=skip)
    return bundle.study.accession


class CountingMirror:
    """A mirror whose answers are counted by path (``/biosamples/samples`` for the search, the
    per-sample path otherwise), as the server saw them."""

    def __init__(self, server: MirrorServer) -> None:
        self.server = server
        self.paths: Counter[str] = Counter()
        handle = server.router.handle

        def counting(path: str, params: dict[str, str]) -> Reply:
            self.paths[path] += 1
            return handle(path, params)

        server.router.handle = counting  # type: ignore[method-assign]

    @property
    def url(self) -> str:
        return self.server.url

    def biosample_requests(self) -> tuple[int, int]:
        """(search pages, per-sample records) asked of BioSamples."""
        search = sum(n for p, n in self.paths.items() if p.rstrip("/") == "/biosamples/samples")
        single = sum(n for p, n in self.paths.items() if p.startswith("/biosamples/samples/"))
        return search, single


@contextlib.contextmanager
def counting_mirror(folder: Path) -> Iterator[CountingMirror]:
    with MirrorServer(folder) as server:
        yield CountingMirror(server)
