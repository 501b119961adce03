"""Imports every command module so that each registers itself on the app."""

from rnacorpus.cli import core_cmds, genes_cmd, mirror_cmd, units_cmd  # noqa: F401
