"""GEO's series download page → NCBI-generated count / TPM / FPKM / annotation links."""

from __future__ import annotations

from rnacorpus.harvester.geo.download_page import parse_download_page

BASE = "https://www.ncbi.nlm.nih.gov/geo/download/?acc=GSE164073"


def _link(file: str, acc: str | None = "GSE164073", text: str = "file", quote: str = '"') -> str:
    query = "type=rnaseq_counts" + (f"&amp;acc={acc}" if acc else "") + f"&amp;format=file&amp;file={file}"
    return f"<tr><td><a href={quote}/geo/download/?{query}{quote}>{text}</a></td></tr>"


PAGE = "\n".join(
    [
        "<html><body><h2>Download RNA-seq counts</h2><table>",
        "<tr><td>NCBI-generated data</td></tr>",
        _link("GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz", text="GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz"),
        _link("GSE164073_norm_counts_FPKM_GRCh38.p13_NCBI.tsv.gz", text="FPKM"),
        _link("GSE164073_norm_counts_TPM_GRCh38.p13_NCBI.tsv.gz", text="TPM", quote="'"),
        '<tr><td><a href="/geo/download/?format=file&amp;type=rnaseq_counts&amp;'
        'file=Human.GRCh38.p13.annot.tsv.gz">annotation</a></td></tr>',
        _link("GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz", text="again"),
        '<tr><td><a href="/geo/download/?acc=GSE164073&amp;format=file">GSE164073_RAW.tar</a></td></tr>',
        _link("../../etc/passwd_counts_x", acc="GSE1", text="bad"),
        "</table></body></html>",
    ]
)


def test_links_are_found_and_classified() -> None:
    links = parse_download_page(PAGE, BASE)
    assert not links.empty and links.has_counts
    (raw,) = links.raw_counts
    assert raw.file_name == "GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    assert raw.url == (
        "https://www.ncbi.nlm.nih.gov/geo/download/?type=rnaseq_counts&acc=GSE164073&format=file"
        "&file=GSE164073_raw_counts_GRCh38.p13_NCBI.tsv.gz"
    )
    assert (raw.accession, raw.build) == ("GSE164073", "GRCh38.p13")
    assert [f.file_name for f in links.tpm] == ["GSE164073_norm_counts_TPM_GRCh38.p13_NCBI.tsv.gz"]
    assert [f.file_name for f in links.fpkm] == ["GSE164073_norm_counts_FPKM_GRCh38.p13_NCBI.tsv.gz"]
    (annot,) = links.annotation
    assert (annot.species, annot.build, annot.accession) == ("Human", "GRCh38.p13", None)
    assert len(links.files()) == 4  # the duplicate, the RAW.tar and the unsafe name are left out


def test_mirror_base_keeps_links_on_the_mirror() -> None:
    links = parse_download_page(PAGE, "http://127.0.0.1:8000/geo/download/?acc=GSE164073")
    assert links.raw_counts[0].url.startswith("http://127.0.0.1:8000/geo/download/?type=rnaseq_counts")


def test_mouse_page_and_a_page_without_counts() -> None:
    mouse = (
        '<a href="/geo/download/?type=rnaseq_counts&amp;acc=GSE2&amp;format=file&amp;'
        'file=GSE2_raw_counts_GRCm39_NCBI.tsv.gz">c</a>'
        '<a href="/geo/download/?type=rnaseq_counts&amp;format=file&amp;file=Mouse.GRCm39.annot.tsv.gz">a</a>'
    )
    links = parse_download_page(mouse, BASE)
    assert links.raw_counts[0].build == "GRCm39" and links.annotation[0].species == "Mouse"
    empty = parse_download_page(
        "<html><body>Download GSE3: <a href='/geo/download/?acc=GSE3&amp;format=file'>GSE3_RAW.tar</a></body></html>",
        BASE,
    )
    assert empty.empty and not empty.has_counts and empty.files() == ()
