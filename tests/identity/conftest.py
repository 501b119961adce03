from tests.catalog.conftest import catalog_path, load, store

__all__ = ["catalog_path", "load", "store"]
