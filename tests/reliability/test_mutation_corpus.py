"""Property: a damaged archive file never crashes a harvest and never damages what was loaded before.

Three real corpus series (a two-colour array study with sample tables, an RNA-seq study without
tables, a multi-platform study) are copied into a tmp folder, served by the loopback mirror and
harvested. Then, example after example, hypothesis damages the family SOFT of one of them — cuts it
(the text, or the gzip stream itself), flips bytes, shuffles, drops or repeats lines, re-encodes it
(Latin-1, UTF-16, BOM, CRLF) — the mirror serves the damaged bytes on the study's real GEO URL, and
the three are harvested again. Whatever the damage:

* the run finishes (no exception escapes ``harvest``; no run-level failure);
* a failure is one of the project's own error kinds (never ``internal``: an unexpected exception);
* the two other series are ``unchanged`` and every row they own is as it was;
* if the damaged study fails, every row it owned before is still there, untouched, and it is in
  the quarantine with the step and kind; if it loads, its shards verify against their checksums.

The parsers' own mutation tests (``tests/harvester/test_soft_properties.py``) check one reader on
one damaged file; these go through fetch checks, parse, harmonize and the catalog load.
"""

from __future__ import annotations

import gzip
import random
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnacorpus import errors
from rnacorpus.catalog.store import ExpressionStore
from rnacorpus.pipeline.harvest import harvest
from rnacorpus.pipeline.report import RunReport
from tests.conftest import corpus_root, mirror_config
from tests.reliability.fault_mirror import Fault, FaultMirror, soft_path
from tests.reliability.snapshot import open_catalog, referenced_files, seeded_folder, studies_rows

STUDIES = ("GSE2388", "GSE29006", "GSE1299")
FAST = {"read_timeout": 2.0, "max_attempts": 2, "backoff_base": 0.01, "backoff_max": 0.05, "retry_budget": 2.0}
#: every kind the project's own errors carry (what a quarantine row may say)
PROJECT_KINDS = frozenset(
    cls.kind for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.RnacorpusError)
)
MUTATION_EXAMPLES = 15

Rows = dict[str, tuple[str, ...]]


@dataclass
class Corpus:
    folder: Path
    mirror: FaultMirror
    texts: dict[str, bytes] = field(repr=False)
    runs: int = 0
    #: each study's rows as loaded from its real file
    pristine: dict[str, Rows] = field(default_factory=dict, repr=False)
    #: studies whose last successful load was of a damaged (but loadable) file
    damaged: set[str] = field(default_factory=set)

    @property
    def catalog(self) -> Path:
        return self.folder / "catalog.duckdb"

    def harvest(self, faults: dict[str, Fault]) -> RunReport:
        self.runs += 1
        config = mirror_config(self.folder, self.mirror.url, **FAST).with_(cache_dir=self.folder / f"cache-{self.runs}")
        self.mirror.clear()
        for target, fault in faults.items():
            self.mirror.script(target, fault)
        try:
            return harvest(list(STUDIES), config=config)
        finally:
            self.mirror.clear()

    def rows(self, *accessions: str) -> dict[str, Rows]:
        # each run has its own raw cache folder; rows name files in it (parse issues, source files)
        return {
            accession: {
                table: tuple(sorted(re.sub(r"/cache-\d+/", "/cache-N/", row) for row in rows))
                for table, rows in tables.items()
            }
            for accession, tables in studies_rows(self.catalog, list(accessions)).items()
        }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """The three series' real family SOFT files, copied into a mirror folder of our own, harvested once."""
    archive = tmp_path_factory.mktemp("mutation-archive")
    texts = {}
    for accession in STUDIES:
        source = corpus_root() / "geo" / "soft" / f"{accession}_family.soft.gz"
        shutil.copyfile(source, archive / source.name)
        texts[accession] = gzip.decompress(source.read_bytes())
    with FaultMirror(archive) as mirror:
        here = Corpus(seeded_folder(tmp_path_factory, "mutation"), mirror, texts)
        first = here.harvest({})
        assert first.exit_code == 0, first.to_dict()
        here.pristine = here.rows(*STUDIES)
        yield here


# -- damage ------------------------------------------------------------------------------------------

Damage = Callable[[bytes, random.Random], bytes]


def cut_text(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] ^= rng.randint(1, 255)
    return bytes(out)


def shuffle_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    start = rng.randrange(len(lines))
    window = lines[start : start + rng.randint(2, 40)]
    rng.shuffle(window)
    return b"".join([*lines[:start], *window, *lines[start + len(window) :]])


def drop_or_repeat_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.splitlines(keepends=True)
    for _ in range(rng.randint(1, 5)):
        k = rng.randrange(len(lines))
        if rng.random() < 0.5:
            del lines[k]
        else:
            lines.insert(rng.randrange(len(lines)), lines[k])
    return b"".join(lines)


def latin1_text(data: bytes, rng: random.Random) -> bytes:
    """Legacy Latin-1 bytes where text is (a title and a characteristic get accented words)."""
    text = data.decode("utf-8")
    text = text.replace("!Series_title = ", "!Series_title = Étude à 4 °C, 5 µM — ", 1)
    text = text.replace("_ch1 = ", "_ch1 = naïve ", rng.randint(1, 3))
    return text.encode("latin-1", errors="replace")


def utf16(data: bytes, rng: random.Random) -> bytes:
    return data.decode("utf-8").encode("utf-16")


def bom_and_crlf(data: bytes, rng: random.Random) -> bytes:
    body = data.replace(b"\n", b"\r\n") if rng.random() < 0.7 else data
    return b"\xef\xbb\xbf" + body


DAMAGE: dict[str, Damage] = {
    "cut-text": cut_text,
    "flip-bytes": flip_bytes,
    "shuffle-lines": shuffle_lines,
    "drop-or-repeat-lines": drop_or_repeat_lines,
    "latin-1": latin1_text,
    "utf-16": utf16,
    "bom-crlf": bom_and_crlf,
}


def damaged_body(kind: str, text: bytes, rng: random.Random) -> bytes:
    if kind == "cut-gzip":  # the file on the server is itself cut short
        packed = gzip.compress(text, mtime=0)
        return packed[: rng.randrange(1, len(packed))]
    if kind == "flip-gzip":  # bit rot inside the compressed stream
        return flip_bytes(gzip.compress(text, mtime=0), rng)
    return gzip.compress(DAMAGE[kind](text, rng), mtime=0)


KINDS = sorted([*DAMAGE, "cut-gzip", "flip-gzip"])


# -- the property ------------------------------------------------------------------------------------


@pytest.mark.slow
@settings(
    max_examples=MUTATION_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(target=st.sampled_from(STUDIES), kind=st.sampled_from(KINDS), seed=st.integers(0, 2**32 - 1))
def test_damaged_file_never_crashes_the_run_nor_touches_what_was_loaded(
    corpus: Corpus, target: str, kind: str, seed: int
) -> None:
    before = corpus.rows(target)[target]
    body = damaged_body(kind, corpus.texts[target], random.Random(seed))

    report = corpus.harvest({soft_path(target): Fault.payload(body, f"{kind} {seed}")})  # must not raise

    assert report.fatal is None
    outcomes = {r.accession: r for r in report.results}
    after = corpus.rows(*STUDIES)
    for other in STUDIES:
        if other == target:
            continue
        # served intact: unchanged, or back to its real content if an earlier example loaded damage
        expected = "updated" if other in corpus.damaged else "unchanged"
        assert outcomes[other].outcome == expected, outcomes[other]
        assert after[other] == corpus.pristine[other], other
        corpus.damaged.discard(other)
    result = outcomes[target]
    if result.outcome == "failed":
        assert result.error_kind in PROJECT_KINDS, f"{kind}: not a project error: {result.message}"
        assert after[target] == before, "a failed re-harvest changed what was loaded"
        with open_catalog(corpus.catalog) as con:
            row = con.execute("SELECT step, error_kind FROM quarantine WHERE accession = ?", [target]).fetchone()
        assert row == (result.step, result.error_kind)
    else:
        assert result.outcome in ("updated", "unchanged"), result
        if result.outcome == "updated":
            corpus.damaged.add(target)
        store = ExpressionStore(corpus.folder / "store")
        for path, sha in referenced_files(corpus.catalog).items():
            if f"study={target}/" in path:
                store.read(path, sha256=sha)  # raises on a checksum mismatch


def test_the_property_ran_on_every_kind_of_damage(corpus: Corpus) -> None:
    """Each damage kind, once per study, on fixed seeds: the property holds and the run goes on."""
    seen: dict[str, set[str]] = {}
    for k, kind in enumerate(KINDS):
        target = STUDIES[k % len(STUDIES)]
        before = corpus.rows(target)[target]
        body = damaged_body(kind, corpus.texts[target], random.Random(k))
        report = corpus.harvest({soft_path(target): Fault.payload(body, kind)})
        result = next(r for r in report.results if r.accession == target)
        seen.setdefault(result.outcome, set()).add(kind)
        if result.outcome == "failed":
            assert result.error_kind in PROJECT_KINDS and corpus.rows(target)[target] == before
        elif result.outcome == "updated":
            corpus.damaged.add(target)
        corpus.damaged -= {r.accession for r in report.results if r.accession != target}
    # these damages can never give a loadable family SOFT
    assert {"utf-16", "cut-gzip"} <= seen.get("failed", set()), seen
