"""``esearch.fcgi`` and ``esummary.fcgi`` as the harvester calls them, for ``db=gds``.

Answers come first from recorded E-utilities files in the mirror folder that answer the request (a
recorded esearch whose translation is the same query and whose page covers the one asked for; a
recorded esummary document per UID), otherwise they are synthesized from the studies the mirror
holds (:mod:`.records`, :mod:`.search`). ``usehistory=y`` keeps the full result under a WebEnv and
query key that ``esummary`` accepts instead of ids, with ``retstart`` / ``retmax`` paging (esummary's
default page is 20, like esearch's).

Errors are shaped like the real service's: an unknown database gives ``esearchresult.ERROR`` (esearch)
or ``error`` (esummary) with HTTP 200, an unknown UID gives ``{"uid": …, "error": "cannot get document
summary"}``.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from rnacorpus.mirror.eutils_docs import ESUMMARY_XML_HEAD, esearch_xml, json_doc, xml_docsum
from rnacorpus.mirror.index import FileEntry, MirrorIndex
from rnacorpus.mirror.query import parse_term, render, same_query
from rnacorpus.mirror.recorded import RecordedSearch, RecordedSummary
from rnacorpus.mirror.records import GdsUniverse, sort_key
from rnacorpus.mirror.responses import Reply, bytes_reply, file_reply
from rnacorpus.mirror.search import search
from rnacorpus.mirror.sniff import Kind

__all__ = ["EutilsService", "History"]

#: Entrez databases a request may name; only gds is synthesized, the others answer from recordings
KNOWN_DBS = frozenset(
    {
        "gds",
        "pubmed",
        "pmc",
        "sra",
        "taxonomy",
        "biosample",
        "bioproject",
        "gene",
        "nuccore",
        "protein",
        "geoprofiles",
    }
)
MAX_RETMAX = 100_000
JSON_TYPE = "application/json; charset=UTF-8"
XML_TYPE = "text/xml; charset=UTF-8"


class History:
    """Entrez's history server in miniature: WebEnv → the UID lists of its queries, in order."""

    def __init__(self, max_envs: int = 128, max_queries: int = 32) -> None:
        self._envs: OrderedDict[str, list[tuple[int, ...]]] = OrderedDict()
        self._max_envs = max_envs
        self._max_queries = max_queries
        self._lock = threading.Lock()

    def store(self, webenv: str | None, uids: tuple[int, ...]) -> tuple[str, int]:
        with self._lock:
            if webenv is None or len(self._envs.get(webenv, ())) >= self._max_queries or webenv not in self._envs:
                webenv = "MCID_" + secrets.token_hex(12)
                self._envs[webenv] = []
            queries = self._envs[webenv]
            self._envs.move_to_end(webenv)
            queries.append(uids)
            while len(self._envs) > self._max_envs:
                self._envs.popitem(last=False)
            return webenv, len(queries)

    def get(self, webenv: str, query_key: str) -> tuple[int, ...] | None:
        with self._lock:
            queries = self._envs.get(webenv)
            if queries is None or not query_key.isdigit() or not 1 <= int(query_key) <= len(queries):
                return None
            return queries[int(query_key) - 1]


def _int(params: Mapping[str, str], key: str, default: int) -> int:
    try:
        return max(0, int(params.get(key, default)))
    except ValueError:
        return default


def _json(obj: object) -> Reply:
    return bytes_reply(json.dumps(obj, indent=4, ensure_ascii=False).encode("utf-8") + b"\n", JSON_TYPE)


def _header(kind: str) -> dict[str, str]:
    return {"type": kind, "version": "0.3"}


class EutilsService:
    def __init__(self, index: MirrorIndex, universe: GdsUniverse) -> None:
        self._index = index
        self._universe = universe
        self.history = History()

    def handle(self, tool: str, params: Mapping[str, str]) -> Reply:
        if tool == "esearch":
            return self.esearch(params)
        return self.esummary(params)

    def _recordings(self) -> list[tuple[FileEntry, RecordedSearch | RecordedSummary]]:
        found = []
        for entry in self._index.of_kind(Kind.EUTILS):
            current = self._index.fresh(entry)
            if current is not None and current.sniffed.recording is not None:
                found.append((current, current.sniffed.recording))
        return found

    # -- esearch ----------------------------------------------------------------------------------

    def esearch(self, params: Mapping[str, str]) -> Reply:
        db = params.get("db", "pubmed").strip().lower()
        retmode = "json" if params.get("retmode", "xml").lower() == "json" else "xml"
        if db not in KNOWN_DBS:
            return self._search_reply({"ERROR": f"Invalid db name specified: {db}"}, retmode)
        term = params.get("term", "")
        if not term.strip():
            return self._search_reply({"ERROR": "Empty term and query_key - nothing todo"}, retmode)
        recorded = self._recorded_search(db, term, params, retmode)
        if recorded is not None:
            return recorded
        parsed = parse_term(term, params.get("field"))
        records = self._universe.records() if db == "gds" else {}
        found = search(parsed.root, records)
        ordered = tuple(sorted(found.uids, key=lambda uid: sort_key(records[uid])))
        retstart = _int(params, "retstart", 0)
        page = ordered[retstart : retstart + min(_int(params, "retmax", 20), MAX_RETMAX)]
        result: dict[str, Any] = {
            "count": str(len(ordered)),
            "retmax": str(len(page)),
            "retstart": str(retstart),
        }
        if params.get("usehistory", "").lower() == "y":
            webenv, query_key = self.history.store(params.get("webenv"), ordered)
            result |= {"querykey": str(query_key), "webenv": webenv}
        result |= {
            "idlist": [str(uid) for uid in page],
            "translationset": [],
            "translationstack": list(found.stack),
            "querytranslation": render(parsed.root),
        }
        if parsed.fields_not_found:
            result["errorlist"] = {"phrasesnotfound": [], "fieldsnotfound": list(parsed.fields_not_found)}
        if not ordered:
            result["warninglist"] = {
                "phrasesignored": [],
                "quotedphrasesnotfound": [],
                "outputmessages": ["No items found."],
            }
        return self._search_reply(result, retmode)

    def _search_reply(self, result: dict[str, Any], retmode: str) -> Reply:
        if retmode == "json":
            return _json({"header": _header("esearch"), "esearchresult": result})
        return bytes_reply(esearch_xml(result).encode("utf-8"), XML_TYPE)

    def _recorded_search(self, db: str, term: str, params: Mapping[str, str], retmode: str) -> Reply | None:
        asked = parse_term(term, params.get("field"), foreign=True)
        retstart = _int(params, "retstart", 0)
        retmax = _int(params, "retmax", 20)
        wants_history = params.get("usehistory", "").lower() == "y"
        for entry, recording in self._recordings():
            if not isinstance(recording, RecordedSearch) or recording.retmode != retmode:
                continue
            if (recording.db_hint == "gds") != (db == "gds") and recording.db_hint is not None:
                continue
            complete = recording.retstart + len(recording.ids) >= recording.count
            covers = retmax == len(recording.ids) or (complete and retmax >= len(recording.ids))
            if retstart != recording.retstart or not covers or (wants_history and not recording.has_history):
                continue
            if same_query(parse_term(recording.translation, foreign=True), asked):
                return file_reply(entry.path, content_type=JSON_TYPE if retmode == "json" else XML_TYPE)
        return None

    # -- esummary ---------------------------------------------------------------------------------

    def esummary(self, params: Mapping[str, str]) -> Reply:
        db = params.get("db", "pubmed").strip().lower()
        retmode = "json" if params.get("retmode", "xml").lower() == "json" else "xml"
        if db not in KNOWN_DBS:
            return self._summary_error("error", f"Invalid db name specified: {db}", retmode)
        uids = self._requested_uids(params)
        if isinstance(uids, str):
            return self._summary_error("esummaryresult", uids, retmode)
        recordings = [
            (entry, rec)
            for entry, rec in self._recordings()
            if isinstance(rec, RecordedSummary) and rec.retmode == retmode and (rec.db_hint or "other") == _family(db)
        ]
        for entry, rec in recordings:
            if rec.wrapped and rec.uids == uids:
                return file_reply(entry.path, content_type=JSON_TYPE if retmode == "json" else XML_TYPE)
        recorded_docs: dict[str, Any] = {}
        for _, rec in sorted(recordings, key=lambda pair: pair[1].wrapped):  # whole answers win over fragments
            recorded_docs |= {uid: doc for uid, doc in rec.docs.items() if uid in uids}
        records = self._universe.records() if db == "gds" else {}
        docs: dict[str, Any] = {}
        for uid in uids:
            if uid in recorded_docs:
                docs[uid] = recorded_docs[uid]
            elif uid.isdigit() and int(uid) in records:
                synthesized = json_doc(records[int(uid)])
                docs[uid] = synthesized if retmode == "json" else xml_docsum(synthesized)
        return self._summary_reply(uids, docs, retmode)

    def _requested_uids(self, params: Mapping[str, str]) -> tuple[str, ...] | str:
        """The UIDs asked for, from ``id`` or from the history; a string is an error message."""
        if params.get("id", "").strip():
            raw = params["id"].replace(" ", ",").split(",")
            return tuple(dict.fromkeys(uid.strip() for uid in raw if uid.strip()))
        query_key = params.get("query_key", "").strip()
        webenv = params.get("webenv", "").strip()
        if not query_key or not webenv:
            return "Empty id list - nothing todo"
        stored = self.history.get(webenv, query_key)
        if stored is None:
            return f"Unable to obtain query #{query_key}"
        retstart = _int(params, "retstart", 0)
        page = stored[retstart : retstart + min(_int(params, "retmax", 20), MAX_RETMAX)]
        return tuple(str(uid) for uid in page)

    def _summary_reply(self, uids: tuple[str, ...], docs: Mapping[str, Any], retmode: str) -> Reply:
        if retmode == "json":
            result: dict[str, Any] = {"uids": list(uids)}
            for uid in uids:
                result[uid] = docs.get(uid, {"uid": uid, "error": "cannot get document summary"})
            return _json({"header": _header("esummary"), "result": result})
        parts = [ESUMMARY_XML_HEAD, "<eSummaryResult>\n"]
        for uid in uids:
            if uid in docs:
                parts.append(str(docs[uid]) + "\n")
            else:
                parts.append(f"<ERROR>UID={uid}: cannot get document summary</ERROR>\n")
        parts.append("</eSummaryResult>\n")
        return bytes_reply("".join(parts).encode("utf-8"), XML_TYPE)

    def _summary_error(self, key: str, message: str, retmode: str) -> Reply:
        if retmode == "json":
            value: object = [message] if key == "esummaryresult" else message
            return _json({"header": _header("esummary"), key: value})
        body = f"{ESUMMARY_XML_HEAD}<eSummaryResult>\n<ERROR>{escape(message)}</ERROR>\n</eSummaryResult>\n"
        return bytes_reply(body.encode("utf-8"), XML_TYPE)


def _family(db: str) -> str:
    """Recorded documents know only whether they are gds documents or something else."""
    return "gds" if db == "gds" else "other"
