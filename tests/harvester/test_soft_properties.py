"""Property tests: generated studies survive writer → parser; damaged real files fail only with
project errors; the chunked reader and the vectorized table parser agree with naive oracles."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rnacorpus.errors import RnacorpusError
from rnacorpus.harvester.geo.gds import parse_gds_soft
from rnacorpus.harvester.geo.matrix import parse_series_matrix
from rnacorpus.harvester.geo.miniml import parse_miniml
from rnacorpus.harvester.geo.soft import parse_family_soft, parse_soft_records, read_platform_table
from rnacorpus.harvester.geo.soft_entities import SoftTable
from rnacorpus.harvester.geo.soft_lines import SoftByteReader
from rnacorpus.harvester.geo.soft_records import feature_id_kind
from rnacorpus.harvester.geo.tables import MISSING_VALUE_TOKENS, read_numeric_columns
from rnacorpus.harvester.geo.writer import write_family_soft
from rnacorpus.schemas import (
    Characteristic,
    CrossRef,
    ExpressionMatrix,
    ExpressionSource,
    Platform,
    Sample,
    Study,
    StudyBundle,
    TableColumn,
)

FAST = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# --- generated studies ------------------------------------------------------------------------------

_TEXT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
text = st.text(_TEXT_CHARS, min_size=1, max_size=12).map(str.strip).filter(bool)
opt_text = st.none() | text
day = st.dates(dt.date(1995, 1, 1), dt.date(2030, 12, 31))
feature_id = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,10}", fullmatch=True)
value = st.floats(width=32, allow_infinity=False)
TECHNOLOGIES = ["in situ oligonucleotide", "spotted DNA/cDNA", "high-throughput sequencing", "SAGE NlaIII"]


@st.composite
def characteristic(draw: st.DrawFn, channels: int) -> Characteristic:
    key = draw(st.none() | text.filter(lambda k: ":" not in k))
    body = draw((st.just("") | text) if key is not None else text.filter(lambda v: ":" not in v))
    if key is not None and body.startswith("//"):
        body = body.lstrip("/") or "x"
    return Characteristic(key=key, value=body, channel=draw(st.integers(1, channels)))


def _multiline(draw: st.DrawFn) -> str | None:
    lines = draw(st.lists(st.just("") | text, min_size=1, max_size=3))
    joined = "\n".join(lines)
    return joined if joined.strip() else None


@st.composite
def studies(draw: st.DrawFn) -> StudyBundle:
    numbers = iter(draw(st.lists(st.integers(1, 10**7), min_size=16, max_size=16, unique=True)))
    accession = f"GSE{next(numbers)}"
    file_name = "GSE_roundtrip_family.soft.gz"
    platforms, tables, samples, matrices = [], {}, [], []
    for _ in range(draw(st.integers(1, 2))):
        platform, table, features = _platform(draw, f"GPL{next(numbers)}")
        platforms.append(platform)
        if table is not None:
            tables[platform.accession] = table
        with_values: list[tuple[str, list[float]]] = []
        for _ in range(draw(st.integers(0, 3))):
            sample, row = _sample(draw, f"GSM{next(numbers)}", accession, platform.accession, features)
            samples.append(sample)
            if row is not None:
                with_values.append((sample.accession, row))
        if with_values and features:
            source = ExpressionSource(
                study_accession=accession,
                platform_accession=platform.accession,
                kind="sample_tables",
                file=file_name,
                value_column="VALUE",
                feature_id_kind=feature_id_kind(platform),
                n_samples=len(with_values),
                n_features=len(features),
            )
            matrices.append(
                ExpressionMatrix(
                    source=source,
                    sample_accessions=[s for s, _ in with_values],
                    feature_ids=features,
                    values=np.array([r for _, r in with_values], np.float32),
                )
            )
    supers = [f"GSE{next(numbers)}" for _ in range(draw(st.integers(0, 1)))]
    subs = [f"GSE{next(numbers)}" for _ in range(draw(st.integers(0, 2)))]
    xrefs = [CrossRef(db="GEO", accession=a, relation="SubSeries of") for a in supers]
    xrefs += [CrossRef(db="GEO", accession=a, relation="SuperSeries of") for a in subs]
    if draw(st.booleans()):
        srp = f"SRP{next(numbers)}"
        xrefs.append(
            CrossRef(db="SRA", accession=srp, relation="SRA", url=f"https://www.ncbi.nlm.nih.gov/sra?term={srp}")
        )
    study = Study(
        accession=accession,
        archive="geo",
        title=draw(opt_text),
        summary=_multiline(draw),
        overall_design=_multiline(draw),
        types=draw(st.lists(text, max_size=2)),
        submission_date=draw(st.none() | day),
        last_update_date=draw(st.none() | day),
        public_date=draw(st.none() | day),
        pubmed_ids=draw(st.lists(st.from_regex(r"[1-9][0-9]{0,7}", fullmatch=True), max_size=2, unique=True)),
        contributors=draw(st.lists(text, max_size=2)),
        institutions=draw(st.lists(text, max_size=2, unique=True)),
        platform_accessions=[p.accession for p in platforms],
        organism_taxids=draw(st.lists(st.integers(1, 10**6), max_size=2, unique=True)),
        sample_accessions=[s.accession for s in samples],
        super_series=supers,
        sub_series=subs,
        xrefs=xrefs,
        supplementary_files=draw(st.lists(text.filter(lambda t: t.upper() != "NONE"), max_size=2)),
    )
    return StudyBundle(study=study, platforms=platforms, samples=samples, expression=matrices, platform_tables=tables)


def _platform(draw: st.DrawFn, accession: str) -> tuple[Platform, pa.Table | None, list[str]]:
    features = draw(st.lists(feature_id, max_size=6, unique=True))
    extra = draw(
        st.lists(
            st.from_regex(r"[A-Za-z][A-Za-z0-9 _]{0,8}[A-Za-z0-9]", fullmatch=True), max_size=2, unique=True
        ).filter(lambda names: "ID" not in names)
    )
    has_table = bool(features) and draw(st.booleans())
    table = None
    columns: list[TableColumn] = []
    if has_table:
        cells = {
            name: draw(st.lists(st.just("") | text, min_size=len(features), max_size=len(features))) for name in extra
        }
        table = pa.table(
            {
                "ID": pa.array(features, pa.string()),
                **{name: pa.array(v, pa.string()) for name, v in cells.items()},
            }
        )
        columns = [TableColumn(name=name, description=draw(opt_text)) for name in ["ID", *extra]]
    rows = len(features) if has_table else 0
    platform = Platform(
        accession=accession,
        archive="geo",
        title=draw(opt_text),
        technology=draw(st.sampled_from(TECHNOLOGIES)),
        distribution=draw(opt_text),
        manufacturer=draw(opt_text),
        organism_taxid=draw(st.none() | st.integers(1, 10**6)),
        organism_name=draw(opt_text),
        table_columns=columns,
        data_row_count_declared=rows,
        data_row_count=rows,
        last_update_date=draw(st.none() | day),
    )
    return platform, table, features


def _sample(
    draw: st.DrawFn, accession: str, study: str, platform: str, features: list[str]
) -> tuple[Sample, list[float] | None]:
    channels = draw(st.integers(1, 2))
    with_values = bool(features) and draw(st.booleans())
    row = draw(st.lists(value, min_size=len(features), max_size=len(features))) if with_values else None
    srx = f"SRX{draw(st.integers(1, 10**7))}"
    sample = Sample(
        accession=accession,
        study_accession=study,
        archive="geo",
        platform_accession=platform,
        title=draw(opt_text),
        source_name=draw(opt_text),
        organism_taxid=draw(st.none() | st.integers(1, 10**6)),
        organism_name=draw(opt_text),
        molecule=draw(opt_text),
        library_strategy=draw(opt_text),
        library_source=draw(opt_text),
        library_selection=draw(opt_text),
        instrument_model=draw(opt_text),
        sample_type=draw(opt_text),
        channel_count=channels,
        description=_multiline(draw),
        submission_date=draw(st.none() | day),
        last_update_date=draw(st.none() | day),
        characteristics=sorted(draw(st.lists(characteristic(channels), max_size=4)), key=lambda c: c.channel),
        xrefs=[CrossRef(db="SRA", accession=srx, relation="SRA", url=f"https://www.ncbi.nlm.nih.gov/sra?term={srx}")]
        if draw(st.booleans())
        else [],
        supplementary_files=draw(st.lists(text.filter(lambda t: t.upper() != "NONE"), max_size=2)),
        table_columns=[TableColumn(name="ID_REF"), TableColumn(name="VALUE", description=draw(text))]
        if row is not None
        else [],
        data_row_count_declared=len(features) if row is not None else 0,
        data_row_count=len(features) if row is not None else 0,
    )
    return sample, row


def _typed(model: Study | Sample | Platform) -> dict[str, object]:
    return model.model_dump(exclude={"attributes"})


def _by_platform(matrices: list[ExpressionMatrix]) -> dict[str | None, ExpressionMatrix]:
    return {matrix.source.platform_accession: matrix for matrix in matrices}


def _assert_same_expression(a: list[ExpressionMatrix], b: list[ExpressionMatrix]) -> None:
    left, right = _by_platform(a), _by_platform(b)
    assert left.keys() == right.keys()
    for platform, matrix in left.items():
        other = right[platform]
        assert matrix.source == other.source
        assert matrix.sample_accessions == other.sample_accessions
        assert matrix.feature_ids == other.feature_ids
        np.testing.assert_array_equal(matrix.values, other.values)


@FAST
@given(bundle=studies())
def test_generated_study_round_trips(tmp_path: Path, bundle: StudyBundle) -> None:
    first = tmp_path / "GSE_roundtrip_family.soft.gz"
    write_family_soft(bundle, first)
    parsed = parse_family_soft(first)
    assert parsed.issues == []
    assert _typed(parsed.study) == _typed(bundle.study)
    assert [_typed(p) for p in parsed.platforms] == [_typed(p) for p in bundle.platforms]
    assert [_typed(s) for s in parsed.samples] == [_typed(s) for s in bundle.samples]
    assert parsed.platform_tables.keys() == bundle.platform_tables.keys()
    for name, table in bundle.platform_tables.items():
        assert parsed.platform_tables[name].equals(table)
    _assert_same_expression(parsed.expression, bundle.expression)
    # and what the parser made of it is a fixed point, attributes included
    second = tmp_path / "GSE_roundtrip_again_family.soft.gz"
    write_family_soft(parsed, second)
    again = parse_family_soft(second, file_name=first.name)
    assert again.study == parsed.study and again.samples == parsed.samples and again.platforms == parsed.platforms
    _assert_same_expression(again.expression, parsed.expression)


# --- damaged real files -------------------------------------------------------------------------

DAMAGE_TARGETS = [
    ("geo/soft/GSE2388_family.soft.gz", parse_family_soft),
    ("geo/soft_examples/soft_ex_family.txt", parse_soft_records),
    ("geo/gpl/GPL4133.txt", read_platform_table),
    ("geo/gds/GDS3254.soft.gz", parse_gds_soft),
    ("geo/series_matrix/GSE99709_series_matrix.txt.gz", parse_series_matrix),
    ("geo/miniml/GSE730_family.xml", parse_miniml),
]


def _plain(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _damage(data: bytes, how: str, rng: random.Random) -> bytes:
    if how == "truncate":
        return data[: rng.randrange(len(data))]
    if how == "flip":
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        return bytes(damaged)
    lines = data.split(b"\n")
    if how == "shuffle":
        for _ in range(rng.randint(1, 4)):
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
    elif how == "drop":
        del lines[rng.randrange(len(lines))]
    else:  # repeat a line somewhere else
        lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
    return b"\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.sampled_from(DAMAGE_TARGETS),
    how=st.sampled_from(["truncate", "flip", "shuffle", "drop", "repeat"]),
    seed=st.integers(0, 2**32 - 1),
    compress=st.booleans(),
)
def test_damaged_files_raise_only_project_errors(
    corpus: Path, tmp_path: Path, target: tuple[str, object], how: str, seed: int, compress: bool
) -> None:
    rel, parser = target
    source = corpus / rel
    data = _damage(_plain(source), how, random.Random(seed))
    name = source.name if not source.name.endswith(".gz") else source.name[:-3]
    path = tmp_path / (name + (".gz" if compress else ""))
    path.write_bytes(gzip.compress(data) if compress else data)
    try:
        parser(path)  # type: ignore[operator]
    except RnacorpusError as error:
        assert error.path is not None
    # anything else propagates and fails the test


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 2**32 - 1),
    rel=st.sampled_from([t[0] for t in DAMAGE_TARGETS if t[0].endswith(".gz")]),
)
def test_damaged_gzip_streams_raise_only_project_errors(corpus: Path, tmp_path: Path, seed: int, rel: str) -> None:
    rng = random.Random(seed)
    raw = bytearray((corpus / rel).read_bytes())
    for _ in range(rng.randint(1, 4)):
        raw[rng.randrange(10, len(raw))] ^= 1 << rng.randrange(8)
    path = tmp_path / (corpus / rel).name
    path.write_bytes(bytes(raw))
    parser = dict(DAMAGE_TARGETS)[rel]
    try:
        parser(path)  # type: ignore[operator]
    except RnacorpusError as error:
        assert error.path is not None


# --- the chunked reader ---------------------------------------------------------------------------


def _read_protocol(data: bytes, chunk: int) -> list[tuple[str, bytes, int]]:
    reader = SoftByteReader(io.BytesIO(data), path="mem", chunk_size=chunk)
    out: list[tuple[str, bytes, int]] = []
    while (line := reader.readline()) is not None:
        out.append(("line", line, reader.line_no))
        if line.endswith(b"_begin"):
            out.append(("block", reader.read_table_block(), reader.line_no))
    return out


_soft_line = st.one_of(
    st.just(b"!sample_table_begin"),
    st.just(b"!sample_table_end"),
    st.just(b"^SAMPLE = GSM1"),
    st.just(b""),
    st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")),
    st.tuples(st.sampled_from([b"!", b"^", b"#", b"x"]), st.binary(max_size=6)).map(
        lambda t: (t[0] + t[1]).replace(b"\n", b"")
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(_soft_line, max_size=30),
    crlf=st.booleans(),
    chunk=st.integers(1, 40),
    final_newline=st.booleans(),
)
# a BOM that fills the first read whole (the rest of the file was once lost) or arrives split over reads
@example(lines=[b"\xef\xbb\xbfabc", b"x"], crlf=False, chunk=3, final_newline=False)
@example(lines=[b"\xef\xbb\xbf"], crlf=True, chunk=1, final_newline=True)
def test_reader_gives_the_same_lines_whatever_the_chunk_size(
    lines: list[bytes], crlf: bool, chunk: int, final_newline: bool
) -> None:
    end = b"\r\n" if crlf else b"\n"
    data = end.join(lines) + (end if final_newline and lines else b"")
    assert _read_protocol(data, chunk) == _read_protocol(data, 1 << 20)


def test_reader_line_numbers_count_table_rows() -> None:
    data = b"^SAMPLE = A\n!sample_table_begin\nID\tVALUE\nx\t1\ny\t2\n!sample_table_end\n"
    events = _read_protocol(data, 3)
    assert events[-1] == ("line", b"!sample_table_end", 6)


# --- the vectorized table parser against a naive oracle ---------------------------------------------

_cell = st.one_of(
    st.floats(width=32, allow_nan=False, allow_infinity=False).map(lambda v: str(np.float32(v))),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from([*sorted(MISSING_VALUE_TOKENS), "NULL", "NaN", " 5 ", "  ", "INF"]),
)


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(st.tuples(st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True), _cell, _cell), max_size=25),
    pad=st.booleans(),
)
def test_numeric_table_parse_matches_a_naive_oracle(rows: list[tuple[str, str, str]], pad: bool) -> None:
    body = "".join(f"{i}\t{a}\t{b}{chr(9) * 2 if pad else ''}\n" for i, a, b in rows).encode()
    table = SoftTable("sample", ["ID_REF", "VALUE", "OTHER"], body, 1, 2, 99, "mem")
    parsed = read_numeric_columns(table, ["VALUE", "OTHER"], accession="GSM1")

    def oracle(text: str) -> float:
        cleaned = text.strip()
        if cleaned.lower() in MISSING_VALUE_TOKENS:
            return float("nan")
        value = np.float32(float(cleaned))
        return float(value) if np.isfinite(value) else float("nan")

    assert parsed.ids.to_pylist() == [i for i, _, _ in rows]
    expected = np.array([[oracle(a) for _, a, _ in rows], [oracle(b) for _, _, b in rows]], np.float32)
    np.testing.assert_array_equal(parsed.values, expected.reshape(2, len(rows)))


def test_feature_kind_follows_the_platform_technology() -> None:
    array = Platform(accession="GPL1", archive="geo", technology="in situ oligonucleotide")
    sequencer = Platform(accession="GPL2", archive="geo", technology="high-throughput sequencing")
    assert (feature_id_kind(array), feature_id_kind(sequencer), feature_id_kind(None)) == (
        "probe",
        "unknown",
        "probe",
    )
