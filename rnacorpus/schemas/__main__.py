"""``python -m rnacorpus.schemas [FOLDER]``: regenerate the published JSON Schemas (docs/schema)."""

from __future__ import annotations

import sys
from pathlib import Path

from rnacorpus.schemas import write_json_schemas

if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/schema")
    for path in write_json_schemas(folder):
        sys.stdout.write(f"wrote {path}\n")
