"""Talking to archives: discovery, download, raw cache, rate limits, retries, parsing."""
