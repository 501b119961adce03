"""Where a URL really goes: which archive it belongs to, the mirror, NCBI etiquette. Pure, no I/O.

* A URL belongs to archive ``k`` when it starts with ``config.base_urls[k]`` (scheme and host
  compared case-insensitively, default ports ignored). Rate limits and cache folders are keyed by
  that archive even when ``--mirror`` sends the request elsewhere; a URL outside every base URL is
  keyed by its host.
* ``--mirror``: an archive URL is sent to the mirror base URL with its path and query unchanged.
* E-utilities requests carry ``tool``, ``email`` and ``api_key`` (NBK25499); callers never add them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rnacorpus.config import Config
from rnacorpus.errors import PermanentError
from rnacorpus.harvester.cachekeys import redact_url

__all__ = ["EUTILS", "Params", "Route", "Router", "with_params"]

EUTILS = "eutils"
_DEFAULT_PORTS = {"http": 80, "https": 443}

Params = Mapping[str, str | int | float | Sequence[str | int]]


@dataclass(frozen=True)
class Route:
    #: the archive URL as the pipeline names it: cache key and cache path come from it
    url: str
    #: what goes on the wire: mirror applied, etiquette added (may hold the API key: never log it raw)
    send_url: str
    #: ``config.base_urls`` key, or the host for a URL outside them
    archive: str

    @property
    def send_host(self) -> str:
        """``scheme://host[:port]`` the request goes to (the mirror under ``--mirror``): what the circuit
        breaker keys on, since that is the machine that answers or not."""
        parts = urlsplit(self.send_url)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"

    @property
    def public_url(self) -> str:
        """The archive URL with secrets redacted: what errors, logs and sidecars show."""
        return redact_url(self.url)


def with_params(url: str, params: Params | None) -> str:
    if not params:
        return url
    parts = urlsplit(url)
    extra = urlencode(params, doseq=True)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


def _origin(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int | None]:
    scheme = scheme.lower()
    return scheme, (host or "").lower(), None if port == _DEFAULT_PORTS.get(scheme) else port


@dataclass(frozen=True)
class _Base:
    archive: str
    origin: tuple[str, str, int | None]
    path: str

    def matches(self, origin: tuple[str, str, int | None], path: str) -> bool:
        if origin != self.origin:
            return False
        return not self.path or path == self.path or path.startswith(self.path + "/")


class Router:
    def __init__(self, config: Config) -> None:
        bases = []
        for archive, base in config.base_urls.items():
            parts = urlsplit(base)
            origin = _origin(parts.scheme, parts.hostname, parts.port)
            bases.append(_Base(archive, origin, parts.path.rstrip("/")))
        # longest path first, so a base with a path prefix wins over its bare host
        self._bases = sorted(bases, key=lambda b: -len(b.path))
        self._mirror = urlsplit(config.mirror.rstrip("/")) if config.mirror else None
        etiquette = {"tool": config.tool, "email": config.email, "api_key": config.ncbi_api_key}
        self._etiquette = {name: value for name, value in etiquette.items() if value}

    def archive_of(self, url: str) -> str | None:
        parts = urlsplit(url)
        origin = _origin(parts.scheme, parts.hostname, parts.port)
        for base in self._bases:
            if base.matches(origin, parts.path):
                return base.archive
        return None

    def route(self, url: str, params: Params | None = None) -> Route:
        full = with_params(url, params)
        parts = urlsplit(full)
        if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
            shown = redact_url(full)
            raise PermanentError(f"only http(s) URLs can be fetched, got {shown!r}", url=shown)
        archive = self.archive_of(full)
        send = parts._replace(fragment="")
        if archive is not None and self._mirror is not None:
            mirror_path = self._mirror.path + parts.path
            send = send._replace(scheme=self._mirror.scheme, netloc=self._mirror.netloc, path=mirror_path)
        if archive == EUTILS:
            send = send._replace(query=self._add_etiquette(send.query))
        host_key = parts.netloc.lower()
        return Route(url=full, send_url=urlunsplit(send), archive=archive or host_key)

    def _add_etiquette(self, query: str) -> str:
        present = {name.lower() for name, _ in parse_qsl(query, keep_blank_values=True)}
        missing = {name: value for name, value in self._etiquette.items() if name not in present}
        if not missing:
            return query
        extra = urlencode(missing)
        return f"{query}&{extra}" if query else extra
