"""A relation's URL read directly (GEO's plain shape) names the same accession as urllib's reading."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rnacorpus.harvester.geo.soft_records import _accession_in_any_url, _accession_in_url, relation_xref

# every character the direct reading treats specially, and the ones it lets through
_PIECE = st.one_of(
    st.text(alphabet="aZ09_-.~:@=/", max_size=12),  # mostly the plain shape, read directly
    st.text(alphabet="aZ09_-.~:@=!$'()*,/?#;%+&[] \t\x01é", max_size=12),
)
_KEY = st.sampled_from(["term", "acc", "accession", "id", "ID", "db", ""])


@given(
    scheme=st.sampled_from(["https", "http", "ftp", "HTTPS", "s3", "a+b"]),
    host=_PIECE,
    path=_PIECE,
    key=_KEY,
    value=_PIECE,
    query=st.booleans(),
)
@settings(max_examples=1500, deadline=None)
@example(scheme="https", host="www.ncbi.nlm.nih.gov", path="/sra", key="term", value="SRX1", query=True)
@example(scheme="https", host="www.ncbi.nlm.nih.gov", path="/biosample/SAMN1/", key="", value="", query=False)
@example(scheme="https", host="h", path="/p", key="term", value="a%20b", query=True)
@example(scheme="https", host="h", path="/p;x", key="db", value="1", query=True)
@example(scheme="https", host="h[", path="/p", key="", value="", query=False)
def test_any_url_gives_the_urllib_answer(scheme: str, host: str, path: str, key: str, value: str, query: bool) -> None:
    url = f"{scheme}://{host}{path}" + (f"?{key}={value}" if query else "")
    try:
        expected = _accession_in_any_url(url)
    except ValueError as exc:  # urllib rejects it (a bracket in the host): so must the direct reading
        try:
            _accession_in_url(url)
        except ValueError as again:
            assert type(again) is type(exc)
        else:
            raise AssertionError(f"{url!r} read although urllib rejects it") from exc
        return
    assert _accession_in_url(url) == expected


def test_geo_relations_name_their_records() -> None:
    sra = relation_xref("SRA: https://www.ncbi.nlm.nih.gov/sra?term=SRX1234567")
    biosample = relation_xref("BioSample: https://www.ncbi.nlm.nih.gov/biosample/SAMN01234567")
    assert sra is not None and (sra.db, sra.accession) == ("SRA", "SRX1234567")
    assert biosample is not None and (biosample.db, biosample.accession) == ("BioSample", "SAMN01234567")
