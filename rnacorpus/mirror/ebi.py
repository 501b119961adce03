"""The mirror's EBI routes that answer by computing (BioStudies v1, ENA portal, BioSamples).

Recorded answers are served as they are (a held ``filereport_{ACC}_read_run.tsv``, ``{ACC}.json``
BioSamples record, a BioStudies v1 ``{ACC}.json``); otherwise the answer is written from the files
held (:mod:`.biostudies`, :mod:`.ena`). Plain file paths (``/biostudies/files/…``, ENA browser XML)
stay file-name routes in :mod:`.routes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rnacorpus.mirror.biosamples import BioSamplesSearch
from rnacorpus.mirror.biostudies import BioStudiesService
from rnacorpus.mirror.ena import EnaService
from rnacorpus.mirror.index import MirrorIndex
from rnacorpus.mirror.responses import Reply, bytes_reply, file_reply

__all__ = ["EbiAnswers"]

Params = dict[str, str]
Handler = Callable[[re.Match[str], Params], Reply | None]
JSON = "application/json"
TSV = "text/plain; charset=utf-8"


class EbiAnswers:
    def __init__(self, index: MirrorIndex) -> None:
        self.index = index
        self.biostudies = BioStudiesService(index)
        self.ena = EnaService(index)
        self.biosamples = BioSamplesSearch(index, self.ena.written_biosamples)

    def table(self) -> list[tuple[str, Handler]]:
        return [
            (r"^/biostudies/api/v1/studies/(?P<acc>[^/]+)/info/?$", self._info),
            (r"^/biostudies/api/v1/studies/(?P<acc>[^/]+)/?$", self._study),
            (r"^/biostudies/api/v1/(?:arrayexpress/)?search/?$", self._search),
            (r"^/ena/portal/api/filereport/?$", self._filereport),
            (r"^/ena/portal/api/search/?$", self._ena_search),
            (r"^/biosamples/samples/(?P<acc>SAM[A-Z]*\d+)(?:\.json)?$", self._biosample),
            (r"^/biosamples/samples/?$", self._biosample_page),
        ]

    def _study(self, match: re.Match[str], params: Params) -> Reply | None:
        body = self.biostudies.study_document(match["acc"])
        return None if body is None else bytes_reply(body, JSON)

    def _info(self, match: re.Match[str], params: Params) -> Reply | None:
        body = self.biostudies.info_document(match["acc"])
        return None if body is None else bytes_reply(body, JSON)

    def _search(self, match: re.Match[str], params: Params) -> Reply:
        return bytes_reply(self.biostudies.search(params), JSON)

    def _recorded(self, name: str, content_type: str) -> Reply | None:
        for entry in self.index.by_name(name):
            current = self.index.fresh(entry)
            if current is not None:
                return file_reply(current.path, status=current.sniffed.status, content_type=content_type)
        return None

    def _filereport(self, match: re.Match[str], params: Params) -> Reply:
        recorded = f"filereport_{params.get('accession', '')}_{params.get('result', 'read_run')}.tsv"
        if "/" not in recorded and (reply := self._recorded(recorded, TSV)) is not None:
            return reply
        status, body = self.ena.filereport(params)
        return bytes_reply(body, TSV, status=status)

    def _ena_search(self, match: re.Match[str], params: Params) -> Reply:
        status, body = self.ena.search(params)
        return bytes_reply(body, TSV, status=status)

    def _biosample(self, match: re.Match[str], params: Params) -> Reply | None:
        recorded = self._recorded(f"{match['acc']}.json", JSON)
        if recorded is not None:
            return recorded
        body = self.ena.biosample(match["acc"])
        return None if body is None else bytes_reply(body, JSON)

    def _biosample_page(self, match: re.Match[str], params: Params) -> Reply:
        return bytes_reply(self.biosamples.page(params), JSON)
