"""Drop-behind flushes with ``fsync`` where the platform has no ``fdatasync`` (macOS).

``fileio.flush_and_drop`` is what every export part's background flush calls; a platform without
``os.fdatasync`` must still get its bytes to disk, not an AttributeError in the flush thread.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import os, sys
del os.fdatasync  # as on macOS
from rnacorpus.fileio import flush_and_drop
path = sys.argv[1]
fd = os.open(path, os.O_RDWR)
try:
    os.write(fd, b"x" * 10000)
    flush_and_drop(fd, 0, 10000)
finally:
    os.close(fd)
print("ok")
"""


def test_flush_and_drop_falls_back_to_fsync(tmp_path: Path) -> None:
    target = tmp_path / "part.bin"
    target.write_bytes(b"")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(target)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert target.stat().st_size == 10000
