"""``rnacorpus mirror DIR --port N``: one line saying where and what, then serving until Ctrl-C."""

from __future__ import annotations

import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import typer
from typer.testing import CliRunner

import rnacorpus.cli.mirror_cmd  # noqa: F401 - registers the command
from rnacorpus.cli import app


def cli_group() -> typer.Typer:
    """A group holding the registered "mirror" command, as the real app is once every command module
    is imported (an app with a single command runs it without its name). Only this command's module
    is imported, so the test does not depend on the other commands."""
    group = typer.Typer()
    group.callback()(lambda: None)
    group.registered_commands += [command for command in app.registered_commands if command.name == "mirror"]
    return group


# the same, in a fresh interpreter. Ctrl-C's SIGINT is restored first: a shell script's background job
# (CI launched with `&`) starts with SIGINT ignored, which its children inherit, and Python then installs
# no KeyboardInterrupt handler; a mirror started in a terminal always has the default one
LAUNCH = (
    "import signal; signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "import typer, rnacorpus.cli.mirror_cmd\n"
    "from rnacorpus.cli import app\n"
    "group = typer.Typer()\n"
    "group.callback()(lambda: None)\n"
    "group.registered_commands += [c for c in app.registered_commands if c.name == 'mirror']\n"
    "group(prog_name='rnacorpus')\n"
)


def first_line(process: subprocess.Popen[str], timeout: float = 20.0) -> str:
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise AssertionError("the mirror printed nothing")
    return process.stdout.readline()


@pytest.fixture()
def running(corpus: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "mirror", str(corpus), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = first_line(process)
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise
    yield process, line
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serves_and_stops_cleanly(running: tuple[subprocess.Popen[str], str], stop: signal.Signals) -> None:
    process, line = running
    match = re.search(r"(http://127\.0\.0\.1:\d+) \((\d+) studies, (\d+) files\)", line)
    assert match, line
    url, studies, files = match.group(1), int(match.group(2)), int(match.group(3))
    assert studies >= 20 and files >= 100

    response = requests.get(f"{url}/geo/series/GSE1nnn/GSE1299/soft/GSE1299_family.soft.gz", timeout=10)
    assert response.status_code == 200

    process.send_signal(stop)
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.returncode == 0
    assert process.stderr is not None
    assert "GET /" not in process.stderr.read(), "quiet: no request lines unless asked for (-vv)"


def test_the_command_is_registered_on_the_app() -> None:
    assert [c.name for c in app.registered_commands].count("mirror") == 1


def test_a_missing_folder_is_refused() -> None:
    result = CliRunner().invoke(cli_group(), ["mirror", "/no/such/folder", "--port", "0"])
    assert result.exit_code == 2
    assert "/no/such/folder" in result.output and "does not exist" in result.output


def test_a_bad_port_is_refused(corpus: Path) -> None:
    result = CliRunner().invoke(cli_group(), ["mirror", str(corpus), "--port", "70000"])
    assert result.exit_code == 2
    assert "65535" in result.output
