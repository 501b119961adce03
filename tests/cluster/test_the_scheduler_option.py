"""``--scheduler`` / ``RNACORPUS_SCHEDULER``: Dask only when asked for, and a clear stop when it is not there."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from rnacorpus import api
from rnacorpus.config import Config
from tests.conftest import REPO_ROOT, mirror_config

#: everything the CLI and the API import for a local run, harvest included
MODULES = [
    "rnacorpus.cli",
    "rnacorpus.api",
    "rnacorpus.pipeline.runner",
    "rnacorpus.pipeline.harvest",
    "rnacorpus.catalog",
]
IMPORTS = "import " + ", ".join(MODULES)


def test_the_default_install_never_imports_dask_or_fsspec() -> None:
    check = f"{IMPORTS}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('distributed', 'dask', 's3fs', 'fsspec')))"  # noqa: E501
    out = subprocess.run([sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_scheduler_comes_from_the_environment_and_options_win() -> None:
    assert Config.from_env({"RNACORPUS_SCHEDULER": "tcp://10.0.0.5:8786"}).scheduler == "tcp://10.0.0.5:8786"
    config = Config.from_env({"RNACORPUS_SCHEDULER": "tcp://10.0.0.5:8786"}, scheduler="tcp://127.0.0.1:1")
    assert config.scheduler == "tcp://127.0.0.1:1"
    assert Config.from_env({}).scheduler is None


def test_a_scheduler_that_does_not_answer_stops_the_run_before_any_study(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = mirror_config(tmp_path, "http://127.0.0.1:9", scheduler=f"tcp://127.0.0.1:{port}", connect_timeout=2.0)
    report = api.harvest(["GSE990100"], config=config)
    assert report.exit_code == 2
    assert f"no Dask scheduler answers at tcp://127.0.0.1:{port}" in (report.fatal or "")
    assert report.results == []
