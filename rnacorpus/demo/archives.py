"""The demo's other archives: GSE990101's sequencing runs at SRA/ENA and its ArrayExpress twin.

Written by the project, in the archives' own formats, into the demo's mirror folder:

- ``SRP990101.sra.xml`` — an ``efetch db=sra`` ``EXPERIMENT_PACKAGE_SET``: one package per GSM of
  GSE990101 (its SRX as GEO states it, an SRS with a BioSample, one SRR with spot and base counts),
  from which the mirror answers ENA ``filereport`` for PRJNA990101 and writes BioSamples records;
- ``E-GEOD-990101.idf.txt`` / ``.sdrf.txt`` — ArrayExpress's import of the series: sources named
  ``GSM… 1`` as GEO's importer names them, the same characteristics, ``Comment[ENA_RUN]``.

:func:`show_archives` then harvests the twin (it folds into GSE990101: GEO wins, one study), refreshes
ENA from a date (the series' runs reach ``runs_sequencing``) and reports what the catalog now says.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnacorpus.catalog.api import Catalog
from rnacorpus.config import Config
from rnacorpus.demo.studies import demo_studies
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.refresh import RefreshRequest, refresh
from rnacorpus.schemas import Sample, StudyBundle

__all__ = ["SERIES", "TWIN", "ArchivesResult", "show_archives", "write_archive_twins"]

SERIES = "GSE990101"
TWIN = "E-GEOD-990101"
PROJECT, SRA_STUDY = "PRJNA990101", "SRP990101"
RUNS_PUBLISHED = dt.date(2024, 3, 14)
_LIBRARY = (("LIBRARY_STRATEGY", "RNA-Seq"), ("LIBRARY_SOURCE", "TRANSCRIPTOMIC"), ("LIBRARY_SELECTION", "cDNA"))


def _series(seed: int = 7) -> StudyBundle:
    bundles, _ = demo_studies(seed)
    return next(b for b in bundles if b.study.accession == SERIES)


def _ids(index: int) -> dict[str, str]:
    return {
        "srs": f"SRS99010{index:02d}",
        "biosample": f"SAMN99010{index:02d}",
        "srr": f"SRR99010{index:02d}",
    }


def _experiment_of(sample: Sample) -> str:
    return next(x.accession for x in sample.xrefs if x.accession.startswith("SRX"))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    if text is not None:
        node.text = text
    return node


def _package(root: ET.Element, bundle: StudyBundle, sample: Sample, index: int) -> None:
    ids = _ids(index)
    package = _sub(root, "EXPERIMENT_PACKAGE")
    experiment = _sub(package, "EXPERIMENT", accession=_experiment_of(sample), alias=sample.accession)
    _sub(experiment, "STUDY_REF", accession=SRA_STUDY)
    design = _sub(experiment, "DESIGN")
    _sub(design, "SAMPLE_DESCRIPTOR", accession=ids["srs"])
    library = _sub(design, "LIBRARY_DESCRIPTOR")
    for tag, value in (
        ("LIBRARY_STRATEGY", "RNA-Seq"),
        ("LIBRARY_SOURCE", "TRANSCRIPTOMIC"),
        ("LIBRARY_SELECTION", "cDNA"),
    ):
        _sub(library, tag, value)
    _sub(_sub(library, "LIBRARY_LAYOUT"), "PAIRED")
    _sub(_sub(_sub(experiment, "PLATFORM"), "ILLUMINA"), "INSTRUMENT_MODEL", sample.instrument_model or "Illumina")
    study = _sub(package, "STUDY", accession=SRA_STUDY, alias=SERIES)
    _sub(_sub(study, "IDENTIFIERS"), "EXTERNAL_ID", PROJECT, namespace="BioProject")
    _sub(_sub(study, "DESCRIPTOR"), "STUDY_TITLE", bundle.study.title or SERIES)
    record = _sub(package, "SAMPLE", accession=ids["srs"], alias=sample.accession)
    identifiers = _sub(record, "IDENTIFIERS")
    _sub(identifiers, "EXTERNAL_ID", ids["biosample"], namespace="BioSample")
    _sub(identifiers, "EXTERNAL_ID", sample.accession, namespace="GEO")
    name = _sub(record, "SAMPLE_NAME")
    _sub(name, "TAXON_ID", str(sample.organism_taxid or 9606))
    _sub(name, "SCIENTIFIC_NAME", sample.organism_name or "Homo sapiens")
    attributes = _sub(record, "SAMPLE_ATTRIBUTES")
    for item in [*sample.characteristics, *([] if index % 2 else [_collection(index)])]:
        attribute = _sub(attributes, "SAMPLE_ATTRIBUTE")
        _sub(attribute, "TAG", item.key or "note")
        _sub(attribute, "VALUE", item.value)
    spots = 18_000_000 + 1_250_000 * index
    run = _sub(
        _sub(package, "RUN_SET"),
        "RUN",
        accession=ids["srr"],
        alias=f"{sample.accession}_r1",
        total_spots=str(spots),
        total_bases=str(spots * 202),
        published=f"{RUNS_PUBLISHED.isoformat()} 09:30:00",
    )
    _sub(run, "EXPERIMENT_REF", accession=_experiment_of(sample), refname=sample.accession)
    update = _sub(_sub(run, "RUN_ATTRIBUTES"), "RUN_ATTRIBUTE")
    _sub(update, "TAG", "ENA-LAST-UPDATE")
    _sub(update, "VALUE", RUNS_PUBLISHED.isoformat())


def _collection(index: int) -> Any:
    from rnacorpus.schemas import Characteristic

    return Characteristic(key="collection site", value=f"hospital {index // 2 + 1}")


def _idf(bundle: StudyBundle) -> str:
    study = bundle.study
    rows = [
        ("MAGE-TAB Version", "1.1"),
        ("Investigation Title", study.title or SERIES),
        ("Experiment Description", study.summary or ""),
        ("Public Release Date", (study.public_date or dt.date(2024, 3, 12)).isoformat()),
        ("Person Last Name", "Franklin"),
        ("Person First Name", "Rosalind"),
        ("Comment[SecondaryAccession]", SERIES),
        ("Comment[AEExperimentType]", "RNA-seq of coding RNA"),
        ("Comment[ArrayExpressAccession]", TWIN),
        ("SDRF File", f"{TWIN}.sdrf.txt"),
    ]
    return "\n".join(f"{tag}\t{value}" for tag, value in rows) + "\n"


def _sdrf(bundle: StudyBundle) -> str:
    keys = [c.key or "note" for c in bundle.samples[0].characteristics]
    header = ["Source Name", "Characteristics[organism]", *[f"Characteristics[{k}]" for k in keys]]
    header += ["Extract Name", "Assay Name", "Comment[ENA_EXPERIMENT]", "Comment[ENA_RUN]", "Comment[BioSD_SAMPLE]"]
    lines = ["\t".join(header)]
    for index, sample in enumerate(bundle.samples, start=1):
        ids = _ids(index)
        source = [
            f"{sample.accession} 1",
            sample.organism_name or "Homo sapiens",
            *(c.value for c in sample.characteristics),
        ]
        assay = [
            f"{sample.accession} extract 1",
            sample.accession,
            _experiment_of(sample),
            ids["srr"],
            ids["biosample"],
        ]
        lines.append("\t".join([*source, *assay]))
    return "\n".join(lines) + "\n"


def write_archive_twins(folder: Path, seed: int = 7) -> list[Path]:
    """Write the series' SRA runs and its ArrayExpress twin under ``folder``; returns the paths."""
    bundle = _series(seed)
    root = ET.Element("EXPERIMENT_PACKAGE_SET")
    for index, sample in enumerate(bundle.samples, start=1):
        _package(root, bundle, sample, index)
    ET.indent(root)
    paths = [folder / f"{SRA_STUDY}.sra.xml", folder / f"{TWIN}.idf.txt", folder / f"{TWIN}.sdrf.txt"]
    paths[0].write_bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    paths[1].write_text(_idf(bundle), encoding="utf-8")
    paths[2].write_text(_sdrf(bundle), encoding="utf-8")
    return paths


@dataclass
class ArchivesResult:
    files: list[Path] = field(default_factory=list)
    twin: str = ""
    refresh: str = ""
    studies: list[str] = field(default_factory=list)
    n_samples: int = 0
    runs: list[dict[str, Any]] = field(default_factory=list)
    resolved: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [str(p) for p in self.files],
            "twin": self.twin,
            "refresh": self.refresh,
            "studies": self.studies,
            "n_samples": self.n_samples,
            "runs": self.runs,
            "resolved": self.resolved,
        }


def show_archives(archive: Path, config: Config, say: Callable[[str], None]) -> ArchivesResult:
    """Write the other archives' files, harvest the twin, refresh ENA, and say what the catalog holds."""
    result = ArchivesResult(files=write_archive_twins(archive))
    twin = harvest([TWIN], config=config)
    result.twin = twin.summary_line()
    ena = refresh(RefreshRequest(source="ena", since=dt.date(2024, 1, 1)), config=config)
    result.refresh = ena.summary_line()
    catalog = Catalog.open(config.catalog_path)
    linked = catalog.resolve(TWIN)
    result.studies = (
        catalog.sql("SELECT accession FROM studies WHERE accession IN (?, ?) ORDER BY 1", [SERIES, TWIN])
        .column("accession")
        .to_pylist()
    )
    n_samples = catalog.sql(
        "SELECT count(DISTINCT sample_id) AS n FROM samples WHERE study_accession = ?", [SERIES]
    ).column("n")[0]
    result.n_samples = int(n_samples.as_py())
    result.runs = catalog.sql(
        "SELECT run_accession, catalog_sample, library_layout, read_count FROM runs_sequencing "
        "WHERE catalog_study = 'GSE990101' ORDER BY run_accession"
    ).to_pylist()
    first = catalog.sql("SELECT min(accession) AS a FROM samples WHERE study_accession = ?", [SERIES])
    result.resolved = catalog.resolve(str(first.column("a")[0].as_py()))
    say(
        f"archives: {TWIN} harvested ({result.twin.split(': ', 1)[-1]}) → folded into {linked.get('study_accession')}: "
        f"{len(result.studies)} study, {result.n_samples} samples; ENA refresh ({result.refresh.split(': ', 1)[-1]}) "
        f"→ {len(result.runs)} runs listed ({', '.join(r['run_accession'] for r in result.runs[:3])}…)"
    )
    return result
