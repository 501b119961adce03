"""ENA portal and BioSamples answers the mirror writes from the SRA / ENA records it holds.

The corpus keeps SRA ``EXPERIMENT_PACKAGE_SET`` and ENA browser XML, a few recorded filereports and
one BioSamples JSON. ENA ``filereport`` / ``search`` answers for any other accession, and BioSamples
records of samples only SRA XML describes, are written here in the documented formats (ARCHIVES §4):

- ``filereport?accession=…&result=read_run&fields=…``: a TSV, one row per run whose run, experiment,
  sample (BioSample or SRA sample) or study (BioProject or SRA study) is the accession; the requested
  fields in the requested order (``;`` between a run's files); an unknown field is a 400 naming it,
  as ENA answers; an accession nothing is known of is an empty 200 (ENA's "no content");
- ``search?result=read_run&query=…``: the same rows filtered by ``field=value`` / ``>=`` / ``<=`` terms
  on ``read_run`` fields (``last_updated``, ``scientific_name``, ``experiment_accession`` …; other
  terms are ignored), ``AND``-ed, with top-level ``OR`` between alternatives;
- ``/biosamples/samples/{ACC}``: ``characteristics`` as arrays of ``{text, unit?}`` from the SRA
  sample's attributes, ``SRA accession``, organism with its NCBITaxon term;
- ``/biosamples/samples?filter=…``: search pages over them (:mod:`.biosamples`).

Run facts from several files of one run are joined: ENA browser run attributes, the SRA package's
library and sample, a recorded filereport's fastq paths. A recorded answer held under its own name
(``filereport_{ACC}_read_run.tsv``, ``{ACC}.json``) is served as it is, by the route table, first.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.dates import iso_date
from rnacorpus.harvester.ena.filereport import READ_RUN_FIELDS, parse_filereport
from rnacorpus.harvester.ena.sra_xml import SraRecords, SraSample, complete_run, parse_sra_xml
from rnacorpus.mirror.index import MirrorIndex
from rnacorpus.schemas import SequencingRun

__all__ = ["DEFAULT_FIELDS", "EnaService"]

logger = logging.getLogger(__name__)

#: the columns ENA gives a filereport asked for without ``fields`` (file columns only)
DEFAULT_FIELDS = ("run_accession", "fastq_ftp", "fastq_bytes", "fastq_md5", "submitted_ftp", "submitted_bytes",
                  "submitted_md5")  # fmt: skip
_XML_ROOT = re.compile(rb"<(EXPERIMENT_PACKAGE_SET|RUN_SET|EXPERIMENT_SET|SAMPLE_SET)\b")
_TERM = re.compile(r'(\w+)\s*(>=|<=|=)\s*"?([^"\s)]+(?:\s[^"\s)]+)*?)"?(?=\s+AND\s|\s*\)|\s*$)', re.IGNORECASE)
_KEYS = ("run_accession", "experiment_accession", "sample_accession", "secondary_sample_accession",
         "study_accession", "secondary_study_accession")  # fmt: skip


@dataclass
class _Held:
    runs: dict[str, SequencingRun] = field(default_factory=dict)
    samples: dict[str, SraSample] = field(default_factory=dict)
    #: BioSample → the day its file last changed (what a generated record gives as its update)
    updated: dict[str, dt.date] = field(default_factory=dict)


class EnaService:
    def __init__(self, index: MirrorIndex) -> None:
        self.index = index
        self._generation = -1
        self._held = _Held()

    def held(self) -> _Held:
        if self._generation != self.index.generation:
            self._held = self._scan()
            self._generation = self.index.generation
        return self._held

    def _scan(self) -> _Held:
        held = _Held()
        every = SraRecords()  # experiments, samples and studies of all files: runs are joined across files
        runs: list[SequencingRun] = []
        for entry in self.index.entries():
            if entry.size > 64 * 1024**2:
                continue
            with entry.path.open("rb") as handle:
                head = handle.read(4096)
            try:
                if _XML_ROOT.search(head):
                    records = parse_sra_xml(entry.path.read_bytes(), source_file=entry.name, path=entry.rel)
                    runs += records.runs
                    every.experiments.update(records.experiments)
                    every.studies.update(records.studies)
                    day = dt.datetime.fromtimestamp(entry.mtime_ns / 1e9, dt.UTC).date()
                    for sample in records.samples.values():
                        every.samples.setdefault(sample.accession, sample)
                        if sample.biosample and sample.biosample not in held.samples:
                            held.samples[sample.biosample] = sample
                            held.updated[sample.biosample] = day
                elif head.startswith(b"run_accession\t"):  # recorded reports: fastq paths, md5, bytes
                    runs += parse_filereport(entry.path.read_text("utf-8", "replace"), path=entry.rel)
            except RnacorpusError as exc:
                logger.debug("mirror: %s is no SRA/ENA record set (%s)", entry.rel, exc)
        for run in runs:
            _join(held.runs, complete_run(run, every))
        return held

    # -- portal -------------------------------------------------------------------------------

    def filereport(self, params: Mapping[str, str]) -> tuple[int, bytes]:
        accession = params.get("accession", "").strip()
        if params.get("result", "read_run") != "read_run":
            return 400, b"only result=read_run is mirrored\n"
        fields, bad = _fields(params)
        if bad:
            return 400, f"Invalid fieldName(s) supplied: {','.join(bad)}\n".encode()
        runs = [run for run in self.held().runs.values() if accession in {getattr(run, k) for k in _KEYS}]
        return 200, _tsv(runs, fields)

    def search(self, params: Mapping[str, str]) -> tuple[int, bytes]:
        if params.get("result", "read_run") != "read_run":
            return 400, b"only result=read_run is mirrored\n"
        fields, bad = _fields(params)
        if bad:
            return 400, f"Invalid fieldName(s) supplied: {','.join(bad)}\n".encode()
        # ENA's advanced search: AND binds tighter than OR; top-level alternatives are OR'ed
        alternatives = [_TERM.findall(part) for part in _top_level_or(params.get("query", ""))]
        runs = [
            run
            for run in self.held().runs.values()
            if any(all(_term_holds(run, *term) for term in terms) for terms in alternatives)
        ]
        return 200, _tsv(sorted(runs, key=lambda r: r.run_accession), fields)

    # -- BioSamples ---------------------------------------------------------------------------

    def biosample(self, accession: str) -> bytes | None:
        held = self.held()
        sample = held.samples.get(accession)
        return None if sample is None else _dump(_biosample_doc(accession, sample, held.updated[accession]))

    def written_biosamples(self) -> dict[str, Callable[[], dict[str, Any]]]:
        """Every BioSample the held SRA XML describes → a loader of the record written for it."""
        held = self.held()

        def loader(accession: str, sample: SraSample) -> Callable[[], dict[str, Any]]:
            return lambda: _biosample_doc(accession, sample, held.updated[accession])

        return {accession: loader(accession, sample) for accession, sample in held.samples.items()}


def _join(runs: dict[str, SequencingRun], run: SequencingRun) -> None:
    held = runs.get(run.run_accession)
    if held is None:
        runs[run.run_accession] = run
        return
    filled = {
        name: value
        for name, value in run.model_dump().items()
        if value not in (None, []) and getattr(held, name) in (None, [])
    }
    if filled:
        runs[run.run_accession] = held.model_copy(update=filled)


def _fields(params: Mapping[str, str]) -> tuple[list[str], list[str]]:
    asked = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
    if not asked:
        return list(DEFAULT_FIELDS), []
    known = set(READ_RUN_FIELDS)
    return asked, [f for f in asked if f not in known]


def _cell(run: SequencingRun, name: str) -> str:
    value = getattr(run, name, None)
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _tsv(runs: list[SequencingRun], fields: list[str]) -> bytes:
    if not runs:
        return b""  # ENA's answer for an accession it holds no runs of: nothing at all
    lines = ["\t".join(fields)] + ["\t".join(_cell(run, f) for f in fields) for run in runs]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _top_level_or(query: str) -> list[str]:
    """``a AND (b OR c) OR d`` → ``["a AND (b OR c)", "d"]``: split at OR outside parentheses and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for match in re.finditer(r'[()"]|\sOR\s', query, flags=re.IGNORECASE):
        token = match.group(0)
        if token == '"':
            quoted = not quoted
        elif not quoted and token == "(":
            depth += 1
        elif not quoted and token == ")":
            depth -= 1
        elif not quoted and depth == 0:
            parts.append(query[start : match.start()])
            start = match.end()
    return [*parts, query[start:]]


def _term_holds(run: SequencingRun, name: str, op: str, value: str) -> bool:
    name = name.lower()
    if name not in READ_RUN_FIELDS:
        return True  # a term the mirror does not emulate narrows nothing
    held = getattr(run, name)
    if name in ("first_public", "last_updated"):
        day = iso_date(value)
        if held is None or day is None:
            return False
        return bool(held >= day if op == ">=" else held <= day if op == "<=" else held == day)
    return str(held or "").lower() == value.strip('"').lower()


def _biosample_doc(accession: str, sample: SraSample, updated: dt.date) -> dict[str, Any]:
    characteristics: dict[str, list[dict[str, Any]]] = {}
    if sample.scientific_name:
        terms = [f"http://purl.obolibrary.org/obo/NCBITaxon_{sample.tax_id}"] if sample.tax_id else []
        characteristics["organism"] = [{"text": sample.scientific_name, "ontologyTerms": terms}]
    for tag, value, unit in sample.attributes:
        characteristics.setdefault(tag, []).append({"text": value, **({"unit": unit} if unit else {})})
    characteristics["SRA accession"] = [{"text": sample.accession}]
    return {
        "name": sample.alias or accession,
        "accession": accession,
        "taxId": sample.tax_id,
        "characteristics": characteristics,
        "sraAccession": sample.accession,
        "update": f"{updated.isoformat()}T00:00:00Z",
    }


def _dump(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")
