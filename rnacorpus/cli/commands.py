"""Imports every command module so that each registers itself on the app."""

from rnacorpus.cli import annotate_cmd, core_cmds, genes_cmd, mirror_cmd, refresh_cmd, units_cmd  # noqa: F401
