"""E-utilities documents in the real service's shapes: esummary JSON/XML docs, esearch XML.

Field names, their order and their types are copied from recorded answers (corpus
``eutils/GSE93374_summary.txt``, ``geo.esummary.test2.xml``): counts are strings in esearch JSON,
``n_samples`` is a number, several platforms or series are joined with ``;`` and several organisms or
types with ``; ``. The last-update date is not part of an esummary document (it is not in the real
one either); ``[MDAT]`` searches are how a refresh finds updated series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from rnacorpus.harvester.geo.urls import geo_stub
from rnacorpus.mirror.records import GdsRecord

__all__ = ["ESEARCH_XML_HEAD", "ESUMMARY_XML_HEAD", "esearch_xml", "json_doc", "xml_docsum"]

ESUMMARY_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSummaryResult PUBLIC "-//NLM//DTD esummary v1 20041029//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20041029/esummary-v1.dtd">\n'
)
ESEARCH_XML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
_FOLDERS = {"GSE": "series", "GSM": "samples", "GPL": "platforms", "GDS": "datasets"}


def _numbers(accessions: Sequence[str]) -> str:
    return ";".join(accession[3:] for accession in accessions)


def ftp_link(accession: str) -> str:
    folder = _FOLDERS[accession[:3]]
    return f"ftp://ftp.ncbi.nlm.nih.gov/geo/{folder}/{geo_stub(accession)}/{accession}/"


def sra_ftp_link(accession: str) -> str:
    return f"ftp://ftp-trace.ncbi.nlm.nih.gov/sra/sra-instant/reads/ByStudy/sra/{accession[:3]}/{accession[:6]}/{accession}/"


def json_doc(record: GdsRecord) -> dict[str, Any]:
    """One ``result[uid]`` object of ``esummary.fcgi?db=gds&retmode=json``."""
    is_series = record.entrytype == "GSE"
    return {
        "uid": str(record.uid),
        "accession": record.accession,
        "gds": record.accession[3:] if record.entrytype == "GDS" else "",
        "title": record.title,
        "summary": record.summary,
        "gpl": _numbers(record.platforms),
        "gse": _numbers(record.series),
        "taxon": "; ".join(record.taxa),
        "entrytype": record.entrytype,
        "gdstype": "; ".join(record.gdstypes),
        "ptechtype": "",
        "valtype": "",
        "ssinfo": "",
        "subsetinfo": "",
        "pdat": record.pdat.strftime("%Y/%m/%d") if record.pdat else "",
        "suppfile": record.suppfile,
        "samples": [{"accession": gsm, "title": title} for gsm, title in record.samples],
        "relations": [
            {"relationtype": kind, "targetobject": target, "targetftplink": ftp_link(target)}
            for kind, target in record.relations
        ],
        "extrelations": [
            {"relationtype": kind, "targetobject": target, "targetftplink": sra_ftp_link(target)}
            for kind, target in record.extrelations
        ],
        "n_samples": len(record.samples),
        "seriestitle": record.seriestitle,
        "platformtitle": record.platformtitle,
        "platformtaxa": record.platformtaxa,
        "samplestaxa": "",
        "pubmedids": list(record.pubmedids),
        "projects": [],
        "ftplink": ftp_link(record.accession),
        "geo2r": "yes" if is_series and "Expression profiling by array" in record.gdstypes else "no",
        "bioproject": record.bioproject,
    }


#: (JSON key, XML item name, XML type) in the order the real XML lists them
_XML_ITEMS = (
    ("accession", "Accession", "String"),
    ("gds", "GDS", "String"),
    ("title", "title", "String"),
    ("summary", "summary", "String"),
    ("gpl", "GPL", "String"),
    ("gse", "GSE", "String"),
    ("taxon", "taxon", "String"),
    (None, "GSM_L", "String"),
    (None, "GSM_titles_L", "String"),
    ("entrytype", "entryType", "String"),
    ("gdstype", "gdsType", "String"),
    ("ptechtype", "ptechType", "String"),
    ("valtype", "valType", "String"),
    ("ssinfo", "SSInfo", "String"),
    ("subsetinfo", "subsetInfo", "String"),
    ("pdat", "PDAT", "String"),
    ("suppfile", "suppFile", "String"),
)
_XML_TAIL = (
    ("n_samples", "n_samples", "Integer"),
    ("seriestitle", "SeriesTitle", "String"),
    ("platformtitle", "PlatformTitle", "String"),
    ("platformtaxa", "PlatformTaxa", "String"),
    ("samplestaxa", "SamplesTaxa", "String"),
)


def _item(name: str, kind: str, value: object) -> str:
    return f'\t<Item Name="{name}" Type="{kind}">{escape(str(value))}</Item>'


def _list(name: str, items: Sequence[str]) -> str:
    if not items:
        return f'\t<Item Name="{name}" Type="List"></Item>'
    return "\n".join((f'\t<Item Name="{name}" Type="List">', *items, "\t</Item>"))


def xml_docsum(doc: Mapping[str, Any]) -> str:
    """A version-1 ``<DocSum>`` for one JSON document."""
    lines = ["<DocSum>", f"\t<Id>{doc['uid']}</Id>"]
    lines += [_item(name, kind, doc.get(key, "") if key else "") for key, name, kind in _XML_ITEMS]
    samples = [
        '\t\t<Item Name="Sample" Type="Structure">\n'
        f'\t\t\t<Item Name="Accession" Type="String">{escape(sample["accession"])}</Item>\n'
        f'\t\t\t<Item Name="Title" Type="String">{escape(sample["title"])}</Item>\n'
        "\t\t</Item>"
        for sample in doc.get("samples", [])
    ]
    relations = [
        '\t\t<Item Name="Relation" Type="Structure">\n'
        f'\t\t\t<Item Name="RelationType" Type="String">{escape(rel["relationtype"])}</Item>\n'
        f'\t\t\t<Item Name="TargetObject" Type="String">{escape(rel["targetobject"])}</Item>\n'
        "\t\t</Item>"
        for rel in (*doc.get("relations", []), *doc.get("extrelations", []))
    ]
    lines += [_list("Samples", samples), _list("Relations", relations)]
    lines += [_item(name, kind, doc.get(key, "")) for key, name, kind in _XML_TAIL]
    pubmed = [f'\t\t<Item Name="int" Type="Integer">{escape(str(pmid))}</Item>' for pmid in doc.get("pubmedids", [])]
    lines += [_list("PubMedIds", pubmed), _list("Projects", [])]
    lines += [
        _item("FTPLink", "String", doc.get("ftplink", "")),
        _item("Bioproject", "String", doc.get("bioproject", "")),
    ]
    lines.append("</DocSum>")
    return "\n".join(lines)


def esearch_xml(result: Mapping[str, Any]) -> str:
    """The XML form of an ``esearchresult`` dict (as :mod:`.eutils` builds it for JSON)."""
    if "ERROR" in result:
        return f"{ESEARCH_XML_HEAD}<eSearchResult><ERROR>{escape(result['ERROR'])}</ERROR></eSearchResult>\n"
    parts = [
        f"<Count>{result['count']}</Count><RetMax>{result['retmax']}</RetMax><RetStart>{result['retstart']}</RetStart>"
    ]
    if "querykey" in result:
        parts.append(f"<QueryKey>{result['querykey']}</QueryKey><WebEnv>{escape(result['webenv'])}</WebEnv>")
    ids = "".join(f"\n<Id>{uid}</Id>" for uid in result["idlist"])
    parts.append(f"<IdList>{ids}\n</IdList><TranslationSet/>")
    stack = []
    for element in result.get("translationstack", []):
        if isinstance(element, dict):
            stack.append(
                f"<TermSet><Term>{escape(element['term'])}</Term><Field>{escape(element['field'])}</Field>"
                f"<Count>{element['count']}</Count><Explode>{element['explode']}</Explode></TermSet>"
            )
        else:
            stack.append(f"<OP>{element}</OP>")
    if stack:
        parts.append("<TranslationStack>" + "".join(stack) + "</TranslationStack>")
    parts.append(f"<QueryTranslation>{escape(result['querytranslation'])}</QueryTranslation>")
    if "errorlist" in result:
        fields = "".join(
            f"<FieldNotFound>{escape(name)}</FieldNotFound>" for name in result["errorlist"]["fieldsnotfound"]
        )
        parts.append(f"<ErrorList>{fields}</ErrorList>")
    return ESEARCH_XML_HEAD + "<eSearchResult>" + "".join(parts) + "</eSearchResult>\n"
