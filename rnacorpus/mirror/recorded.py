"""Recorded E-utilities responses found in the mirror folder, parsed once so they can answer requests.

A recorded ``esearch`` answers a request whose term translates to the same query and whose page it
covers; a recorded ``esummary`` contributes one document per UID (JSON object or XML ``DocSum``), so a
request may be answered from several recordings, or mixed with synthesized documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET

__all__ = ["RecordedSearch", "RecordedSummary", "Recording", "parse_eutils_json", "parse_eutils_xml"]

Retmode = Literal["json", "xml"]


@dataclass(frozen=True)
class RecordedSearch:
    retmode: Retmode
    translation: str
    count: int
    retstart: int
    ids: tuple[str, ...]
    has_history: bool
    #: a bare db guess: a search that returned gds UIDs (GSE/GPL/GSM ranges) is a gds search
    db_hint: str | None = None


@dataclass(frozen=True)
class RecordedSummary:
    retmode: Retmode
    uids: tuple[str, ...]
    #: uid -> JSON document (retmode json) or the DocSum element's text (retmode xml)
    docs: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    #: "gds" when the documents are GEO DataSets documents (they carry an entry type); None if unknown
    db_hint: str | None = None
    #: a whole response with its wrapper, not a fragment cut out of one
    wrapped: bool = True


Recording = RecordedSearch | RecordedSummary

_DIGITS = re.compile(r"^\d+$")
_DOCSUM = re.compile(r"<DocSum>.*?</DocSum>", re.DOTALL)
_DOCSUM_ID = re.compile(r"<Id>\s*(\d+)\s*</Id>")


def _gds_hint(ids: tuple[str, ...]) -> str | None:
    # GEO DataSets UIDs of series/platforms/samples sit in the 1e8..4e8 ranges; PubMed IDs rarely do
    return "gds" if ids and all(100_000_000 < int(uid) < 400_000_000 for uid in ids) else None


def parse_eutils_json(data: Any) -> Recording | None:
    """A recorded esearch/esummary JSON document, or None when ``data`` is something else."""
    if not isinstance(data, dict):
        return None
    search = data.get("esearchresult")
    if isinstance(search, dict) and "idlist" in search:
        ids = tuple(str(uid) for uid in search.get("idlist", []))
        return RecordedSearch(
            retmode="json",
            translation=str(search.get("querytranslation", "")),
            count=int(search.get("count", len(ids))),
            retstart=int(search.get("retstart", 0)),
            ids=ids,
            has_history="webenv" in search,
            db_hint=_gds_hint(ids),
        )
    result = data.get("result")
    if isinstance(result, dict) and isinstance(result.get("uids"), list):
        uids = tuple(str(uid) for uid in result["uids"])
        docs = {uid: result[uid] for uid in uids if isinstance(result.get(uid), dict)}
        return _summary("json", uids, docs, wrapped=True)
    if data and all(_DIGITS.match(key) and isinstance(value, dict) for key, value in data.items()):
        # a fragment: documents keyed by UID without the header/result wrapper
        return _summary("json", tuple(data), dict(data), wrapped=False)
    return None


def _summary(retmode: Retmode, uids: tuple[str, ...], docs: dict[str, Any], *, wrapped: bool) -> RecordedSummary:
    if retmode == "json":
        is_gds = any("entrytype" in doc for doc in docs.values())
    else:
        is_gds = any('Name="entryType"' in doc for doc in docs.values())
    return RecordedSummary(
        retmode=retmode,
        uids=uids,
        docs=MappingProxyType(docs),
        db_hint="gds" if is_gds else None,
        wrapped=wrapped,
    )


def _text(element: Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def parse_eutils_xml(text: str) -> Recording | None:
    """A recorded ``eSearchResult`` / ``eSummaryResult`` document, or None."""
    if "<eSummaryResult" in text:
        docs: dict[str, str] = {}
        for match in _DOCSUM.finditer(text):
            found = _DOCSUM_ID.search(match.group(0))
            if found:
                docs[found.group(1)] = match.group(0)
        return _summary("xml", tuple(docs), docs, wrapped=True) if docs else None
    if "<eSearchResult" not in text:
        return None
    try:
        root = SafeET.fromstring(text)
    except Exception:
        return None
    ids = tuple((node.text or "").strip() for node in root.iterfind("IdList/Id"))
    return RecordedSearch(
        retmode="xml",
        translation=_text(root, "QueryTranslation"),
        count=int(_text(root, "Count") or len(ids)),
        retstart=int(_text(root, "RetStart") or 0),
        ids=ids,
        has_history=root.find("WebEnv") is not None,
        db_hint=_gds_hint(ids),
    )


def load_json_text(text: str) -> Any:
    """``json.loads`` that answers None for text that is not JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return None
