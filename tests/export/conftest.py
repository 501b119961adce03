"""Export tests share the catalog fixtures of ``tests/catalog`` (a catalog file, a store, a loader)."""

from tests.catalog.conftest import catalog_path, load, store

__all__ = ["catalog_path", "load", "store"]
