"""The per-study enrichment step: other archives add to a study's samples before it is harmonized.

Between ``parse`` and ``harmonize``, every configured enriching source (``Config.enrich``; by default
every registered source, study sources first — ENA's runs name the BioSamples that BioSamples then
reads) is asked for its links of the study, and what it returns is merged
(:func:`rnacorpus.harvester.enrich.enrich_bundle`). After harmonization, characteristics another
archive stated fill the fields the study's own leave silent (:mod:`.external`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rnacorpus.config import Config
from rnacorpus.errors import ConfigError
from rnacorpus.harvester.base import DiscoveryQuery, Source, StudyRef, get_source, source_names, sources_providing
from rnacorpus.harvester.enrich import enrich_bundle
from rnacorpus.harvester.http import HttpClient
from rnacorpus.schemas import SourceFile, StudyBundle

__all__ = ["discover_studies", "enrich_study", "enriching_names", "enriching_sources"]


def enriching_names(config: Config) -> list[str]:
    """The sources that add to every study of a run, in the order they are asked."""
    if config.enrich is None:
        return [*sources_providing("studies"), *sources_providing("sample_metadata")]
    unknown = [name for name in config.enrich if name not in source_names()]
    if unknown:
        raise ConfigError(f"unknown enriching source(s) {', '.join(unknown)}; known: {', '.join(source_names())}")
    return list(config.enrich)


def enriching_sources(config: Config, client: HttpClient) -> list[Source]:
    return [get_source(name, client, config) for name in enriching_names(config)]


def enrich_study(
    bundle: StudyBundle, study_source: str, sources: Sequence[Source], *, revalidate: bool
) -> list[SourceFile]:
    """Merge every other source's records of ``bundle``'s samples into it (never the study's own
    source); returns the files they were read from (also appended to ``bundle.files``)."""
    before = len(bundle.files)
    enrich_bundle(bundle, [s for s in sources if s.name != study_source], revalidate=revalidate)
    return list(bundle.files[before:])


def discover_studies(name: str, query: DiscoveryQuery, client: HttpClient, config: Config) -> Iterator[StudyRef]:
    """Studies a source's search finds (source-generic discovery); a metadata-only source has none."""
    if name not in sources_providing("studies"):
        known = ", ".join(sources_providing("studies"))
        raise ConfigError(f"{name!r} brings no studies to discover; sources that do: {known}")
    return get_source(name, client, config).discover(query)
