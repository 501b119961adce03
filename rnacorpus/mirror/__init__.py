"""A local stand-in for the archives: ``rnacorpus mirror DIR`` serves a folder of archive files on
loopback under the archives' real URL paths, and answers the E-utilities calls the harvester makes.

Modules: :mod:`.sniff` (what a file holds), :mod:`.index` (the folder, kept current), :mod:`.routes`
(URL → answer), :mod:`.geo_files` / :mod:`.acccgi` (GEO's tree, download page and acc.cgi),
:mod:`.eutils` with :mod:`.records`, :mod:`.query` and :mod:`.search` (E-utilities), :mod:`.listing`
(HTML), :mod:`.responses` (bodies), :mod:`.server` (HTTP).
"""

from rnacorpus.mirror.index import FileEntry, MirrorIndex
from rnacorpus.mirror.server import MirrorServer
from rnacorpus.mirror.sniff import Kind, Sniffed, sniff_file

__all__ = ["FileEntry", "Kind", "MirrorIndex", "MirrorServer", "Sniffed", "sniff_file"]
