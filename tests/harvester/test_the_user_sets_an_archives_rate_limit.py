"""A user changes an archive's politeness limit: ``--rate-limit ARCHIVE=RATE[/BURST]`` or ``=off``.

The defaults stay the archives' own (NCBI FTP 5/s …); someone harvesting a mirror they run, or holding
a larger quota, lifts or raises them per archive — from the command line, ``RNACORPUS_RATE_LIMITS`` or
``Config(rate_overrides=…)`` in a notebook. A limit that is off never delays a request; the others keep
pacing. A bad entry is a clear error naming it, before anything runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from rnacorpus.config import ARCHIVE_HOSTS, Config, RateLimit, parse_rate_limits
from rnacorpus.errors import ConfigError
from rnacorpus.harvester.http import HttpClient
from rnacorpus.harvester.ratelimit import RateLimiter
from rnacorpus.harvester.transport import HttpRequest, HttpResponse, MockTransport
from rnacorpus.pipeline.cluster_limits import SharedRateLimiter
from tests.cli.test_core_cli import run
from tests.faults import FakeClock

FTP_LISTING = "https://ftp.ncbi.nlm.nih.gov/geo/series/GSE1nnn/GSE{}/suppl/"


def test_entries_set_rate_burst_or_off_per_archive() -> None:
    limits = parse_rate_limits("ncbi_ftp=20, ebi=5/4,biosamples=off")
    assert limits["ncbi_ftp"] == RateLimit(20.0, 1)
    assert limits["ebi"] == RateLimit(5.0, 4)
    assert limits["biosamples"].unlimited and math.isinf(limits["biosamples"].rate)
    assert set(limits) == {"ncbi_ftp", "ebi", "biosamples"}


def test_star_names_every_archive_and_later_entries_win() -> None:
    limits = parse_rate_limits("*=off,eutils=3")
    assert set(limits) == set(ARCHIVE_HOSTS)
    assert limits["eutils"] == RateLimit(3.0, 1)
    assert all(limit.unlimited for name, limit in limits.items() if name != "eutils")


def test_a_host_outside_the_archives_gets_its_own_entry_in_lower_case() -> None:
    assert parse_rate_limits("Data.Example.org:8443=2/3") == {"data.example.org:8443": RateLimit(2.0, 3)}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("ncbi=5", "'ncbi'"),  # not an archive, not a host
        ("ncbi_ftp", "'ncbi_ftp'"),  # no value
        ("ncbi_ftp=", "'ncbi_ftp='"),
        ("ncbi_ftp=0", "'ncbi_ftp=0'"),  # zero would stop every request: say off or a rate
        ("ncbi_ftp=-2", "'ncbi_ftp=-2'"),
        ("ncbi_ftp=inf", "'ncbi_ftp=inf'"),  # "no limit" is spelled off, on purpose
        ("ncbi_ftp=fast", "'ncbi_ftp=fast'"),
        ("ncbi_ftp=5/0", "'ncbi_ftp=5/0'"),
        ("ncbi_ftp=5/x", "'ncbi_ftp=5/x'"),
    ],
)
def test_a_bad_entry_is_an_error_naming_it(text: str, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_rate_limits(text)
    assert named in str(caught.value) and "--rate-limit" in str(caught.value)


def test_the_command_line_wins_over_the_environment_per_archive() -> None:
    env = {"RNACORPUS_RATE_LIMITS": "ncbi_ftp=20,ebi=2", "NCBI_API_KEY": "k"}
    config = Config.from_env(env, rate_overrides=parse_rate_limits("ncbi_ftp=off"))
    limits = config.limits
    assert limits["ncbi_ftp"].unlimited  # the option
    assert limits["ebi"] == RateLimit(2.0, 1)  # the environment
    assert limits["eutils"] == RateLimit(10.0, 1)  # the default, raised by the API key as before
    assert Config.from_env({}).limits == Config().limits  # nothing given: the archives' defaults
    with pytest.raises(ConfigError, match="RNACORPUS_RATE_LIMITS"):
        Config.from_env({"RNACORPUS_RATE_LIMITS": "ftp=3"})


def test_an_archive_whose_limit_is_off_is_never_delayed_and_the_others_still_are() -> None:
    clock = FakeClock()
    config = Config(rate_overrides=parse_rate_limits("ncbi_ftp=off"))
    limiter = RateLimiter(config.limits, clock=clock, sleep=clock.sleep)
    assert [limiter.acquire("ncbi_ftp") for _ in range(1000)] == [0.0] * 1000
    assert clock.sleeps == []
    for _ in range(3):
        limiter.acquire("eutils")  # still 3/s
    assert clock.sleeps == pytest.approx([1 / 3, 1 / 3])


def test_a_cluster_run_asks_the_scheduler_only_for_limited_archives() -> None:
    asked: list[str] = []

    def call(key: str, rate: float, burst: int) -> float:
        asked.append(key)
        return 0.0

    limiter = SharedRateLimiter(Config(rate_overrides=parse_rate_limits("ncbi_ftp=off")).limits, call, sleep=None)
    limiter.acquire("ncbi_ftp")
    limiter.acquire("ebi")
    assert asked == ["ebi"]


def test_the_client_sends_to_an_unlimited_archive_without_pacing(tmp_path: Path) -> None:
    clock = FakeClock()
    sent_at: list[float] = []

    def handler(request: HttpRequest) -> HttpResponse:
        sent_at.append(clock() - 1_700_000_000.0)
        return HttpResponse(200, {"Content-Type": "text/plain"}, b"x")

    paced = HttpClient(Config(cache_dir=tmp_path / "a"), MockTransport(handler), clock, clock.sleep)
    for i in range(4):
        paced.get_text(FTP_LISTING.format(1000 + i))
    assert sent_at == pytest.approx([0.0, 0.0, 0.2, 0.4])  # NCBI FTP's default: 5/s, bursts of 2
    sent_at.clear()
    lifted = Config(cache_dir=tmp_path / "b", rate_overrides=parse_rate_limits("*=off"))
    client = HttpClient(lifted, MockTransport(handler), clock, clock.sleep)
    start = clock() - 1_700_000_000.0
    for i in range(4):
        client.get_text(FTP_LISTING.format(1100 + i))
    assert sent_at == pytest.approx([start] * 4)


def test_the_cli_refuses_a_bad_rate_limit_before_anything_runs(tmp_path: Path) -> None:
    done = run("harvest", "GSE1299", "--rate-limit", "ncbi_ftp=off", "--rate-limit", "genbank=5", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "'genbank'" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
