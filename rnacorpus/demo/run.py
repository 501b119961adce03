"""``rnacorpus demo``: the whole product on one machine, offline, through the real HTTP path.

Steps: write GEO-format files for five series → serve them on loopback with the mirror under GEO's
URL paths → discover them through E-utilities and harvest them (the same code that talks to NCBI)
→ harvest again to show that nothing changes → query the catalog → export a split training set,
verify its manifest, and end by reading a few batches of each split back through
``rnacorpus.read.iter_batches``, as a training loop would.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnacorpus import __version__
from rnacorpus.catalog.api import Catalog
from rnacorpus.catalog.connection import writer
from rnacorpus.catalog.export import ExportResult, verify_export
from rnacorpus.config import Config
from rnacorpus.demo.archives import ArchivesResult, show_archives
from rnacorpus.demo.files import write_demo_archive
from rnacorpus.demo.suppl_study import write_suppl_study
from rnacorpus.fileio import atomic_write
from rnacorpus.harvester.base import DiscoveryQuery
from rnacorpus.mirror import MirrorServer
from rnacorpus.outfolder import FolderKind, build_folder
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.report import NullProgress, Progress, RunReport
from rnacorpus.read import iter_batches

__all__ = ["DEMO_EXPORT", "DEMO_FOLDER", "DEMO_QUERY", "DemoResult", "run_demo"]

#: the demo's training set: its two human series — RNA-seq counts and array intensities, so units
#: differ and --allow-mixed says that is wanted — on protein-coding genes, one series per split
#: (with two series the seed decides which split gets which; this one separates them)
DEMO_EXPORT: dict[str, Any] = {
    "organism": "human",
    "genes": "protein_coding",
    "allow_mixed": True,
    "splits": "train=0.5,test=0.5",
    "seed": "demo",
}

#: a demo folder: a new run replaces it only when its listing names every file in it (all ours)
DEMO_FOLDER = FolderKind(
    listing="rnacorpus-demo.json", format_prefix="rnacorpus-demo/", what="rnacorpus demo folder", overwrite_flag=None
)

#: what the demo shows after loading: one row per study, harmonized fields side by side
DEMO_QUERY = """
SELECT s.study_accession, s.organism_name AS organism, count(*) AS samples,
       string_agg(DISTINCT s.tissue_label, ', ') AS tissues,
       string_agg(DISTINCT s.disease_label, ', ') AS diseases,
       string_agg(DISTINCT s.unit, ', ') AS units
FROM samples s
GROUP BY ALL ORDER BY s.study_accession
"""


@dataclass
class DemoResult:
    folder: Path
    files: list[Path] = field(default_factory=list)
    mirror_url: str = ""
    first: RunReport | None = None
    second: RunReport | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    export: ExportResult | None = None
    problems: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    #: issue 12's part: the E-GEOD twin folded into its series, the runs ENA lists (rnacorpus.demo.archives)
    archives: ArchivesResult | None = None

    @property
    def ok(self) -> bool:
        return (
            self.first is not None
            and self.first.exit_code == 0
            and self.second is not None
            and self.second.counts["unchanged"] == len(self.second.results)
            and not self.problems
            and bool(self.batches)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "files": [str(p) for p in self.files],
            "mirror": self.mirror_url,
            "harvest": self.first.to_dict() if self.first else None,
            "reharvest": self.second.to_dict() if self.second else None,
            "query": {"sql": DEMO_QUERY.strip(), "rows": self.rows},
            "export": self.export.to_dict() if self.export else None,
            "manifest_problems": self.problems,
            "batches": self.batches,
            "archives": self.archives.to_dict() if self.archives else None,
            "ok": self.ok,
        }


def run_demo(
    folder: Path,
    *,
    progress: Progress | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> DemoResult:
    """Run the demo into ``folder``; returns what each step produced.

    The demo is built in a new folder beside ``folder`` and renamed into place when it is done. An
    existing ``folder`` must be empty or an earlier demo (its ``rnacorpus-demo.json`` lists every
    file in it); anything else is refused before a file is written (:mod:`rnacorpus.outfolder`).
    """
    final = Path.cwd() / folder  # absolute, symlinks kept: the folder is renamed into place as named
    result = DemoResult(folder=folder)
    with build_folder(final, DEMO_FOLDER, overwrite=True) as work:
        _run_steps(work, final, result, progress, say)
        _write_listing(work)
    return result


def _run_steps(
    work: Path, final: Path, result: DemoResult, progress: Progress | None, say: Callable[[str], None]
) -> None:
    written = write_demo_archive(work / "archive") + write_suppl_study(work / "archive")  # suppl: issue 16
    result.files = [final / p.relative_to(work) for p in written]
    say(f"1/5 wrote {len(result.files)} GEO-format files for 5 series under {final / 'archive'}")
    with MirrorServer(work / "archive") as mirror:
        result.mirror_url = mirror.url
        say(f"2/5 mirror serving them on {mirror.url} under GEO's URL paths")
        config = Config(
            catalog_path=work / "rnacorpus.duckdb",
            store_dir=work / "store",
            cache_dir=work / "cache",
            mirror=mirror.url,
        )
        query = DiscoveryQuery(since=dt.date(2024, 1, 1))
        result.first = harvest(config=config, query=query, progress=progress or NullProgress())
        say(f"3/5 {result.first.summary_line()}")
        result.archives = show_archives(work / "archive", config, say)  # issue 12: E-GEOD twin, ENA runs
        result.second = harvest(config=config, query=query)
        say(f"again: {result.second.summary_line()}")
        catalog = Catalog.open(config.catalog_path)
        result.rows = catalog.sql(DEMO_QUERY).to_pylist()
        say("4/5 query: " + DEMO_QUERY.strip().splitlines()[0] + " …")
        out = work / "export"
        result.export = catalog.export(out, **DEMO_EXPORT)
        result.problems = verify_export(out)
        result.export.out_dir = final / "export"
        sizes = ", ".join(f"{n} {s['samples']} samples/{s['studies']} studies" for n, s in result.export.splits.items())
        say(
            f"5/5 exported {result.export.n_samples} human samples × {result.export.n_features} protein-coding genes "
            f"to {final / 'export'} ({sizes}); "
            + ("manifest checksums verified" if not result.problems else f"{len(result.problems)} problems")
        )
        result.batches = _read_back(out)
        say(f"read back through rnacorpus.read.iter_batches: {', '.join(result.batches)}")
    _record_final_store(config.catalog_path, final / "store")


def _read_back(export: Path, batch_size: int = 4) -> list[str]:
    """A few batches of each split, as a training loop would get them."""
    seen = []
    for split in DEMO_EXPORT["splits"].split(","):
        name = split.split("=")[0]
        for i, (values, meta) in enumerate(iter_batches(export, name, batch_size=batch_size, shuffle_seed=0)):
            if i == 2:
                break
            seen.append(f"{name} {values.shape[0]}×{values.shape[1]} ({meta['sample_accession'][0]}…)")
    return seen


def _record_final_store(catalog_path: Path, store_dir: Path) -> None:
    """The catalog records where its store is; point it at the folder's final name before the rename."""
    with writer(catalog_path) as con:
        con.execute("UPDATE catalog_versions SET value = ? WHERE key = 'store_dir'", [str(store_dir)])


def _write_listing(work: Path) -> None:
    """``rnacorpus-demo.json``: every file the demo wrote, so a later run may replace exactly those."""
    files = sorted(
        ({"path": p.relative_to(work).as_posix(), "bytes": p.stat().st_size} for p in work.rglob("*") if p.is_file()),
        key=lambda e: str(e["path"]),
    )
    listing = {"format": "rnacorpus-demo/1", "rnacorpus_version": __version__, "files": files}
    with atomic_write(work / DEMO_FOLDER.listing) as handle:
        handle.write(json.dumps(listing, indent=1).encode())
