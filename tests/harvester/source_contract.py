"""The one contract every source passes, through the local mirror (DESIGN §2; STYLE "Sources are
registered plugins with one Protocol … every source subclasses one contract suite").

A subclass names its source and what the mirror holds for it: a reference it can fetch, a query
that finds that reference, an accession the archive does not hold. Every test here then holds for
it: registration, discovery, verified cached fetches (again from the cache, offline, revalidated),
parsing into records of that reference, the not-held case, and links naming only its own records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from rnacorpus.config import Config
from rnacorpus.errors import PermanentError
from rnacorpus.harvester.base import DiscoveryQuery, FetchedStudy, Source, StudyRef, get_source, source_names
from rnacorpus.harvester.http import HttpClient
from rnacorpus.mirror import MirrorServer
from rnacorpus.schemas import StudyBundle
from tests.conftest import mirror_config

__all__ = ["SourceContract"]


class SourceContract:
    name: ClassVar[str]
    #: an accession the mirror holds for this source
    ref: ClassVar[str]
    #: a discovery that finds ``ref``
    query: ClassVar[DiscoveryQuery]
    #: an accession of the right shape the archive does not hold
    missing: ClassVar[str]

    @pytest.fixture(scope="class")
    @classmethod
    def config(cls, corpus_mirror: MirrorServer, tmp_path_factory: pytest.TempPathFactory) -> Config:
        return mirror_config(tmp_path_factory.mktemp(f"contract-{cls.name}"), corpus_mirror.url)

    @pytest.fixture(scope="class")
    @classmethod
    def client(cls, config: Config) -> Iterator[HttpClient]:
        with HttpClient(config) as http:
            yield http

    @pytest.fixture(scope="class")
    @classmethod
    def source(cls, client: HttpClient, config: Config) -> Source:
        return get_source(cls.name, client, config)

    @pytest.fixture(scope="class")
    @classmethod
    def fetched(cls, source: Source) -> FetchedStudy:
        return source.fetch(StudyRef(accession=cls.ref, source=cls.name))

    @pytest.fixture(scope="class")
    @classmethod
    def bundle(cls, source: Source, fetched: FetchedStudy) -> StudyBundle:
        return source.parse(fetched)

    def test_it_is_registered_under_its_name(self, source: Source) -> None:
        assert self.name in source_names() and source.name == self.name
        assert source.provides in ("studies", "sample_metadata")

    def test_discovery_finds_the_reference(self, source: Source) -> None:
        refs = list(source.discover(self.query))
        accessions = [ref.accession for ref in refs]
        assert self.ref in accessions and len(accessions) == len(set(accessions))
        assert {ref.source for ref in refs} == {self.name}
        limited = list(source.discover(DiscoveryQuery(**{**self.query.__dict__, "limit": 1})))
        assert len(limited) == 1

    def test_fetched_files_are_verified_copies_under_the_archive_urls(
        self, fetched: FetchedStudy, config: Config
    ) -> None:
        assert fetched.ref.accession == self.ref and fetched.files
        bases = tuple(config.base_urls.values())
        for item in fetched.files:
            if not item.path:  # a file the archive lists but does not serve, recorded as absent
                assert item.sha256 == "" and item.size == 0 and item.role, item
                continue
            data = Path(item.path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == item.sha256 and len(data) == item.size
            assert item.role and item.url.startswith(bases), item.url

    def test_a_second_fetch_offline_or_revalidated_changes_nothing(
        self, source: Source, fetched: FetchedStudy, config: Config
    ) -> None:
        ref = StudyRef(accession=self.ref, source=self.name)
        again = source.fetch(ref)
        assert not again.changed and [f.sha256 for f in again.files] == [f.sha256 for f in fetched.files]
        assert not source.fetch(ref, revalidate=True).changed
        with HttpClient(config.with_(offline=True, mirror="http://127.0.0.1:9")) as offline:
            cached = get_source(self.name, offline, config.with_(offline=True)).fetch(ref)
        assert [f.sha256 for f in cached.files] == [f.sha256 for f in fetched.files]

    def test_parse_gives_the_records_of_the_reference(self, source: Source, bundle: StudyBundle) -> None:
        accessions = [sample.accession for sample in bundle.samples]
        assert len(accessions) == len(set(accessions))
        if source.provides == "sample_metadata":
            assert accessions == [self.ref] and bundle.study.archive == self.name
            return
        assert bundle.study.accession == self.ref and bundle.samples
        assert {s.study_accession for s in bundle.samples} == {self.ref}
        assert {s.archive for s in bundle.samples} == {bundle.study.archive}
        assert bundle.files, "the bundle names the raw files it was read from"

    def test_an_accession_the_archive_does_not_hold_is_an_error_or_a_recorded_empty_answer(
        self, source: Source
    ) -> None:
        try:
            bundle = source.parse(source.fetch(StudyRef(accession=self.missing, source=self.name)))
        except PermanentError as exc:
            assert exc.accession == self.missing
            return
        assert not bundle.samples and bundle.issues, "an empty answer is recorded, never silent"

    def test_links_name_only_records_of_this_source(self, source: Source, bundle: StudyBundle) -> None:
        assert {ref.source for ref in source.links(bundle)} <= {self.name}
