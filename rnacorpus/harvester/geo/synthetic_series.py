"""Generated metadata-only GEO corpora: RNA-seq family SOFT files of any size, deterministic.

GEO serves sequencing series as family SOFT files whose samples carry characteristics and no data
tables (the reads are in SRA); that is what :func:`metadata_series` builds and
:func:`write_metadata_corpus` writes, one ``GSE…_family.soft.gz`` per series, with rnacorpus's own
SOFT writer. Series ``i`` of seed ``s`` is the same whatever the corpus size, so a corpus of 20
series is the first 20 of one of 2,000. Each series draws a design as one submitter would (which
fields, under which key spelling, which few values, with that submitter's typos) and its samples
from it; donor IDs, ages, doses and times make a long tail of distinct values
(:mod:`.synthetic_vocabulary`). Used by the metadata-load benchmark and the generated-corpus tests;
nothing here is real data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rnacorpus.harvester.geo import synthetic_vocabulary as vocab
from rnacorpus.harvester.geo.writer import write_family_soft
from rnacorpus.schemas import Characteristic, CrossRef, Platform, Sample, Study, StudyBundle

__all__ = ["GENERATOR_VERSION", "CorpusSpec", "metadata_series", "series_accession", "write_metadata_corpus"]

#: bump when the output for a given (seed, index, size) changes: benchmark folders are keyed by it
GENERATOR_VERSION = "2"  # 2: each sample its own BioSample and SRX (1 wrapped them every 10^7 samples)
#: accession numbers far above GEO's own (GSE3xxxxx in 2026), so generated series never shadow real ones
SERIES_BASE = 9_000_000
SAMPLE_BASE = 90_000_000
MAX_SAMPLES_PER_SERIES = 100_000

#: (organism, taxid, share of series, platforms as (GPL, instrument) by era)
_ORGANISMS = (
    ("Homo sapiens", 9606, 0.70, (("GPL11154", "Illumina HiSeq 2000"), ("GPL16791", "Illumina HiSeq 2500"),
                                  ("GPL20301", "Illumina HiSeq 4000"), ("GPL24676", "Illumina NovaSeq 6000"))),
    ("Mus musculus", 10090, 0.27, (("GPL13112", "Illumina HiSeq 2000"), ("GPL17021", "Illumina HiSeq 2500"),
                                   ("GPL21103", "Illumina HiSeq 4000"), ("GPL24247", "Illumina NovaSeq 6000"))),
    ("Rattus norvegicus", 10116, 0.03, (("GPL18694", "Illumina HiSeq 2500"), ("GPL25947", "Illumina NovaSeq 6000"))),
)  # fmt: skip
#: study designs: the fields a series reports, by kind of experiment
_DESIGNS_HUMAN = (
    ("tissue", "sex", "age", "individual", "disease"),
    ("cell_line", "treatment", "time", "replicate"),
    ("cell_type", "individual", "treatment", "disease", "sex"),
    ("tissue", "disease", "age", "sex", "individual", "batch"),
    ("cell_line", "genotype", "replicate"),
)
_DESIGNS_MOUSE = (
    ("strain", "genotype", "tissue", "age", "sex", "treatment"),
    ("tissue", "stage", "replicate"),
    ("cell_type", "genotype", "treatment", "time", "individual"),
    ("strain", "tissue", "treatment", "time", "replicate", "batch"),
)
_BUILDS = {9606: "GRCh38", 10090: "GRCm39", 10116: "mRatBN7.2"}
_TYPO_RATE = 0.08
_UNKEYED_RATE = 0.02  # old-style "characteristics_ch1 = liver" without a key


def series_accession(index: int) -> str:
    return f"GSE{SERIES_BASE + index}"


@dataclass(frozen=True)
class _Design:
    organism: str
    taxid: int
    platform: str
    instrument: str
    keys: dict[str, str]
    levels: dict[str, list[str]]
    unkeyed: bool


def _choose_organism(rng: random.Random) -> tuple[str, int, Sequence[tuple[str, str]]]:
    roll, total = rng.random(), 0.0
    for name, taxid, share, platforms in _ORGANISMS:
        total += share
        if roll < total:
            return name, taxid, platforms
    name, taxid, _, platforms = _ORGANISMS[0]
    return name, taxid, platforms


def _key(field: str, rng: random.Random) -> str:
    spellings = vocab.FIELD_KEYS[field]
    key = spellings[0] if rng.random() < 0.5 else rng.choice(spellings)
    return vocab.misspell(key, rng) if rng.random() < _TYPO_RATE / 2 else key


def _levels(field: str, rng: random.Random) -> list[str]:
    """The few values a series uses for a design factor (with this submitter's typos)."""
    if field not in vocab.VOCABULARY:
        return []
    words = vocab.VOCABULARY[field]
    count = 1 if field in {"strain", "cell_line"} and rng.random() < 0.6 else rng.randint(1, min(6, len(words)))
    chosen = rng.sample(words, count)
    return [vocab.misspell(w, rng) if rng.random() < _TYPO_RATE else w for w in chosen]


def _design(rng: random.Random) -> _Design:
    organism, taxid, platforms = _choose_organism(rng)
    fields = rng.choice(_DESIGNS_HUMAN if taxid == 9606 else _DESIGNS_MOUSE)
    platform, instrument = rng.choice(list(platforms))
    return _Design(
        organism=organism,
        taxid=taxid,
        platform=platform,
        instrument=instrument,
        keys={f: _key(f, rng) for f in fields},
        levels={f: _levels(f, rng) for f in fields},
        unkeyed=rng.random() < _UNKEYED_RATE,
    )


def _value(field: str, design: _Design, k: int, combo: dict[str, str], rng: random.Random) -> str:
    if field in combo:
        value = combo[field]
        return vocab.dose_text(value, rng) if field == "treatment" else value
    if field == "age":
        return vocab.age_text(design.organism, rng)
    if field == "time":
        return vocab.time_text(rng)
    if field == "individual":
        form = rng.choice(("donor {}", "P{:04d}", "patient {}", "D{}", "mouse #{}", "S{:03d}"))
        return form.format(rng.randint(1, 9999))
    if field == "batch":
        return f"batch {k % rng.randint(2, 8) + 1}"
    return str(k % 4 + 1)  # replicate


def _characteristics(design: _Design, k: int, combo: dict[str, str], rng: random.Random) -> list[Characteristic]:
    items = []
    for field, key in design.keys.items():
        value = _value(field, design, k, combo, rng)
        if design.unkeyed and field in combo:
            items.append(Characteristic(key=None, value=value))
        else:
            items.append(Characteristic(key=key, value=value))
    return items


def metadata_series(index: int, *, n_samples: int, seed: int = 0) -> StudyBundle:
    """Series ``index`` of a generated corpus: study, one sequencing platform, ``n_samples`` samples."""
    if not 0 < n_samples <= MAX_SAMPLES_PER_SERIES:
        raise ValueError(f"n_samples must be in 1..{MAX_SAMPLES_PER_SERIES}, got {n_samples}")
    rng = random.Random(f"rnacorpus-metadata-corpus:{seed}:{index}")
    design = _design(rng)
    gse = series_accession(index)
    first = SAMPLE_BASE + index * MAX_SAMPLES_PER_SERIES
    sample_ids = [f"GSM{first + k}" for k in range(n_samples)]
    released = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(4800))
    factors = {f: levels for f, levels in design.levels.items() if levels}
    combos = [dict(zip(factors, values, strict=True)) for values in itertools.product(*factors.values())] or [{}]
    samples = [_sample(k, acc, gse, design, combos[k % len(combos)], released, rng) for k, acc in enumerate(sample_ids)]
    study = _study(gse, design, sample_ids, released, rng)
    platform = Platform(
        accession=design.platform,
        archive="geo",
        title=f"{design.instrument} ({design.organism})",
        technology="high-throughput sequencing",
        distribution="virtual",
        organism_taxid=design.taxid,
        organism_name=design.organism,
        data_row_count_declared=0,
        last_update_date=dt.date(2019, 3, 25),
    )
    return StudyBundle(study=study, platforms=[platform], samples=samples)


def _study(gse: str, design: _Design, sample_ids: list[str], released: dt.date, rng: random.Random) -> Study:
    project = f"PRJNA{700000 + rng.randrange(200000)}"
    fields = ", ".join(design.keys)
    return Study(
        accession=gse,
        archive="geo",
        title=f"Transcriptome profiling of {design.organism} samples by {fields} (generated series {gse})",
        summary="A generated RNA-seq series for rnacorpus benchmarks.\nKeywords: generated",
        overall_design=f"{len(sample_ids)} samples; factors: {fields}.",
        types=["Expression profiling by high throughput sequencing"],
        submission_date=released - dt.timedelta(days=60),
        last_update_date=released + dt.timedelta(days=rng.randrange(900)),
        public_date=released,
        contributors=["Ada,,Lovelace"],
        institutions=["Example Institute"],
        platform_accessions=[design.platform],
        organism_taxids=[design.taxid],
        sample_accessions=sample_ids,
        xrefs=[_xref("BioProject", project, f"https://www.ncbi.nlm.nih.gov/bioproject/{project}")],
        attributes={"contact_name": ["Ada,,Lovelace"], "contact_country": ["United Kingdom"]},
    )


def _xref(db: str, accession: str, url: str) -> CrossRef:
    return CrossRef(db=db, accession=accession, relation=db, url=url)


def _sample(
    k: int, accession: str, gse: str, design: _Design, combo: dict[str, str], released: dt.date, rng: random.Random
) -> Sample:
    characteristics = _characteristics(design, k, combo, rng)
    label = "_".join(c.value.replace(" ", "")[:12] for c in characteristics[:2])
    # each sample its own BioSample and SRA experiment, as GEO assigns them (numbered in the series'
    # order, so a study's BioSamples run in blocks); these numbers once wrapped every 10^7 samples,
    # which made series i and i + 100 state the same samples — a corpus of reanalyses, not of series
    serial = int(accession[3:]) - SAMPLE_BASE
    biosample, srx = 30_000_000 + serial, 10_000_000 + serial
    return Sample(
        accession=accession,
        study_accession=gse,
        archive="geo",
        platform_accession=design.platform,
        title=f"{label}_rep{k % 4 + 1}",
        source_name=next((c.value for c in characteristics if c.value), design.organism),
        organism_taxid=design.taxid,
        organism_name=design.organism,
        molecule=rng.choice(("total RNA", "polyA RNA")),
        library_strategy="RNA-Seq",
        library_source="transcriptomic",
        library_selection="cDNA",
        instrument_model=design.instrument,
        sample_type="SRA",
        description=f"sample {k + 1}",
        submission_date=released - dt.timedelta(days=60),
        last_update_date=released,
        characteristics=characteristics,
        xrefs=[
            _xref("BioSample", f"SAMN{biosample}", f"https://www.ncbi.nlm.nih.gov/biosample/SAMN{biosample}"),
            _xref("SRA", f"SRX{srx}", f"https://www.ncbi.nlm.nih.gov/sra?term=SRX{srx}"),
        ],
        data_row_count_declared=0,
        attributes={
            "status": [f"Public on {released:%b %d %Y}"],
            "data_processing": [
                "Reads were aligned with STAR and counted with featureCounts",
                f"genome build/assembly: {_BUILDS[design.taxid]}",
            ],
        },
    )


@dataclass(frozen=True)
class CorpusSpec:
    """What a generated corpus holds; its folder name says so (reused when already complete)."""

    n_series: int
    n_samples: int
    seed: int = 0

    @property
    def name(self) -> str:
        return f"geo-metadata-v{GENERATOR_VERSION}-s{self.seed}-{self.n_series}x{self.n_samples}"

    @property
    def accessions(self) -> list[str]:
        return [series_accession(i) for i in range(self.n_series)]


def _write_one(args: tuple[Path, int, int, int]) -> Path:
    folder, index, n_samples, seed = args
    path = folder / f"{series_accession(index)}_family.soft.gz"
    if not path.exists():  # written atomically: a file that exists is complete
        write_family_soft(metadata_series(index, n_samples=n_samples, seed=seed), path)
    return path


def write_metadata_corpus(folder: Path, spec: CorpusSpec, *, processes: int = 1) -> list[Path]:
    """Write the corpus's family SOFT files into ``folder`` (files already there are kept), in order."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(folder, i, spec.n_samples, spec.seed) for i in range(spec.n_series)]
    if processes <= 1:
        return [_write_one(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=processes) as pool:
        return list(pool.map(_write_one, jobs, chunksize=8))
