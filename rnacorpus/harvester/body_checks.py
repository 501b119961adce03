"""Format checks of a (decoded) response body: one small validator per ``expect=`` value.

Each validator sees the body chunk by chunk, as :class:`rnacorpus.harvester.checks.StreamChecker`
hands it over after gzip inflation, and raises on the first sign the body is not the format asked
for: a SOFT file's first meaningful byte, a text body's NUL bytes, JSON (and the E-utilities error
objects that come with status 200), XML parsed by defusedxml, a tar stream's headers. The
expectation table and the HTML/gzip checks that apply to every body are in
:mod:`rnacorpus.harvester.checks`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

import defusedxml
import defusedxml.ElementTree as DefusedET

from rnacorpus.errors import BadContentError, LimitExceededError, RateLimitedError, RnacorpusError
from rnacorpus.harvester.streamcheck import TarWalker

__all__ = ["HEAD_BYTES", "JsonBody", "Validator", "eutils_error", "strip_leading", "validator_for"]

#: bytes of a body's head that the sniffs look at
HEAD_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"


def strip_leading(head: bytes) -> bytes:
    """The head of a body without a UTF-8 BOM and leading whitespace (where sniffing starts)."""
    return head.removeprefix(_BOM).lstrip()


def eutils_error(value: object, *, url: str | None = None) -> RnacorpusError | None:
    """The error an E-utilities JSON answer carries in its body (these come with status 200 too)."""
    if not isinstance(value, dict):
        return None
    message = value.get("error") or value.get("ERROR")
    if message:
        text = str(message)
        if "rate limit" in text.lower():
            return RateLimitedError(f"E-utilities: {text}", url=url)
        return BadContentError(f"E-utilities error: {text}", url=url)
    search = value.get("esearchresult")
    if isinstance(search, dict) and search.get("ERROR"):
        return BadContentError(f"E-utilities esearch error: {search['ERROR']}", url=url)
    summary = value.get("esummaryresult")  # esummary's error form: {"esummaryresult": ["Invalid uid ..."]}
    if summary and "result" not in value:
        return BadContentError(f"E-utilities esummary error: {summary}", url=url)
    return None


class Validator(Protocol):
    """Sees a decoded body chunk by chunk; raises on the first sign it is not the expected format."""

    def feed(self, data: bytes) -> None: ...

    def finish(self) -> None: ...


class _NoCheck:
    def feed(self, data: bytes) -> None:
        pass

    def finish(self) -> None:
        pass


class _SoftPrefix:
    def __init__(self, url: str | None) -> None:
        self._url = url
        self._head = b""
        self._decided = False

    def feed(self, data: bytes) -> None:
        if self._decided:
            return
        self._head = strip_leading(self._head + data[:HEAD_BYTES])
        if self._head:
            self._decided = True
            if not self._head.startswith(b"^"):
                shown = self._head[:40].decode("utf-8", "replace")
                raise BadContentError(f"not a SOFT file: starts with {shown!r}, not '^'", url=self._url)

    def finish(self) -> None:
        if not self._decided:
            raise BadContentError("not a SOFT file: no content", url=self._url)


class _NoNulText:
    def __init__(self, url: str | None) -> None:
        self._url = url
        self._seen = 0

    def feed(self, data: bytes) -> None:
        if self._seen >= HEAD_BYTES:
            return
        window = data[: HEAD_BYTES - self._seen]
        self._seen += len(window)
        if b"\0" in window:
            raise BadContentError("expected text, got binary content (NUL byte)", url=self._url)

    def finish(self) -> None:
        pass


class JsonBody:
    """Holds the JSON body (bounded) and parses it at the end; :attr:`value` is the parsed answer."""

    def __init__(self, url: str | None, max_bytes: int) -> None:
        self._url = url
        self._max = max_bytes
        self._data = bytearray()
        self.value: Any = None

    def feed(self, data: bytes) -> None:
        self._data += data
        if len(self._data) > self._max:
            raise LimitExceededError(f"JSON answer larger than {self._max:,} bytes", url=self._url)

    def finish(self) -> None:
        try:
            self.value = json.loads(bytes(self._data))
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadContentError(f"not valid JSON ({exc})", url=self._url) from exc
        error = eutils_error(self.value, url=self._url)
        if error is not None:
            raise error


class _DiscardTarget:
    """An ElementTree target that keeps nothing: we only want to know the document parses."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        pass

    def end(self, tag: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class _XmlBody:
    def __init__(self, url: str | None) -> None:
        self._url = url
        self._parser = DefusedET.DefusedXMLParser(
            target=_DiscardTarget(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )

    def feed(self, data: bytes) -> None:
        self._guard(lambda: self._parser.feed(data))

    def finish(self) -> None:
        self._guard(self._parser.close)

    def _guard(self, step: Callable[[], object]) -> None:
        try:
            step()
        except defusedxml.DefusedXmlException as exc:
            raise BadContentError(f"unsafe XML rejected ({exc!r})", url=self._url) from exc
        except DefusedET.ParseError as exc:
            raise BadContentError(f"not well-formed XML ({exc})", url=self._url) from exc


class _TarBody:
    def __init__(self, url: str | None) -> None:
        self._walker = TarWalker(url=url)

    def feed(self, data: bytes) -> None:
        self._walker.feed(data)

    def finish(self) -> None:
        self._walker.finish()


def validator_for(expect: str, url: str | None, *, max_json_bytes: int) -> Validator:
    """The format check for ``expect`` (see :mod:`rnacorpus.harvester.checks` for the table)."""
    if expect == "soft":
        return _SoftPrefix(url)
    if expect == "json":
        return JsonBody(url, max_json_bytes)
    if expect == "xml":
        return _XmlBody(url)
    if expect == "tar":
        return _TarBody(url)
    if expect in ("tsv", "text"):
        return _NoNulText(url)
    return _NoCheck()
