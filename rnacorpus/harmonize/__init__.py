"""Harmonization: metadata → ontology terms, gene IDs → one reference, values → known units."""
