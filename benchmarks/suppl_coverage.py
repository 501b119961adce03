"""How many of the corpus's RNA-seq samples have values, without and with authors' supplementary files.

Serves ``../shared/corpus`` with the mirror and harvests every GEO series the corpus holds records
for, twice into fresh catalogs: once with ``Config.fetch_supplementary`` off (values from GEO's own
tables and NCBI counts only — the baseline), once on. Counts the samples whose library strategy is
RNA-Seq and how many of them have any expression row, and lists each supplementary file's outcome
(loaded with its match method, or the parse issue that says why not).

    python benchmarks/suppl_coverage.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def series_in_corpus(corpus: Path) -> list[str]:
    """Every GSE with a family SOFT, MINiML, series matrix or acc.cgi record in the corpus (by name)."""
    found: set[str] = set()
    for folder in ("geo/soft", "geo/series_matrix", "geo/miniml", "geo/acc_cgi"):
        for path in (corpus / folder).iterdir():
            match = re.match(r"(GSE\d+)", path.name)
            if match:
                found.add(match.group(1))
    return sorted(found, key=lambda a: int(a[3:]))


def harvest(corpus: Path, accessions: list[str], *, supplementary: bool, tmp: Path) -> dict[str, object]:
    from rnacorpus import api
    from rnacorpus.catalog.api import Catalog
    from rnacorpus.mirror import MirrorServer
    from tests.conftest import mirror_config

    with MirrorServer(corpus) as server:
        config = mirror_config(tmp, server.url, fetch_supplementary=supplementary)
        report = api.harvest(accessions, config=config)
    catalog = Catalog.open(config.catalog_path)
    row = catalog.sql(
        """SELECT count(*) AS n,
                  count(*) FILTER (WHERE accession IN (SELECT sample_accession FROM expression_samples)) AS with_values
           FROM samples WHERE lower(library_strategy) = 'rna-seq'"""
    ).to_pylist()[0]
    files = catalog.sql(
        """SELECT sh.study_accession, sh.source_file, sh.kind, sh.n_samples, any_value(es.match_method) AS method,
                  avg(es.match_confidence) AS confidence
           FROM expression_shards sh JOIN expression_samples es ON es.shard_path = sh.path
           WHERE sh.kind LIKE 'supplementary%' AND sh.level = 'feature' GROUP BY ALL ORDER BY 1"""
    ).to_pylist()
    issues = catalog.sql(
        "SELECT study_accession, path, level, code, message FROM parse_issues WHERE code LIKE 'suppl%' ORDER BY 1, 2"
    ).to_pylist()
    return {"counts": report.counts, "rnaseq": row["n"], "with_values": row["with_values"], "files": files,
            "issues": issues}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    accessions = series_in_corpus(args.corpus)
    print(f"{len(accessions)} series: {' '.join(accessions)}")
    with tempfile.TemporaryDirectory() as tmp:
        before = harvest(args.corpus, accessions, supplementary=False, tmp=Path(tmp) / "off")
        after = harvest(args.corpus, accessions, supplementary=True, tmp=Path(tmp) / "on")
    for label, result in (("GEO tables + NCBI counts only", before), ("+ supplementary files", after)):
        n, k = result["rnaseq"], result["with_values"]
        print(f"{label}: {k}/{n} RNA-seq samples have values ({k / max(n, 1):.0%}); harvest {result['counts']}")
    print("\nsupplementary matrices loaded:")
    for row in after["files"]:
        print(f"  {row['study_accession']} {row['source_file']}: {row['kind']}, {row['n_samples']} samples, "
              f"{row['method']} (mean confidence {row['confidence']:.2f})")  # fmt: skip
    print("\nsupplementary issues:")
    for row in after["issues"]:
        print(f"  {row['study_accession']} {row['path']} [{row['level']} {row['code']}] {row['message'][:160]}")


if __name__ == "__main__":
    main()
