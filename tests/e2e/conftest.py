"""The corpus mirror fixture and ``mirror_config`` live in ``tests/conftest.py``; re-exported here."""

from tests.conftest import mirror_config

__all__ = ["mirror_config"]
