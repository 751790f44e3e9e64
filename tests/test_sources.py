"""Sources against a real loopback server replaying recorded arXiv and Hugging Face answers.

Time is injected (a fake clock whose sleep advances it), so the 3-second arXiv pace and Retry-After
waits are checked without any test sleeping.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from papersum.config import Settings
from papersum.errors import UsageError
from papersum.ingest.arxiv_feed import parse_arxiv_feed, select_items
from papersum.ingest.records import RawRecord
from papersum.sources import SourceError, fetch_source
from papersum.sources.arxiv import fetch_arxiv_query
from papersum.sources.daycache import DayCache
from papersum.sources.http import HostLimiter, PoliteClient, arxiv_pace, retry_after_seconds, user_agent
from papersum.sources.specs import ArxivQuerySpec, parse_spec
from replay_server import ReplayServer, Reply, fixture

RSS = "arxiv_rss_4cats.xml"
DAY = date(2026, 9, 24)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
def server() -> Iterator[ReplayServer]:
    with ReplayServer() as replay:
        yield replay


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def settings_for(server: ReplayServer, tmp_path: Path) -> Settings:
    return Settings(
        cache_dir=tmp_path / "cache",
        arxiv_rss_url=server.url("/rss/"),
        arxiv_api_url=server.url("/api/query"),
        hf_api_url=server.url("/api/daily_papers"),
        contact="reader@example.org",
    )


def client_for(settings: Settings, clock: FakeClock, *, retries: int = 3, today: date = DAY) -> PoliteClient:
    return PoliteClient(
        contact=settings.contact,
        cache=DayCache(settings.cache_dir / "sources", today=lambda: today),
        retries=retries,
        timeout=5,
        limiter=HostLimiter(clock=clock, sleep=clock.sleep),
    )


def test_feed_parser_takes_everything_from_the_feed() -> None:
    feed = parse_arxiv_feed(fixture(RSS))
    assert [item.announce_type for item in feed.items] == ["new", "new", "cross", "replace"]
    first, second, cross, replaced = feed.items
    assert (first.arxiv_id, first.version, first.authors) == ("2609.26811", 1, ["Fabien Polly"])
    assert (
        first.abstract.startswith("Local learning trains each layer")
        and "Announce Type" not in first.abstract
    )
    assert second.authors == ["Naser Mansour", "Sidahmed Benabderrahmane", "Ameer Rahwan"]
    assert second.categories == ["cs.LG", "cs.AI"] and second.published == DAY
    assert (cross.arxiv_id, cross.version, cross.categories) == (
        "2205.06398",
        2,
        ["stat.ME", "stat.AP", "stat.ML"],
    )
    assert (replaced.arxiv_id, replaced.version) == ("2009.13987", 3)


def test_atom_variant_of_the_feed_parses_the_same_way() -> None:
    feed = parse_arxiv_feed(fixture("arxiv_atom_cs.LG.xml"))
    assert [(i.arxiv_id, i.version, i.announce_type) for i in feed.items] == [
        ("2609.28553", 1, "new"),
        ("2402.10149", 3, "cross"),
        ("2401.08875", 3, "replace"),
    ]
    assert len(feed.items[0].authors) == 6 and feed.items[0].abstract.startswith("Drug toxicity")


def test_default_selection_is_new_and_cross_lists() -> None:
    items = parse_arxiv_feed(fixture(RSS)).items
    kept, skipped = select_items(items)
    assert [i.announce_type for i in kept] == ["new", "new", "cross"] and skipped == {"replacements": 1}
    kept, skipped = select_items(items, include_replacements=True, cross_lists=False)
    assert [i.announce_type for i in kept] == ["new", "new", "replace"] and skipped == {"cross-lists": 1}


def test_two_categories_are_one_request(server: ReplayServer, tmp_path: Path, clock: FakeClock) -> None:
    server.add("/rss/cs.LG+cs.AI", Reply(fixture(RSS)))
    settings = settings_for(server, tmp_path)
    result = fetch_source("arxiv:cs.LG+cs.AI", settings=settings, client=client_for(settings, clock))
    assert [seen.path for seen in server.log] == ["/rss/cs.LG+cs.AI"] and result.requests == 1
    assert [(p.id, p.version, p.announce_type) for p in result.papers] == [
        ("2609.26811", 1, "new"),
        ("2609.26820", 1, "new"),
        ("2205.06398", 2, "cross"),
    ]
    assert result.skipped == {"replacements": 1} and not result.empty
    assert result.message.startswith("arXiv cs.LG, cs.AI: 3 papers (2 new, 1 cross)")
    assert result.message.endswith("skipped 1 replacement")  # the flag that keeps them is the caller's
    assert server.log[0].headers["User-Agent"].endswith("(mailto:reader@example.org)")
    assert result.papers[0].source == "arxiv:cs.LG+cs.AI:1"


def test_replacements_are_kept_and_labelled_on_request(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    server.add("/rss/stat.ML", Reply(fixture(RSS)))
    settings = settings_for(server, tmp_path)
    result = fetch_source(
        "arxiv:stat.ML", settings=settings, client=client_for(settings, clock), include_replacements=True
    )
    assert result.papers[-1].announce_type == "replace" and result.papers[-1].version == 3
    assert result.skipped == {}


def test_an_empty_feed_is_not_a_failure(server: ReplayServer, tmp_path: Path, clock: FakeClock) -> None:
    server.add("/rss/cs.CV", Reply(fixture("arxiv_rss_empty.xml")))
    settings = settings_for(server, tmp_path)
    result = fetch_source("arxiv:cs.CV", settings=settings, client=client_for(settings, clock))
    assert result.empty and result.papers == []
    assert result.message == "arXiv announced no new papers for cs.CV (weekend or holiday?)"


def test_rerun_the_same_day_is_served_from_the_cache(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    server.add("/rss/cs.LG", Reply(fixture(RSS)))
    settings = settings_for(server, tmp_path)
    first = fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock))
    again = fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock))
    assert len(server.log) == 1 and (first.requests, again.requests) == (1, 0)
    assert again.papers == first.papers and again.message.endswith("(from today's cache)")
    next_day = fetch_source(
        "arxiv:cs.LG", settings=settings, client=client_for(settings, clock, today=DAY + timedelta(days=1))
    )
    assert next_day.requests == 1 and len(server.log) == 2
    assert [d.name for d in (tmp_path / "cache" / "sources").iterdir()] == ["2026-09-25"]  # old day dropped


@pytest.mark.parametrize("status", [503, 429])
def test_503_or_429_with_retry_after_is_waited_out(
    server: ReplayServer, tmp_path: Path, clock: FakeClock, status: int
) -> None:
    server.add("/rss/cs.LG", Reply(b"busy", status=status, headers={"Retry-After": "7"}), Reply(fixture(RSS)))
    settings = settings_for(server, tmp_path)
    result = fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock))
    assert len(result.papers) == 3 and result.requests == 2
    assert 7.0 in clock.slept and sum(clock.slept) >= 7.0


def test_5xx_after_retries_is_one_line_and_nothing_is_cached(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    server.add("/rss/cs.LG", Reply(b"down", status=503))
    settings = settings_for(server, tmp_path)
    with pytest.raises(SourceError) as caught:
        fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock, retries=2))
    assert "HTTP 503" in str(caught.value) and "gave up after 3 attempts" in str(caught.value)
    assert "\n" not in str(caught.value) and len(server.log) == 3
    assert not (tmp_path / "cache" / "sources").exists()


def test_a_truncated_body_is_retried_then_reported(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    server.add("/rss/cs.LG", Reply(fixture(RSS), truncate=True), Reply(fixture(RSS)))
    server.add("/rss/cs.AI", Reply(fixture(RSS), truncate=True))
    settings = settings_for(server, tmp_path)
    recovered = fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock))
    assert len(recovered.papers) == 3 and recovered.requests == 2
    with pytest.raises(SourceError, match="cut short"):
        fetch_source("arxiv:cs.AI", settings=settings, client=client_for(settings, clock, retries=1))


def test_a_refused_connection_is_a_source_error(tmp_path: Path, clock: FakeClock) -> None:
    with socket.socket() as sock:  # a loopback port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = Settings(cache_dir=tmp_path / "cache", arxiv_rss_url=f"http://127.0.0.1:{port}/rss/")
    with pytest.raises(SourceError, match="cannot connect"):
        fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock, retries=1))


def test_a_server_that_does_not_answer_in_time(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    server.add("/rss/cs.LG", Reply(fixture(RSS), stall_s=0.6))
    settings = settings_for(server, tmp_path)
    client = client_for(settings, clock, retries=0)
    client.timeout = 0.2
    with pytest.raises(SourceError, match=r"no answer within 0.2 s \(gave up after 1 attempt\)"):
        fetch_source("arxiv:cs.LG", settings=settings, client=client)


def test_a_malformed_feed_fails_and_is_not_cached(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    server.add("/rss/cs.LG", Reply(fixture(RSS)[:4000]), Reply(fixture(RSS)))
    settings = settings_for(server, tmp_path)
    with pytest.raises(SourceError, match="malformed feed: not well-formed XML"):
        fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock))
    result = fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock))
    assert result.requests == 1 and len(result.papers) == 3


def test_a_gzip_answer_is_decoded(server: ReplayServer, tmp_path: Path, clock: FakeClock) -> None:
    server.add("/rss/cs.LG", Reply(fixture(RSS), gzip=True))
    settings = settings_for(server, tmp_path)
    result = fetch_source("arxiv:cs.LG", settings=settings, client=client_for(settings, clock))
    assert len(result.papers) == 3 and server.log[0].headers["Accept-Encoding"] == "gzip"


def test_api_search_is_paged_and_paced(server: ReplayServer, tmp_path: Path, clock: FakeClock) -> None:
    server.add("/api/query", Reply(fixture("arxiv_api_transformer_p1.xml")), query={"start": "0"})
    server.add("/api/query", Reply(fixture("arxiv_api_cs.CL_p2.xml")), query={"start": "5"})
    settings = settings_for(server, tmp_path)
    client = client_for(settings, clock)
    fetched = fetch_arxiv_query(
        client, settings, ArxivQuerySpec("all:transformer", max_results=8), today=DAY, page_size=5
    )
    assert [(s.query["start"], s.query["max_results"]) for s in server.log] == [("0", "5"), ("5", "3")]
    assert server.log[0].query["sortBy"] == "submittedDate"
    assert len(fetched.records) == 8 and client.requests == 2
    assert clock.slept == [3.0]  # the default arXiv pace between the two pages, on the fake clock
    first = fetched.records[0]
    assert isinstance(first, RawRecord) and (first.fields["id"], first.fields["version"]) == ("2606.13677", 1)
    assert [r.line for r in fetched.records if isinstance(r, RawRecord)] == list(range(1, 9))
    fetch_arxiv_query(
        client, settings, ArxivQuerySpec("all:transformer", max_results=8), today=DAY, page_size=5
    )
    assert client.requests == 2 and client.cache_hits == 2  # both pages from today's cache


def test_api_pages_that_repeat_papers_give_each_paper_once(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    """arXiv's pages shift when papers are submitted while a search pages through (newest first):
    a paper seen on an earlier page is kept once."""
    server.add("/api/query", Reply(fixture("arxiv_api_transformer_p1.xml")))  # every page the same
    settings = settings_for(server, tmp_path)
    spec = ArxivQuerySpec("all:transformer", max_results=8)
    result = fetch_source(spec, settings=settings, client=client_for(settings, clock), today=DAY)
    ids = [paper.id for paper in result.papers]
    assert len(ids) == len(set(ids)) == 5
    assert "5 papers of 28,946 matching" in result.message and "3 repeated across pages" in result.message


def test_api_since_narrows_the_query(server: ReplayServer, tmp_path: Path, clock: FakeClock) -> None:
    server.add("/api/query", Reply(fixture("arxiv_api_cs.CL_p2.xml")))
    settings = settings_for(server, tmp_path)
    spec = ArxivQuerySpec("cat:cs.CL", since=date(2026, 9, 1), max_results=3)
    result = fetch_source(spec, settings=settings, client=client_for(settings, clock), today=DAY)
    assert (
        server.log[0].query["search_query"] == "(cat:cs.CL) AND submittedDate:[202609010000 TO 202609242359]"
    )
    assert len(result.papers) == 3 and "of 119,894 matching" in result.message


def test_rss_and_api_share_the_arxiv_pace(server: ReplayServer, tmp_path: Path, clock: FakeClock) -> None:
    server.add("/rss/cs.CL", Reply(fixture(RSS)))
    server.add("/api/query", Reply(fixture("arxiv_api_cs.CL_p2.xml")))
    settings = settings_for(server, tmp_path)
    client = client_for(settings, clock)
    fetch_source("arxiv:cs.CL", settings=settings, client=client)
    fetch_source(ArxivQuerySpec("cat:cs.CL", max_results=3), settings=settings, client=client)
    assert clock.slept == [3.0] and len(server.log) == 2
    assert arxiv_pace("https://rss.arxiv.org/rss/cs.CL", 0.0) == arxiv_pace(
        "https://export.arxiv.org/api/query", 0.0
    )
    assert arxiv_pace("https://export.arxiv.org/api/query", 0.0).interval == 3.0  # never below 3 s


def test_hugging_face_daily_papers_keep_their_extras(
    server: ReplayServer, tmp_path: Path, clock: FakeClock
) -> None:
    server.add(
        "/api/daily_papers", Reply(fixture("hf_daily_papers_2026-06-12.json")), query={"date": "2026-06-12"}
    )
    server.add("/api/daily_papers", Reply(b"[]"), query={"date": "2026-06-13"})
    settings = settings_for(server, tmp_path)
    result = fetch_source("hf:2026-06-12", settings=settings, client=client_for(settings, clock))
    by_id = {paper.id: paper for paper in result.papers}
    assert len(by_id) == 6 and result.message == "Hugging Face daily papers 2026-06-12: 6 papers"
    psychometric = by_id["2606.12730"]
    assert psychometric.upvotes == 5 and psychometric.github_repo.endswith(
        "Rethinking-Pyschometric-Eval-LLMs"
    )
    assert psychometric.ai_summary and "Theory of Planned Behavior" in psychometric.ai_keywords
    assert by_id["2606.00467"].github_repo is None and by_id["2606.00467"].upvotes == 0
    empty = fetch_source("hf:2026-06-13", settings=settings, client=client_for(settings, clock))
    assert empty.empty and "no daily papers for 2026-06-13" in empty.message


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 9, 24, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Thu, 24 Sep 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("2", now) == 2.0 and retry_after_seconds("soon", now) is None


def test_user_agent_names_papersum_and_the_contact() -> None:
    assert user_agent(None).startswith("papersum/")
    assert user_agent("me@example.org").endswith("(mailto:me@example.org)")
    assert user_agent("https://example.org/bot").endswith("(https://example.org/bot)")


def test_specs() -> None:
    assert str(parse_spec("arxiv:cs.cl+CS.LG")) == "arxiv:cs.CL+cs.LG"
    assert str(parse_spec("hf:")) == "hf:" and str(parse_spec("hf:2026-08-21")) == "hf:2026-08-21"
    with pytest.raises(UsageError, match=r"unknown arXiv category 'cs.XY'"):
        parse_spec("arxiv:cs.XY")
    with pytest.raises(UsageError, match="not a date"):
        parse_spec("hf:yesterday")
