"""Hostile and broken archive files through the whole pipeline (mirror → harvest → catalog).

The parsers' own bad-input tests (``tests/harvester/test_soft_bad_input.py``,
``test_miniml_parse.py``, ``test_checks.py``) call one reader on one file; here each bad file is what
the mirror serves on the real GEO URL of a real corpus study, and the assertions are about the run:
what is quarantined with which kind and message, what loads anyway, and that nothing loaded before
changes and nothing is written outside the run's folders.
"""

from __future__ import annotations

import gzip
import io
import itertools
import random
import re
import tarfile
import tracemalloc
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from rnacorpus import api
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.config import Config
from rnacorpus.errors import ConfigError
from rnacorpus.harvester.geo.urls import download_page_url, matrix_dir_url, miniml_url
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.report import RunReport
from tests.conftest import corpus_root, mirror_config
from tests.faults import FaultServer, Reply
from tests.reliability.fault_mirror import Fault, FaultMirror, soft_path
from tests.reliability.snapshot import (
    CatalogSnapshot,
    catalog_snapshot,
    diff_snapshots,
    open_catalog,
    seeded_folder,
    study_rows,
)

FAST = {"read_timeout": 2.0, "max_attempts": 2, "backoff_base": 0.01, "backoff_max": 0.05, "retry_budget": 5.0}
#: a two-colour array series with nine sample tables (real corpus file)
TABLES_STUDY = "GSE2388"


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def soft_lines(accession: str) -> list[str]:
    raw = gzip.decompress((corpus_root() / "geo" / "soft" / f"{accession}_family.soft.gz").read_bytes())
    return raw.decode("utf-8").splitlines(keepends=True)


def served_gzip(text: str | bytes, label: str) -> Fault:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return Fault.payload(gzip.compress(data, mtime=0), label)


@dataclass
class World:
    mirror: FaultMirror
    folder: Path
    runs: int = 0

    def config(self, **overrides: object) -> Config:
        # a fresh raw cache per run: each run must download what the mirror serves now
        self.runs += 1
        return mirror_config(self.folder, self.mirror.url, **FAST).with_(
            cache_dir=self.folder / f"cache-{self.runs}", **overrides
        )

    def harvest(self, accessions: list[str], faults: dict[str, Fault] | None = None, **config: object) -> RunReport:
        """Harvest with ``faults`` served on their targets (path, or path?query); the mirror's log
        then holds this run's requests only."""
        self.mirror.clear()
        self.mirror.reset_log()
        for target, fault in (faults or {}).items():
            self.mirror.script(target, fault)
        try:
            report = harvest(accessions, config=self.config(**config))
        finally:
            self.mirror.clear()
        unused = [target for target in faults or {} if self.mirror.count(target) == 0]
        assert not unused, f"scripted but never requested: {unused}"  # a test of nothing otherwise
        return report

    @property
    def catalog(self) -> Path:
        return self.folder / "catalog.duckdb"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with FaultMirror(corpus_root()) as mirror:
        here = World(mirror, seeded_folder(tmp_path_factory, "hostile"))
        first = here.harvest([TABLES_STUDY])
        assert first.exit_code == 0, first.to_dict()
        yield here


def unquarantined_changes(before: CatalogSnapshot, world: World) -> list[str]:
    """What changed in the catalog since ``before``, the quarantine aside."""
    after = catalog_snapshot(world.catalog, references=False)
    return [p for p in diff_snapshots(before, after) if not p.startswith("quarantine")]


def only(report: RunReport) -> tuple[str, str, str, str]:
    (result,) = report.results
    return result.outcome, result.step, result.error_kind or "", result.message or ""


# -- decompression bombs and XML entities ------------------------------------------------------------


def gzip_bomb(head: bytes, copies: int, member: bytes) -> bytes:
    """A multi-member gzip: ``head``, then ``copies`` of one small member that inflates hugely. Built
    from the compressed pieces, so the inflated bomb never exists in this process."""
    return gzip.compress(head, mtime=0) + gzip.compress(member, compresslevel=9, mtime=0) * copies


def sparse_member() -> bytes:
    """4 MiB of tab-separated zeros with one random digit per 1600 bytes: inflates ~400:1."""
    digits = random.Random(0)
    line_zeros = b"0\t" * 799
    return b"".join(line_zeros + str(digits.randrange(10)).encode() + b"\n" for _ in range(4 * 1024**2 // 1600))


BOMBS: dict[str, tuple[Callable[[], bytes], dict[str, int]]] = {
    # deflate's extreme (>1000:1, what bomb tools make): the ratio rule stops it, default limits
    "max-ratio-default-limits": (lambda: gzip_bomb(b"^SERIES = GSE29006\n", 256, b"\n" * 4 * 1024**2), {}),
    # ~400:1, below deflate's ceiling: a sparse-looking table no real deposit compresses like
    "high-ratio-default-limits": (lambda: gzip_bomb(b"^SERIES = GSE29006\n", 256, sparse_member()), {}),
    # under the ratio rule (~40:1, like real text) but past the size cap the user set
    "size-cap": (
        lambda: gzip_bomb(b"^SERIES = GSE29006\n", 64, b"!Series_summary = x\n" * 200_000),
        {"max_decompressed_bytes": 128 * 1024**2},
    ),
}


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_gzip_bomb_as_family_soft_is_stopped_with_limit_exceeded(world: World, bomb: str) -> None:
    make, limits = BOMBS[bomb]
    data = make()
    assert len(data) < 4 * 1024**2
    before = catalog_snapshot(world.catalog, references=False)
    tracemalloc.start()
    try:
        faults = {soft_path("GSE29006"): Fault.payload(data, bomb)}
        report = world.harvest(["GSE29006"], faults, max_attempts=3, **limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    outcome, step, kind, message = only(report)
    assert (outcome, step, kind) == ("failed", "fetch", "limit_exceeded"), message
    assert "possible gzip bomb" in message and message.startswith("GSE29006")
    assert world.mirror.count(soft_path("GSE29006")) == 1  # permanent: not retried
    assert peak < 48 * 1024**2, f"{peak / 1024**2:.0f} MiB allocated at the peak"  # streamed, never held
    assert not list((world.folder / f"cache-{world.runs}").rglob("GSE29006_family.soft.gz"))
    assert unquarantined_changes(before, world) == []


def test_corrupt_deflate_data_is_a_project_error(world: World) -> None:
    """Bytes flipped inside a complete gzip stream (ISA-L raises its own error type for these)."""
    packed = bytearray(gzip.compress("".join(soft_lines("GSE29006")).encode(), mtime=0))
    for offset in (200, 900, 1500):
        packed[offset] ^= 0x5A
    report = world.harvest(["GSE29006"], {soft_path("GSE29006"): Fault.payload(bytes(packed), "corrupt deflate")})
    outcome, step, kind, message = only(report)
    assert (outcome, step, kind) == ("failed", "fetch", "truncated"), message
    assert "gzip stream is corrupt" in message
    assert world.mirror.count(soft_path("GSE29006")) == 2  # transient (a bad transfer): retried once


def _tgz(members: dict[str, bytes], extra: Callable[[tarfile.TarFile], None] | None = None) -> bytes:
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as packed, tarfile.open(fileobj=packed, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if extra is not None:
            extra(tar)
    return out.getvalue()


ENTITY_PAYLOADS = {
    "billion-laughs": b'<?xml version="1.0"?>\n<!DOCTYPE MINiML [\n<!ENTITY a "lol">\n'
    + b"".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">\n'.encode() for p, c in itertools.pairwise("abcdefghi"))
    + b']>\n<MINiML><Series iid="GSE990201"><Title>&i;</Title></Series></MINiML>\n',
    "external-entity": b'<?xml version="1.0"?>\n<!DOCTYPE MINiML [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<MINiML><Series iid="GSE990201"><Title>&x;</Title></Series></MINiML>\n',
}


@pytest.mark.parametrize("payload", sorted(ENTITY_PAYLOADS))
def test_miniml_with_entity_payloads_is_refused(world: World, payload: str) -> None:
    # no family SOFT for this series, so the harvester takes GEO's MINiML archive
    archive = _tgz({"GSE990201_family.xml": ENTITY_PAYLOADS[payload]})
    report = world.harvest(["GSE990201"], {_path(miniml_url("GSE990201")): Fault.payload(archive, payload)})
    outcome, step, kind, message = only(report)
    assert (outcome, step, kind) == ("failed", "parse", "bad_content"), message
    assert "unsafe XML refused" in message and "GSE990201" in message
    with open_catalog(world.catalog) as con:
        assert con.execute("SELECT count(*) FROM studies WHERE accession = 'GSE990201'").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM studies WHERE title LIKE '%root:%'").fetchone() == (0,)


# -- malformed SOFT ----------------------------------------------------------------------------------


def _edit(line_no: int, change: Callable[[str], str]) -> Callable[[list[str]], list[str]]:
    def apply(lines: list[str]) -> list[str]:
        out = list(lines)
        edited = change(out[line_no - 1])
        assert edited != out[line_no - 1], f"edit of line {line_no} changed nothing"
        out[line_no - 1] = edited
        return out

    return apply


def _drop(*numbers: int) -> Callable[[list[str]], list[str]]:
    return lambda lines: [line for k, line in enumerate(lines, start=1) if k not in numbers]


# (defect, edit of GSE2388's family SOFT, step, error kind, line the error must name, words it must carry)
# Lines: 1 ^DATABASE, 6 ^SERIES, 42 ^PLATFORM, 187 ^SAMPLE GSM44847, 254 !sample_table_begin, 255 header
# row, 256+ rows, 357 ^SAMPLE GSM44848.
MALFORMED = [
    # the response check refuses a "SOFT" file that does not start with an entity line, before parsing
    ("no-entity-header-at-all", _drop(1, 6), "fetch", "bad_content", None, "not a SOFT file"),
    ("missing-series-header", _drop(6), "parse", "parse_error", None, "no ^SERIES = GSE2388 in this family SOFT"),
    ("missing-platform-header", _drop(42), "parse", "parse_error", 83, "inside ^SERIES GSE2388"),
    ("missing-sample-header", _drop(187), "parse", "parse_error", 253, "second data table"),
    ("duplicate-accession", _edit(357, lambda s: "^SAMPLE = GSM44847\n"), "parse", "parse_error", 357, "duplicate"),
    ("ragged-table", _edit(258, lambda s: s.rstrip("\n") + "\textra\tcells\n"), "parse", "parse_error", 258, "ragged"),
    (
        "non-numeric-value",
        _edit(257, lambda s: s.replace("-1.050239506", "1.05e", 1)),
        "parse",
        "parse_error",
        257,
        "non-numeric value '1.05e' in numeric column 'VALUE'",
    ),
    ("truncated-file", lambda lines: lines[:300], "parse", "parse_error", 300, "file ends inside the sample table"),
]


@pytest.mark.parametrize(
    ("defect", "change", "step", "kind", "line", "words"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_soft_is_quarantined_naming_accession_file_and_line(
    world: World,
    defect: str,
    change: Callable[[list[str]], list[str]],
    step: str,
    kind: str,
    line: int | None,
    words: str,
) -> None:
    before = catalog_snapshot(world.catalog, references=False)
    text = "".join(change(soft_lines(TABLES_STUDY)))
    report = world.harvest([TABLES_STUDY], {soft_path(TABLES_STUDY): served_gzip(text, defect)})
    outcome, got_step, got_kind, message = only(report)
    assert (outcome, got_step, got_kind) == ("failed", step, kind), message
    assert words in message
    # the series, or the sample / platform whose block is bad, then the file (and line) it is in
    assert re.match(r"(GSE2388|GSM44847|GPL966)\b", message), message
    if step == "parse":
        where = f"file {TABLES_STUDY}_family.soft.gz" + (f" line {line}:" if line is not None else ":")
        assert where in message, message
    with open_catalog(world.catalog) as con:
        row = con.execute("SELECT step, error_kind, line FROM quarantine WHERE accession = ?", [TABLES_STUDY])
        assert row.fetchone() == (step, kind, line)
    # the copy loaded before is untouched: a failed re-harvest deletes nothing
    assert unquarantined_changes(before, world) == []


# -- mis-encoded text --------------------------------------------------------------------------------

TITLE_LINE = "!Series_title = "
ENCODINGS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    # (the title as deposited, how the whole file reaches us)
    "latin-1": ("Réponse à l'hypoxie, 5 µM (Saumon coho)", lambda text: text.encode("latin-1")),
    "cp1252": ("“Quoted” – salmon ‘GH’ transgenic", lambda text: text.encode("cp1252")),
    "utf-8-bom-crlf": ("Ĉu ŝi — 鮭 (UTF-8)", lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")),
    "latin-1-crlf": ("Température 4 °C", lambda text: text.replace("\n", "\r\n").encode("latin-1")),
}


def _with_title(lines: list[str], title: str) -> str:
    return "".join(TITLE_LINE + title + "\n" if line.startswith(TITLE_LINE) else line for line in lines)


def _shard_values(world: World, accession: str) -> dict[tuple[str, str], np.ndarray]:
    store = ExpressionStore(world.folder / "store")
    with open_catalog(world.catalog) as con:
        shards = con.execute(
            "SELECT path, sha256, kind, level FROM expression_shards WHERE study_accession = ?", [accession]
        ).fetchall()
    return {(kind, level): store.read(path, sha256=sha).values for path, sha, kind, level in shards}


def _runless(rows: tuple[str, ...]) -> list[str]:
    """Rows with each run's private cache folder (``cache-N``) named alike."""
    return sorted(re.sub(r"/cache-\d+/", "/cache-N/", row) for row in rows)


@pytest.fixture(scope="module")
def as_deposited(world: World) -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, str], np.ndarray]]:
    return study_rows(world.catalog, TABLES_STUDY), _shard_values(world, TABLES_STUDY)


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_mis_encoded_soft_loads_like_the_utf8_file(
    world: World,
    as_deposited: tuple[dict[str, tuple[str, ...]], dict[tuple[str, str], np.ndarray]],
    encoding: str,
) -> None:
    title, encode = ENCODINGS[encoding]
    data = encode(_with_title(soft_lines(TABLES_STUDY), title))
    report = world.harvest([TABLES_STUDY], {soft_path(TABLES_STUDY): served_gzip(data, encoding)})
    assert report.exit_code == 0, report.to_dict()
    with open_catalog(world.catalog) as con:
        assert con.execute("SELECT title FROM studies WHERE accession = ?", [TABLES_STUDY]).fetchone() == (title,)
    rows, values = as_deposited
    now = study_rows(world.catalog, TABLES_STUDY)
    for table in ("samples", "sample_characteristics", "study_samples", "annotations", "xrefs", "parse_issues"):
        assert _runless(now[table]) == _runless(rows[table]), table
    assert len(now["expression_shards"]) == len(rows["expression_shards"])
    for key, expected in values.items():
        np.testing.assert_array_equal(_shard_values(world, TABLES_STUDY)[key], expected)


def test_latin1_bytes_in_a_miniml_document_are_read(world: World) -> None:
    """GSE730's MINiML says UTF-8 but carries a Latin-1 micro sign (a real 2003 file)."""
    report = world.harvest(["GSE730"])
    assert report.exit_code == 0, report.to_dict()
    with open_catalog(world.catalog) as con:
        records = [r[0] for r in con.execute("SELECT record FROM samples WHERE study_accession = 'GSE730'").fetchall()]
    assert records and all("diameter in µm of the feature-indicator" in r for r in records)
    assert not any("\ufffd" in r for r in records)


# -- archive-provided names --------------------------------------------------------------------------


def _fetch(mirror: FaultMirror, path: str) -> str:
    with urllib.request.urlopen(mirror.url + path, timeout=10) as answer:  # the loopback mirror
        return str(answer.read().decode("utf-8"))


def test_archive_provided_names_never_leave_the_cache(world: World, tmp_path: Path) -> None:
    """A listing, a download page and a MINiML archive that name paths outside the cache, or
    another host: the harvester follows none of it, writes nowhere else, and still loads what is real."""
    tag = uuid.uuid4().hex[:12]
    escapes = [Path(f"/tmp/rnacorpus-evil-{tag}-{n}") for n in range(4)]
    with FaultServer() as elsewhere:
        elsewhere.on("/steal", Reply.ok(b"never fetched"))
        counts = "GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz"
        page = _fetch(world.mirror, _path(download_page_url("GSE164073")))
        hostile_page = page + "".join(
            f'<a href="{href}">x</a>\n'
            for href in (
                f"/geo/download/?type=rnaseq_counts&acc=GSE164073&format=file&file=../../../..{escapes[0]}",
                "/geo/download/?type=rnaseq_counts&acc=GSE164073&format=file&file=%2Fetc%2Fpasswd_raw_counts_x.tsv",
                f"{elsewhere.base_url}/steal?type=rnaseq_counts&acc=GSE164073&format=file&file=GSE1_raw_counts_x.tsv.gz",
                f"/geo/download/?type=rnaseq_counts&acc=GSE164073&format=file&file={counts}",
            )
        )
        hostile_listing = (
            "<html><body>\n"
            + "".join(
                f'<a href="{href}">x</a>\n'
                for href in (
                    "../../../../etc/passwd",
                    f"../../../../..{escapes[1]}_series_matrix.txt.gz",
                    "GSE29006_series_matrix.txt.gz/../../../../tmp/x",
                    "file:///etc/passwd",
                )
            )
            + "</body></html>\n"
        )
        evil_members = {
            "GSE730_family.xml": (corpus_root() / "geo" / "miniml" / "GSE730_family.xml").read_bytes(),
            f"../../../../../../../..{escapes[2]}": b"escaped",
            str(escapes[3]): b"absolute",
        }

        def add_link(tar: tarfile.TarFile) -> None:
            link = tarfile.TarInfo("passwd-link")
            link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
            tar.addfile(link)

        report = world.harvest(
            ["GSE164073", "GSE29006", "GSE730"],
            {
                _path(download_page_url("GSE164073")): Fault.payload(
                    hostile_page.encode(), "tampered page", "text/html"
                ),
                _path(matrix_dir_url("GSE29006")): Fault.payload(
                    hostile_listing.encode(), "tampered listing", "text/html"
                ),
                _path(miniml_url("GSE730")): Fault.payload(_tgz(evil_members, add_link), "tgz with traversal members"),
            },
        )
        assert elsewhere.requests == []  # another host named by the page was never contacted
    assert report.exit_code == 0, report.to_dict()
    # loaded (GSE730 may already be held from another test: then its rows are replaced, "updated")
    assert {r.accession: r.outcome in ("new", "updated") for r in report.results} == dict.fromkeys(
        ["GSE164073", "GSE29006", "GSE730"], True
    )
    assert not [p for p in escapes if p.exists()]
    seen = {hit.path + "?" + hit.query for hit in world.mirror.log}
    assert not [s for s in seen if "passwd" in s or "evil" in s or ".." in s]
    with open_catalog(world.catalog) as con:
        shards = con.execute(
            "SELECT kind, level FROM expression_shards WHERE study_accession = 'GSE164073' ORDER BY level"
        ).fetchall()
    assert shards == [("ncbi_counts", "feature"), ("ncbi_counts", "gene")]  # the real counts still load
    for path in (world.folder).rglob("*"):
        assert path.resolve().is_relative_to(world.folder.resolve())


# -- user SQL ----------------------------------------------------------------------------------------


def test_user_sql_cannot_write_and_filters_are_bound(world: World) -> None:
    """The sandbox itself is tested in tests/catalog/test_query_sandbox.py; here against a harvested catalog."""
    before = catalog_snapshot(world.catalog, references=False)
    for sql in (
        "DELETE FROM studies",
        "SELECT 1; DROP TABLE samples",
        "COPY studies TO '/tmp/rnacorpus-leak.csv'",
        "SELECT * FROM read_csv('/etc/passwd')",
        "ATTACH '/tmp/rnacorpus-other.duckdb' AS other",
    ):
        with pytest.raises(ConfigError) as caught:
            api.query(sql, catalog=world.catalog)
        assert "root:" not in str(caught.value)
    try:  # a filter value is data: it matches nothing (or names no term), it never runs
        injected = api.samples(catalog=world.catalog, tissue="brain'; DROP TABLE samples; --")
    except ConfigError as exc:
        assert "DROP TABLE" in str(exc)  # echoed back as the value that matched no term
    else:
        assert injected.num_rows == 0
    assert not Path("/tmp/rnacorpus-leak.csv").exists()
    assert diff_snapshots(before, catalog_snapshot(world.catalog, references=False)) == []
