"""URL → answer: the routing table of the mirror.

Paths are exactly those :mod:`rnacorpus.harvester.geo.urls` builds, with the host dropped (the HTTP
client's ``--mirror`` keeps path and query). Each route is a path pattern and a handler; a handler
answering None means "not held here", which becomes the archives' HTML 404. EBI paths are plain
file-name routes: the URL names a file (``{ACC}.idf.txt``, ``{ACC}.xml`` …) that is looked up by name
anywhere under the mirror root, so adding an archive is adding a row. A path that matches no route
is tried literally against the folder (a mirror laid out like the archive), through the index only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from rnacorpus.harvester.geo.urls import ACCESSION_RE
from rnacorpus.mirror.acccgi import plan_acc_cgi
from rnacorpus.mirror.details import DetailsCache
from rnacorpus.mirror.ebi import EbiAnswers
from rnacorpus.mirror.eutils import EutilsService
from rnacorpus.mirror.geo_files import GeoFiles
from rnacorpus.mirror.geo_suppl import SUPPL_ROUTES, GeoSuppl
from rnacorpus.mirror.index import MirrorIndex
from rnacorpus.mirror.listing import acc_not_found_page, not_found_page
from rnacorpus.mirror.records import GdsUniverse
from rnacorpus.mirror.responses import DerivedCache, Reply, bytes_reply, file_reply

__all__ = ["Route", "Router"]

logger = logging.getLogger(__name__)

Params = dict[str, str]
Handler = Callable[[re.Match[str], Params], Reply | None]
HTML = "text/html; charset=utf-8"
_STUB = r"(?P<stub>[A-Z]{3}\d*nnn)"


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    handler: Handler
    #: when the handler holds nothing, later routes are tried (GEO suppl folders laid out as on GEO)
    fallthrough: bool = False


@dataclass(frozen=True)
class FileNameRoute:
    """A URL that names a file: the candidates' names are built from the match and the query."""

    pattern: str
    names: Callable[[re.Match[str], Params], list[str]]
    content_type: str | None = None


#: EBI (ArrayExpress/BioStudies, ENA, BioSamples): one row per URL shape
EBI_ROUTES = (
    FileNameRoute(r"^/biostudies/files/(?P<acc>[^/]+)/(?P<name>[^/]+)$", lambda m, p: [m["name"]]),
    FileNameRoute(r"^/arrayexpress/files/(?P<acc>[^/]+)/(?P<name>[^/]+)$", lambda m, p: [m["name"]]),
    # BioStudies' FTP/HTTP tree: /biostudies/nfs|fire/E-MTAB-/050/E-MTAB-3050/Files/NAME
    FileNameRoute(
        r"^/biostudies/(?:nfs|fire)/[^/]+/\d+/(?P<acc>[^/]+)/Files/(?P<name>[^/]+)$", lambda m, p: [m["name"]]
    ),
    FileNameRoute(
        r"^/arrayexpress/json/v3/experiments/(?P<acc>[^/]+?)(?:/(?P<part>protocols|samples|files))?/?$",
        lambda m, p: [f"{m['acc']}_{m['part']}.json" if m["part"] else f"{m['acc']}.json"],
    ),
    FileNameRoute(
        r"^/ena/browser/api/xml/(?P<acc>[^/]+)$",
        lambda m, p: [f"{m['acc']}.xml", f"{m['acc']}.txt", f"{m['acc']}_xml.txt"],
        "application/xml",
    ),
)


class Router:
    def __init__(self, index: MirrorIndex, derived: DerivedCache) -> None:
        self.index = index
        self.derived = derived
        self.files = GeoFiles(index, derived)
        self.universe = GdsUniverse(index, DetailsCache())
        self.eutils = EutilsService(index, self.universe)
        self.suppl = GeoSuppl(index, derived, self.files)
        suppl = [Route(re.compile(p), _no_params(self.suppl.handler(m)), fallthrough=True) for p, m in SUPPL_ROUTES]
        self.ebi = EbiAnswers(index)  # BioStudies v1, ENA portal, BioSamples: recorded, else written
        ebi = [Route(re.compile(pattern), handler) for pattern, handler in self.ebi.table()]
        self.routes = suppl + self._geo_routes() + ebi + [self._file_name_route(route) for route in EBI_ROUTES]

    def handle(self, path: str, params: Params) -> Reply:
        """Answer one GET/HEAD/POST; ``path`` is percent-decoded, ``params`` have lower-case keys."""
        if not _safe(path):
            logger.debug("refusing unsafe path %r", path)
            return bytes_reply(not_found_page(path), HTML, status=404)
        self.index.refresh()
        for route in self.routes:
            match = route.pattern.match(path)
            if match is not None:
                reply = route.handler(match, params)
                if reply is None and route.fallthrough:
                    continue
                return reply if reply is not None else self._not_found(path, params)
        literal = self.index.at_path(path)
        if literal is not None and (literal := self.index.fresh(literal)) is not None:
            return file_reply(literal.path, status=literal.sniffed.status)
        return self._not_found(path, params)

    def _not_found(self, path: str, params: Params) -> Reply:
        if path == "/geo/query/acc.cgi":
            return bytes_reply(acc_not_found_page(params.get("acc", "")), HTML, status=404)
        return bytes_reply(not_found_page(path), HTML, status=404)

    # -- the table --------------------------------------------------------------------------------

    def _geo_routes(self) -> list[Route]:
        files = self.files
        series = rf"^/geo/series/{_STUB}/(?P<acc>GSE\d+)"
        table: list[tuple[str, Handler]] = [
            (
                series + r"/soft/(?P=acc)_family\.soft\.gz$",
                self._checked(lambda m, p: files.family_soft(m["acc"])),
            ),
            (
                series + r"/miniml/(?P=acc)_family\.xml\.tgz$",
                self._checked(lambda m, p: files.miniml_tgz(m["acc"])),
            ),
            (
                series + r"/matrix/(?P<name>[^/]+)$",
                self._checked(lambda m, p: files.matrix_file(m["acc"], m["name"])),
            ),
            (
                series + r"/(?P<part>matrix|suppl|soft|miniml)/?$",
                self._checked(lambda m, p: files.series_subdir(_dir(m), m["acc"], m["part"])),
            ),
            (series + r"/?$", self._checked(lambda m, p: files.series_dir(_dir(m), m["acc"]))),
            (
                rf"^/geo/(?:series|platforms|samples)/{_STUB}/(?P<acc>(?:GSE|GPL|GSM)\d+)/suppl/(?P<name>[^/]+)$",
                self._checked(lambda m, p: files.suppl_file(m["acc"], m["name"])),
            ),
            (
                rf"^/geo/(?:platforms|samples)/{_STUB}/(?P<acc>(?:GPL|GSM)\d+)/suppl/?$",
                self._checked(lambda m, p: _listing_or_none(files, _dir(m), m["acc"])),
            ),
            (
                rf"^/geo/platforms/{_STUB}/(?P<acc>GPL\d+)/annot/(?P=acc)\.annot\.gz$",
                self._checked(lambda m, p: files.annot(m["acc"])),
            ),
            (
                rf"^/geo/platforms/{_STUB}/(?P<acc>GPL\d+)/soft/(?P=acc)_family\.soft\.gz$",
                self._checked(lambda m, p: files.platform_family(m["acc"])),
            ),
            (
                rf"^/geo/datasets/{_STUB}/(?P<acc>GDS\d+)/soft/(?P<name>(?P=acc)(?:_full)?\.soft\.gz)$",
                self._checked(lambda m, p: files.dataset_soft(m["acc"], m["name"])),
            ),
            (r"^/geo/query/acc\.cgi$", lambda m, p: self._acc_cgi(p)),
            (r"^/geo/download/?$", lambda m, p: files.download(p)),
            (
                r"^/entrez/eutils/(?P<tool>esearch|esummary)\.fcgi$",
                lambda m, p: self.eutils.handle(m["tool"], p),
            ),
        ]
        return [Route(re.compile(pattern), handler) for pattern, handler in table]

    def _checked(self, handler: Handler) -> Handler:
        """GEO's folder stub must be the accession's (``GSE1299`` lives in ``GSE1nnn``)."""

        def guarded(match: re.Match[str], params: Params) -> Reply | None:
            return handler(match, params) if GeoFiles.stub_ok(match["stub"], match["acc"]) else None

        return guarded

    def _file_name_route(self, route: FileNameRoute) -> Route:
        def handler(match: re.Match[str], params: Params) -> Reply | None:
            for name in route.names(match, params):
                if "/" in name or name in {"", ".", ".."}:
                    continue
                for entry in self.index.by_name(name):
                    current = self.index.fresh(entry)
                    if current is not None:
                        return file_reply(current.path, status=current.sniffed.status, content_type=route.content_type)
            return None

        return Route(re.compile(route.pattern), handler)

    def _acc_cgi(self, params: Params) -> Reply | None:
        accession = params.get("acc", "").strip().upper()
        targ = params.get("targ", "self").strip().lower()
        form = params.get("form", "html").strip().lower()
        view = params.get("view", "brief").strip().lower()
        if not ACCESSION_RE.match(accession):
            return None
        if form not in {"text", "xml"}:
            message = f"form={form} is not mirrored; ask for form=text or form=xml\n"
            return bytes_reply(message.encode(), "text/plain; charset=utf-8", status=400)
        plan = plan_acc_cgi(self.index, accession, targ, form, view)
        if plan is not None:
            self.index.fresh_all(plan.sources)  # files edited in place since the last look
            plan = plan_acc_cgi(self.index, accession, targ, form, view)
        if plan is None:
            return None
        if plan.verbatim is not None:
            return file_reply(plan.verbatim.path, content_type=plan.content_type)
        versions = tuple((entry.path, entry.size, entry.mtime_ns) for entry in plan.sources)
        key = ("acc.cgi", accession, targ, form, view, versions)
        last_modified = max(entry.mtime_ns for entry in plan.sources) / 1e9
        return self.derived.reply(key, plan.produce, content_type=plan.content_type, last_modified=last_modified)


def _no_params(answer: Callable[[re.Match[str]], Reply | None]) -> Handler:
    return lambda match, params: answer(match)


def _dir(match: re.Match[str]) -> str:
    path = match.string
    return path if path.endswith("/") else path + "/"


def _listing_or_none(files: GeoFiles, url_path: str, accession: str) -> Reply | None:
    served = files.suppl_files(accession)
    return files.listing(url_path, served.values()) if served else None


def _safe(path: str) -> bool:
    """Request paths never climb out of the mirror: no ``..``, no NUL, no backslashes, rooted."""
    if not path.startswith("/") or "\x00" in path or "\\" in path:
        return False
    return all(part not in {".", ".."} for part in path.split("/"))
