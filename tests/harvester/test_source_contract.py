"""GEO, ArrayExpress, ENA and BioSamples each pass the one source contract through the corpus mirror."""

from __future__ import annotations

import datetime as dt

from rnacorpus.harvester.base import DiscoveryQuery
from tests.harvester.source_contract import SourceContract


class TestGeoSource(SourceContract):
    name = "geo"
    ref = "GSE63966"
    query = DiscoveryQuery(text="GSE63966[ACCN]")
    missing = "GSE999999999"


class TestArrayExpressSource(SourceContract):
    name = "arrayexpress"
    ref = "E-MTAB-3050"
    query = DiscoveryQuery(since=dt.date(2014, 10, 1), until=dt.date(2014, 11, 30))
    missing = "E-MTAB-1"


class TestEnaSource(SourceContract):
    name = "ena"
    ref = "SRP048683"
    query = DiscoveryQuery(since=dt.date(2010, 1, 1))
    missing = "SRP000001"


class TestBioSamplesSource(SourceContract):
    name = "biosamples"
    ref = "SAMD00004104"
    query = DiscoveryQuery(since=dt.date(2022, 1, 1), until=dt.date(2022, 12, 31))
    missing = "SAMN00000001"
