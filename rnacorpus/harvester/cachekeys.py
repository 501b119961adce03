"""Cache keys, readable cache paths and secret redaction, all derived from a URL. Pure, no I/O.

* The **key** is the sha256 of ``GET <normalized URL>``: scheme and host lower-cased, default port
  and fragment dropped, query sorted, and the credentials ``api_key``/``email``/``tool`` removed, so a
  new API key neither changes a key nor lands on disk (the requests-cache rule).
* The **path** is readable: ``<root>/<archive>/<url path>``; a query string becomes a short hash
  suffix (``name%q-<hash>``), a directory URL becomes ``%index``. Every segment is reduced to
  ``[A-Za-z0-9._-]`` with ``%XX`` escapes for anything else, ``.``/``..`` are refused, and the final
  path must resolve inside the root: a name chosen by an archive can never escape the cache.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from rnacorpus.errors import UnsafePathError

__all__ = [
    "CREDENTIAL_PARAMS",
    "REDACTED",
    "REDACTED_PARAMS",
    "cache_key",
    "cache_relpath",
    "join_under",
    "normalize_url",
    "redact_text",
    "redact_url",
    "safe_component",
    "safe_filename",
]

#: never part of a cache key: who is asking does not change the answer
CREDENTIAL_PARAMS = frozenset({"api_key", "email", "tool"})
#: never written to a sidecar or a log line
REDACTED_PARAMS = frozenset({"api_key", "email"})
REDACTED = "REDACTED"

_SAFE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
_SAFE_NAME_RE = re.compile(r"^[A-Za-z0-9._-]+$")
_MAX_COMPONENT = 200
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: placeholders contain '%', which escaping turns into '%25' in real names, so they cannot collide
INDEX_NAME = "%index"
QUERY_MARK = "%q-"


def _query_pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def redact_url(url: str) -> str:
    """``url`` with the values of ``api_key`` and ``email`` replaced by ``REDACTED``."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = _query_pairs(parts.query)
    if not any(name.lower() in REDACTED_PARAMS for name, _ in pairs):
        return url
    query = urlencode([(n, REDACTED if n.lower() in REDACTED_PARAMS else v) for n, v in pairs])
    return urlunsplit(parts._replace(query=query))


_SECRET_IN_TEXT = re.compile(r"(?i)\b(api_key|email)=([^&\s'\"]+)")


def redact_text(text: str) -> str:
    """Redact ``api_key=…``/``email=…`` wherever they appear in free text (library error messages)."""
    return _SECRET_IN_TEXT.sub(rf"\1={REDACTED}", text)


def _normalized_query(query: str) -> str:
    pairs = [(n, v) for n, v in _query_pairs(query) if n.lower() not in CREDENTIAL_PARAMS]
    return urlencode(sorted(pairs))


def normalize_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", _normalized_query(parts.query), ""))


def cache_key(url: str, method: str = "GET") -> str:
    return hashlib.sha256(f"{method.upper()} {normalize_url(url)}".encode()).hexdigest()


def _escape(text: str) -> str:
    return "".join(ch if ch in _SAFE_CHARS else "".join(f"%{b:02X}" for b in ch.encode()) for ch in text)


def safe_component(segment: str) -> str:
    """One path segment as a safe file name; ``.``/``..`` (also percent-encoded) are refused."""
    name = unquote(segment)
    if name in {".", ".."}:
        raise UnsafePathError(f"refusing path segment {segment!r}")
    if not name:
        raise UnsafePathError("empty path segment")
    escaped = _escape(name)
    if escaped.startswith("."):  # hidden names are reserved for sidecars and temp files
        escaped = "%2E" + escaped[1:]
    if len(escaped) > _MAX_COMPONENT:
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        escaped = re.sub(r"%[0-9A-F]?$", "", escaped[:150]) + f"%~{digest}"
    return escaped


def cache_relpath(archive: str, url: str) -> PurePosixPath:
    """``<archive>/<url path>`` with the query folded into a hash suffix on the last segment.

    A path that ends in a file name (it has an extension: ``GSE1_family.soft.gz``, ``acc.cgi``) is
    stored under that name; any other path is a folder-like resource and stored as its ``%index``,
    as a trailing ``/`` is: REST APIs serve both ``…/studies/E-MTAB-1`` and ``…/studies/E-MTAB-1/info``,
    and one cannot be a file where the other needs a folder.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    folder_like = parts.path.endswith("/") or not segments or "." not in unquote(segments[-1]).strip(".")
    directory = [safe_component(s) for s in (segments if folder_like else segments[:-1])]
    name = INDEX_NAME if folder_like else safe_component(segments[-1])
    query = _normalized_query(parts.query)
    if query:
        name += QUERY_MARK + hashlib.sha256(query.encode()).hexdigest()[:12]
    return PurePosixPath(safe_component(archive), *directory, name)


def join_under(root: Path, *parts: str) -> Path:
    """``root/parts…``, refusing anything that resolves outside ``root`` (``..``, absolute, symlinks)."""
    base = root.resolve()
    candidate = base.joinpath(*parts)
    if any(p in {"", ".", ".."} or PurePosixPath(p).is_absolute() for p in parts) or not (
        candidate.resolve().is_relative_to(base)
    ):
        raise UnsafePathError(f"path {'/'.join(parts)!r} escapes {base}", path=candidate)
    return candidate


def safe_filename(name: str) -> str:
    """An archive-provided file name (tar member, file list, SDRF) reduced to a safe bare name.

    Only the last component is kept and it must match ``[A-Za-z0-9._-]+`` and not be ``.``/``..``.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    if base in {"", ".", ".."} or not _SAFE_NAME_RE.match(base):
        raise UnsafePathError(f"unsafe file name from the archive: {name!r}")
    return base
