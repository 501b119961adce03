"""Folders rnacorpus builds whole (an export, the demo): built beside the target, renamed into place.

Rules, in the order they apply:

1. **Check before touching.** :func:`inspect_target` looks at the target and touches nothing: a
   missing or empty folder may be written; a file (or a symlink) never; a non-empty folder only
   when it is a folder of the same kind that rnacorpus wrote — its listing file (an export's
   ``manifest.json``, the demo's ``rnacorpus-demo.json``) names every file in it with its size and
   nothing else is there — and the caller allows replacing it. Anything else is a
   :class:`~rnacorpus.errors.ConfigError` naming the folder, with nothing touched.
2. **Build beside.** :func:`build_folder` creates ``.<name>.<random>.tmp`` next to the target (the
   random name proves the folder is ours) and yields it; on any error that folder is removed and
   the target is as it was.
3. **Swap, then delete only what the listing proves we wrote.** The old folder is renamed aside,
   the new one renamed into place, and from the old one only the listed files, the listing and the
   directories they leave empty are removed; anything else found there is kept and reported. An
   export has that removal done by a helper thread once the new folder is in place
   (``remove_old_beside``; the process still waits for it before it exits).

New folders and files get the user's umask (``os.mkdir`` with 0o777, files through
:func:`rnacorpus.fileio.atomic_write`).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Literal

from rnacorpus.errors import ConfigError
from rnacorpus.fileio import fsync_dir, private_temp_name

__all__ = [
    "FolderKind",
    "build_folder",
    "inspect_target",
    "listed_files",
    "read_members",
    "remove_listed",
    "wait_for_removals",
]

log = logging.getLogger(__name__)

TargetState = Literal["absent", "empty", "ours"]


@dataclass(frozen=True)
class FolderKind:
    """What kind of folder is built, and how to recognise one rnacorpus built before."""

    #: the listing file at the folder's top: JSON with ``format`` and ``files: [{path, bytes}, …]``
    listing: str
    #: the listing's ``format`` starts with this (e.g. ``rnacorpus-export/``)
    format_prefix: str
    #: for messages: "rnacorpus export"
    what: str
    #: how the user allows replacing an old one (None: replacing our own folder needs no flag)
    overwrite_flag: str | None


def listed_files(folder: Path, kind: FolderKind) -> dict[str, int] | None:
    """``relative path → bytes`` from the folder's listing, or None when it has no valid listing."""
    try:
        listing = read_members(folder / kind.listing, ("format", "files"))
    except (OSError, UnicodeDecodeError):
        return None
    if listing is None or not str(listing.get("format", "")).startswith(kind.format_prefix):
        return None
    files = listing.get("files")
    if not isinstance(files, list):
        return None
    out: dict[str, int] = {}
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            return None
        rel = PurePosixPath(entry["path"])
        if rel.is_absolute() or ".." in rel.parts or not rel.parts or entry["path"] == kind.listing:
            return None
        size = entry.get("bytes")
        if not isinstance(size, int):
            return None
        out[rel.as_posix()] = size
    return out


_SPACE = re.compile(r"[ \t\n\r]*")
_FIRST_CHUNK = 64 * 1024


def read_members(path: Path, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """The members ``keys`` of the JSON object in ``path`` (None when it is not a JSON object).

    Reads and decodes only as far as the last of them: a listing is checked before every replace,
    and an export's manifest ends with one entry per sample (10^5–10^6) after its ``files`` — loading
    all of it would make replacing an export cost memory in proportion to its samples. A file with
    the keys after a long member is still read correctly, just further. A key given twice: the first.
    """
    decoder = json.JSONDecoder()
    found: dict[str, Any] = {}
    with path.open("rb") as handle:
        text = _Text(handle)
        pos = text.skip_space(0)
        if text.char(pos) != "{":
            return None
        pos = text.skip_space(pos + 1)
        if text.char(pos) == "}":
            return found
        while True:
            parsed = text.decode(decoder, pos)
            if parsed is None or not isinstance(parsed[0], str):
                return None
            key, pos = parsed
            pos = text.skip_space(pos)
            if text.char(pos) != ":":
                return None
            parsed = text.decode(decoder, text.skip_space(pos + 1))
            if parsed is None:
                return None
            if key in keys and key not in found:
                found[key] = parsed[0]
                if len(found) == len(keys):
                    return found
            pos = text.skip_space(parsed[1])
            after = text.char(pos)
            if after == "}":
                return found
            if after != ",":
                return None
            pos = text.skip_space(pos + 1)


class _Text:
    """A file's text, read on demand in growing chunks (each decode that needs more reads more)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.chunk = _FIRST_CHUNK
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.handle.read(self.chunk)
        self.chunk *= 2  # a long value is re-decoded a logarithmic number of times, not once per chunk
        self.eof = not data
        self.text += self.decoder.decode(data, final=self.eof)
        return True

    def char(self, pos: int) -> str:
        while pos >= len(self.text):
            if not self._more():
                return ""
        return self.text[pos]

    def skip_space(self, pos: int) -> int:
        while True:
            end = _SPACE.match(self.text, pos)
            pos = end.end() if end else pos
            if pos < len(self.text) or not self._more():
                return pos

    def decode(self, decoder: json.JSONDecoder, pos: int) -> tuple[Any, int] | None:
        while True:
            try:
                value, end = decoder.raw_decode(self.text, pos)
            except json.JSONDecodeError:
                if not self._more():
                    return None
                continue
            # a number at the end of what was read may continue in the next chunk
            if end < len(self.text) or self.eof or not self._more():
                return value, end


def _unlisted(folder: Path, kind: FolderKind) -> str | None:
    """Why ``folder`` is not provably ours (None when its listing names exactly what is there)."""
    listed = listed_files(folder, kind)
    if listed is None:
        return f"it has no {kind.listing} of an {kind.what}"
    wanted_dirs = {PurePosixPath(p).parent.as_posix() for p in listed} | {"."}
    wanted_dirs |= {parent.as_posix() for p in listed for parent in PurePosixPath(p).parents}
    seen: set[str] = set()
    for root, dirs, files in os.walk(folder, followlinks=False):
        rel_root = Path(root).relative_to(folder).as_posix()
        for name in dirs:
            rel = PurePosixPath(rel_root, name).as_posix() if rel_root != "." else name
            if (Path(root) / name).is_symlink() or rel not in wanted_dirs:
                return f"{rel}/ is not part of it"
        for name in files:
            rel = PurePosixPath(rel_root, name).as_posix() if rel_root != "." else name
            if rel == kind.listing:
                continue
            path = Path(root) / name
            if rel not in listed or path.is_symlink():
                return f"{rel} is not listed in its {kind.listing}"
            if path.stat().st_size != listed[rel]:
                return f"{rel} changed size since it was written"
            seen.add(rel)
    missing = sorted(set(listed) - seen)
    if missing:
        return f"{missing[0]} is listed in its {kind.listing} but missing"
    return None


def inspect_target(out: Path, kind: FolderKind, *, overwrite: bool) -> TargetState:
    """May ``out`` be written? Touches nothing; raises ConfigError (exit 2) when it may not."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise ConfigError(f"{out} is a file, not a folder; nothing was written")
    if not out.exists():
        return "absent"
    if not any(out.iterdir()):
        return "empty"
    why = _unlisted(out, kind)
    if why is not None:
        raise ConfigError(
            f"{out} is not empty and is not an {kind.what} rnacorpus wrote ({why}); "
            "nothing was touched — choose a new or empty folder"
        )
    if kind.overwrite_flag is not None and not overwrite:
        raise ConfigError(
            f"{out} holds a previous {kind.what}; pass {kind.overwrite_flag} to replace it (nothing was touched)"
        )
    return "ours"


def remove_listed(folder: Path, kind: FolderKind) -> list[str]:
    """Delete the listed files, the listing and the folders they leave empty; return what is left."""
    listed = listed_files(folder, kind) or {}
    for rel in [*listed, kind.listing]:
        with contextlib.suppress(FileNotFoundError):
            folder.joinpath(*PurePosixPath(rel).parts).unlink()
    for root, _dirs, _files in sorted(os.walk(folder, topdown=False), key=lambda w: -len(w[0])):
        with contextlib.suppress(OSError):  # not empty: something we did not write is in it
            Path(root).rmdir()
    if not folder.exists():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _make_temp_sibling(out: Path) -> Path:
    for _ in range(100):
        tmp = private_temp_name(out, ".tmp")
        try:
            tmp.mkdir(0o777)
            return tmp
        except FileExistsError:
            continue
    raise ConfigError(f"could not create a temporary folder beside {out}")


@contextlib.contextmanager
def build_folder(out: Path, kind: FolderKind, *, overwrite: bool, remove_old_beside: bool = False) -> Iterator[Path]:
    """Yield a new folder beside ``out`` to fill; on success it becomes ``out`` (see module doc).

    With ``remove_old_beside`` the replaced folder (already renamed aside, under a private name) is
    removed by a helper thread after the swap instead of before this returns (:func:`wait_for_removals`)."""
    inspect_target(out, kind, overwrite=overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _make_temp_sibling(out)
    try:
        yield tmp
        state = inspect_target(out, kind, overwrite=overwrite)  # it may have changed while we worked
        old = _swap_into_place(tmp, out, kind, state)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # our own random-named folder: nothing else is in it
        raise
    if old is not None:
        if remove_old_beside:
            _remove_beside(old, kind, out)
        else:
            _remove_old(old, kind, out)


def _swap_into_place(tmp: Path, out: Path, kind: FolderKind, state: TargetState) -> Path | None:
    """Rename ``tmp`` to ``out``; the replaced folder, renamed aside, when there was one."""
    old = None
    if state == "ours":
        old = private_temp_name(out, ".old")
        out.rename(old)
        tmp.rename(out)
    else:
        if state == "empty":
            out.rmdir()  # rename(2) replaces an empty folder, but not portably; it is empty, so nothing is lost
        tmp.rename(out)
    fsync_dir(out.parent)  # the new folder is in place for good before anything of the old one goes
    return old


def _remove_old(old: Path, kind: FolderKind, out: Path) -> None:
    left = remove_listed(old, kind)
    if left:
        log.warning("kept %d file(s) found in the old %s (not written by rnacorpus): %s", len(left), out, old)


#: removals of replaced folders still running (:func:`wait_for_removals`)
_removals: set[threading.Thread] = set()
_removals_lock = threading.Lock()


def _remove_beside(old: Path, kind: FolderKind, out: Path) -> None:
    """Remove the replaced folder in a helper thread. Why: on a filesystem that discards freed blocks
    (ext4 ``-o discard``, as on the benchmark VM) unlinking a file waits for the device to trim its
    blocks, ~0.2 s per GB — 0.15 s of a 10^4-sample export (0.75 GB) and ~1.5 s at 10^5 (7.5 GB) that
    the caller waited for while no core worked. The new folder is already in place and the old one
    already out of ``out`` under its private ``.old`` name, so nothing a reader of ``out`` sees
    depends on when the removal ends. The thread is not a daemon: the interpreter waits for it
    before it exits, so a finished process leaves no half-removed folder (a killed one may leave
    the ``.old`` folder, as a kill during an inline removal did)."""

    def remove() -> None:
        try:
            _remove_old(old, kind, out)
        except OSError as exc:  # the new folder is in place; what is left of the old one is named in the log
            log.warning("could not remove all of the old %s at %s: %s", out, old, exc)
        finally:
            with _removals_lock:
                _removals.discard(threading.current_thread())

    thread = threading.Thread(target=remove, name="rnacorpus-remove-old", daemon=False)
    with _removals_lock:
        _removals.add(thread)
    thread.start()


def wait_for_removals() -> None:
    """Return once every replaced folder handed to a helper thread (``remove_old_beside``) is removed."""
    with _removals_lock:
        running = list(_removals)
    for thread in running:
        thread.join()
