"""The DuckDB catalog and the Parquet expression store."""
