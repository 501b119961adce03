"""Imports every command module so that each registers itself on the app."""

from rnacorpus.cli import (  # noqa: F401
    annotate_cmd,
    demo_cmd,
    export_cmd,
    genes_cmd,
    harvest_cmd,
    migrate_cmd,
    mirror_cmd,
    publish_cmd,
    query_cmd,
    refresh_cmd,
    units_cmd,
)
