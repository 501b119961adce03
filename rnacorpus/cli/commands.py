"""Imports every command module so that each registers itself on the app."""

from rnacorpus.cli import core_cmds, mirror_cmd  # noqa: F401
