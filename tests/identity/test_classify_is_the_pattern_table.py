"""``classify`` matches one alternation built from the pattern table: its answer must be the table's
own, tried pattern by pattern in order (the first whole match names the kind; an INSDC pattern's
group 1 names the issuer), for every kind, near misses, whitespace, case and non-ASCII digits."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rnacorpus.identifiers import _INSDC_ARCHIVE, _PATTERNS, Accession, classify


def _table_answer(text: str) -> Accession | None:
    accession = text.strip()
    for pattern, kind, archive in _PATTERNS:
        match = pattern.match(accession)
        if match is not None:
            return Accession(accession, kind, archive if archive is not None else _INSDC_ARCHIVE[match.group(1)])
    return None


_PREFIXES = ["GSE", "GSM", "GPL", "E-MTAB-", "E-GEOD-", "A-AFFY-", "E-MTA-", "SRP", "ERP", "DRP", "XRP",
             "PRJNA", "PRJEB", "PRJX", "SRX", "ERR", "DRS", "SRA", "SAMN", "SAMEA", "SAME", "SAMEG", "SAMD",
             "SAMX", "gsm", ""]  # fmt: skip
_accessions = st.tuples(
    st.sampled_from(["", " ", "\t", "\n"]),
    st.sampled_from(_PREFIXES),
    st.text(alphabet="0123456789٢", min_size=0, max_size=4),
    st.sampled_from(["", "\n", " ", "x", "-1", "\n\n"]),
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(_accessions, st.text(max_size=12)))
@example(text="GSE1\n")
@example(text="SRR1603661")
@example(text="E-GEOD-44")
@example(text="SAMEA1")
def test_classify_gives_the_pattern_tables_answer(text: str) -> None:
    assert classify(text) == _table_answer(text)


def test_every_kind_is_reached() -> None:
    examples = ["GSE1", "GSM1", "GPL1", "E-MTAB-1", "A-AFFY-1", "ERP1", "PRJNA1", "DRX1", "SRR1", "ERS1", "SRA1",
                "SAMD1"]  # fmt: skip
    kinds = [found.kind for text in examples if (found := classify(text)) is not None]
    assert kinds == [kind for _, kind, _ in _PATTERNS]
    assert [classify(t).archive for t in ("ERP1", "DRX1", "SRR1")] == ["ena", "ddbj", "sra"]  # type: ignore[union-attr]
