"""A local S3 endpoint for tests: moto's server on 127.0.0.1, with the environment a worker needs.

:func:`moto_s3` starts one server (on a free loopback port), sets ``FSSPEC_S3_ENDPOINT_URL`` and
dummy AWS credentials in this process's environment (child processes — Dask workers, a killed
harvest — inherit them) and restores the environment when it stops. Buckets are created per use.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["S3Endpoint", "moto_s3"]

#: what a worker needs to reach the endpoint (README, "Running on a cluster")
ENV = {
    "AWS_ACCESS_KEY_ID": "rnacorpus-test",
    "AWS_SECRET_ACCESS_KEY": "rnacorpus-test",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3Endpoint:
    url: str

    def env(self) -> dict[str, str]:
        return {**ENV, "FSSPEC_S3_ENDPOINT_URL": self.url}

    def new_bucket(self, name: str = "rnacorpus") -> str:
        """A fresh bucket; returns its URL (``s3://name-<random>``)."""
        import boto3

        bucket = f"{name}-{secrets.token_hex(4)}"
        client = boto3.client("s3", endpoint_url=self.url, **_credentials())
        client.create_bucket(Bucket=bucket)
        return f"s3://{bucket}"


def _credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": ENV["AWS_SECRET_ACCESS_KEY"],
        "region_name": ENV["AWS_DEFAULT_REGION"],
    }


#: how long the server may take to answer its first request
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the moto server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/moto-api/", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the moto server did not answer at {url} within {START_TIMEOUT:.0f}s")


@contextlib.contextmanager
def moto_s3() -> Iterator[S3Endpoint]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = S3Endpoint(f"http://127.0.0.1:{port}")
    saved = {k: os.environ.get(k) for k in endpoint.env()}
    try:
        _wait_until_up(endpoint.url, server)
        os.environ.update(endpoint.env())
        yield endpoint
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
