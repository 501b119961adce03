"""Benchmark: harmonizing sample metadata once per distinct value, vs the plain per-sample path.

Run: ``python benchmarks/bench_harmonize.py [--studies 40] [--samples 500] [--no-write]``

Input: generated studies whose samples are drawn (with repetition) from the real samples of the
corpus (``../shared/corpus``), each given its own donor ID and an age in years, as a large series
repeats a handful of tissues and diseases over many individuals. Both paths run
:func:`rnacorpus.pipeline.metadata.harmonize_metadata` (annotation rows included) in this process
on the same studies; the baseline is the same code with the caches off. Writes its section of
``docs/benchmarks.md`` between ``<!-- bench:harmonize -->`` markers, with ``uptime`` load.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import platform
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from rnacorpus.catalog.load import LoadPlan  # noqa: E402
from rnacorpus.harmonize.memo import clear_caches, memoization  # noqa: E402
from rnacorpus.harmonize.ontology import get_index  # noqa: E402
from rnacorpus.pipeline.metadata import harmonize_metadata  # noqa: E402
from rnacorpus.schemas import Characteristic, StudyBundle  # noqa: E402
from tests.harmonize.corpus_bundles import corpus_bundles  # noqa: E402

DOCS = REPO / "docs" / "benchmarks.md"
START, END = "<!-- bench:harmonize -->", "<!-- /bench:harmonize -->"


def make_studies(n_studies: int, n_samples: int, seed: int = 1) -> list[StudyBundle]:
    rng = random.Random(seed)
    sources = [bundle for bundle in corpus_bundles() if bundle.samples]
    studies = []
    for k in range(n_studies):
        source = sources[k % len(sources)]
        study = copy.copy(source)
        samples = []
        for i in range(n_samples):
            sample = rng.choice(source.samples).model_copy(deep=True)
            sample.accession = f"GSM{k:04d}{i:05d}"
            sample.characteristics = [
                *sample.characteristics,
                Characteristic(key="donor id", value=f"D{k}-{i}"),
                Characteristic(key="age", value=f"{rng.randint(18, 90)} years"),
            ]
            samples.append(sample)
        study.samples = samples
        studies.append(study)
    return studies


def run(studies: list[StudyBundle], *, memoized: bool) -> float:
    clear_caches()
    with memoization(memoized):
        started = time.perf_counter()
        for study in studies:
            harmonize_metadata(study, LoadPlan(bundle=study, content_sha256="", run_id="bench"))
        return time.perf_counter() - started


def write_section(section: str) -> None:
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", type=int, default=40)
    parser.add_argument("--samples", type=int, default=500)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    get_index()  # loading the ontology index is a fixed cost of either path
    studies = make_studies(args.studies, args.samples)
    n = args.studies * args.samples
    plain = run(studies, memoized=False)
    memo = run(studies, memoized=True)
    load = os.getloadavg()
    print(f"{n:,} samples: plain {plain:.2f} s ({n / plain:,.0f}/s), memoized {memo:.2f} s ({n / memo:,.0f}/s)")
    print(f"speed-up {plain / memo:.1f}x; load average {load[0]:.2f}")
    if args.no_write:
        return
    command = f"python benchmarks/bench_harmonize.py --studies {args.studies} --samples {args.samples}"
    section = "\n".join(
        [
            START,
            "## Metadata harmonization once per distinct value (`benchmarks/bench_harmonize.py`)",
            "",
            f"Command: `{command}` ({dt.date.today()}; {platform.machine()}, Python {platform.python_version()}, "
            f"load average {load[0]:.2f} at the end). {n:,} samples in {args.studies} studies drawn from the "
            "corpus's real samples, each with its own donor ID and age; `harmonize_metadata` incl. annotation rows.",
            "",
            "| path | seconds | samples/s |",
            "| --- | ---: | ---: |",
            f"| plain (caches off, the per-sample path) | {plain:.2f} | {n / plain:,.0f} |",
            f"| memoized (each distinct value and evidence once) | {memo:.2f} | {n / memo:,.0f} |",
            "",
            f"Speed-up: **{plain / memo:.1f}×**; the results are identical "
            "(`tests/harmonize/test_memoized_harmonization_matches_the_plain_path.py`).",
            END,
        ]
    )
    write_section(section)
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
