"""`papersum newsletter` end to end: recorded feeds on a local HTTP server, a real aiosmtpd server,
the offline engine, the real ranker, and real processes killed with SIGKILL.

The two days are cut from the recorded feeds (tests/fixtures/sources, see its README):
day 1 = arXiv items 1, 2 (+ the replacement, which the source skips) and Hugging Face papers 1-3;
day 2 = the whole arXiv recording with item 1 re-announced as a replacement (v2) and item 2
repeated, and all six Hugging Face papers. New on day 2: the arXiv cross-list and HF papers 4-6.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papersum.cli import app
from replay_server import ReplayServer, Reply, fixture
from smtp_support import Inbox, free_port, smtp_server

runner = CliRunner()
RSS = "arxiv_rss_4cats.xml"
HF = "hf_daily_papers_2026-06-12.json"
DAY1_ARXIV = ["2609.26811", "2609.26820"]
DAY1_HF = ["2606.00467", "2606.12730", "2606.13594"]
DAY2_NEW = ["2205.06398", "2606.13392", "2606.08063", "2606.13681"]
ITEM = re.compile(r"    <item>.*?</item>\n", re.S)


def arxiv_feed(day: int) -> bytes:
    text = fixture(RSS).decode("utf-8")
    items = ITEM.findall(text)
    assert len(items) == 4
    head, tail = text.split(items[0], 1)[0], text.rsplit(items[-1], 1)[1]
    if day == 1:
        return (head + items[0] + items[1] + items[3] + tail).encode("utf-8")
    replaced = (
        items[0]
        .replace("2609.26811v1 Announce Type: new", "2609.26811v2 Announce Type: replace")
        .replace("oai:arXiv.org:2609.26811v1", "oai:arXiv.org:2609.26811v2")
        .replace("<arxiv:announce_type>new<", "<arxiv:announce_type>replace<")
    )
    assert replaced != items[0]
    return (head + replaced + "".join(items[1:]) + tail).encode("utf-8")


def hf_feed(day: int) -> bytes:
    papers = json.loads(fixture(HF))
    return json.dumps(papers[:3] if day == 1 else papers, separators=(",", ":")).encode("utf-8")


LIBRARIES = {
    "alice.bib": """@article{park2023agents,
  title = {Generative Agents: Interactive Simulacra of Human Behavior},
  abstract = {Believable proxies of human behavior: LLM agents with memory, reflection and planning.},
  year = {2023}
}
""",
    "bob.bib": """@article{jordan2024muon,
  title = {Muon: An Optimizer for Hidden Layers in Neural Networks},
  abstract = {Orthogonalized momentum updates scale to large models and improve training speed.},
  year = {2024}
}
""",
}


def write_config(tmp_path: Path, feeds: str, smtp_port: int, **extra: str) -> Path:
    for name, text in LIBRARIES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config = tmp_path / "newsletter.toml"
    config.write_text(
        f"""title = "Morning papers"
provider = "offline"
arxiv_rss_url = "{feeds}/rss/"
hf_api_url = "{feeds}/api/daily_papers"
arxiv_interval = 0
http_retries = 0
http_timeout = 5

[sources]
arxiv = ["cs.LG", "cs.AI", "cs.CL", "stat.ML"]
hf = true

[smtp]
host = "127.0.0.1"
port = {smtp_port}
sender = "Morning papers <papers@example.org>"
timeout = 10

[[readers]]
name = "alice"
email = "alice@example.org"
library = "alice.bib"
interests = ["LLM agents", "memory"]
formats = ["md"]

[[readers]]
name = "bob"
email = "bob@example.org"
library = ["bob.bib"]
interests = ["optimizers"]
top = 3

[[readers]]
name = "carol"
email = "carol@example.org"
interests = ["evaluating language models"]
include = ["psychometric", "annotation"]
""",
        encoding="utf-8",
    )
    return config


@dataclass
class World:
    feeds: ReplayServer
    inbox: Inbox
    smtp_port: int
    config: Path
    tmp: Path

    def serve_day(self, day: int) -> None:
        self.feeds.routes.clear()
        self.feeds.add("/rss/cs.LG+cs.AI+cs.CL+stat.ML", Reply(arxiv_feed(day)))
        self.feeds.add("/api/daily_papers", Reply(hf_feed(day)))

    def run(self, *args: str, day: int = 1) -> tuple[int, str]:
        """In-process run; each day gets its own cache (a real next day would not reuse today's feed)."""
        env = {"PAPERSUM_CACHE_DIR": str(self.tmp / f"cache-day{day}")}
        result = runner.invoke(app, ["newsletter", "--config", str(self.config), *args], env=env)
        return result.exit_code, result.stderr

    def received(self) -> dict[str, list[EmailMessage]]:
        by_reader: dict[str, list[EmailMessage]] = {}
        for message in self.inbox.all_parsed():
            by_reader.setdefault(str(message["To"]).split("@")[0], []).append(message)
        return by_reader


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with ReplayServer() as feeds, smtp_server() as (inbox, port):
        config = write_config(tmp_path, feeds.url("").rstrip("/"), port)
        yield World(feeds, inbox, port, config, tmp_path)


def paper_ids(message: EmailMessage) -> list[str]:
    """arXiv ids linked from the email's HTML part, in order, once each."""
    html = message.get_body(("html",))
    assert html is not None
    return list(dict.fromkeys(re.findall(r"arxiv\.org/abs/(\d{4}\.\d{5})", html.get_content())))


def test_two_days_each_reader_gets_only_what_is_new(world: World) -> None:
    world.serve_day(1)
    code, err = world.run(day=1)
    assert code == 0, err
    assert err.strip().endswith("sent 3 emails"), err
    # The skipped replacement is counted with the setting that would mail it (no flag of `fetch`).
    assert "skipped 1 replacement (replacements = true under [sources] mails them)" in err, err
    day1 = world.received()
    assert sorted(day1) == ["alice", "bob", "carol"] and all(len(m) == 1 for m in day1.values())
    alice = day1["alice"][0]
    assert alice["Subject"] == "Morning papers · " + alice["Subject"].split(" · ")[1] + " · 5 papers"
    assert sorted(paper_ids(alice)) == sorted(DAY1_ARXIV + DAY1_HF)
    assert "2009.13987" not in paper_ids(alice)  # the replacement is not news
    assert [part.get_filename() for part in alice.iter_attachments()] == ["digest.md"]
    assert alice.get_body(("plain",)) is not None
    assert len(paper_ids(day1["bob"][0])) == 3  # top = 3
    assert paper_ids(day1["bob"][0])[0] == "2609.26811"  # the optimizer paper leads for bob
    assert sorted(paper_ids(day1["carol"][0])) == ["2606.00467", "2606.12730"]  # include filter
    # A reader can rate a paper from the email: its text is known from the run.
    rated = runner.invoke(app, ["rate", "--reader", "carol", "2606.12730", "--up"])
    assert rated.exit_code == 0 and "no title or abstract known" not in rated.stderr, rated.stderr

    world.inbox.messages.clear()
    world.serve_day(2)
    code, err = world.run(day=2)
    assert code == 0, err
    assert "sent 2 emails; nothing new for reader carol" in err
    day2 = world.received()
    assert sorted(day2) == ["alice", "bob"]
    assert sorted(paper_ids(day2["alice"][0])) == sorted(DAY2_NEW)  # no repeat, no replacement
    bob_day2 = paper_ids(day2["bob"][0])
    assert not set(bob_day2) & set(paper_ids(day1["bob"][0]))
    # Bob's day-1 papers outside his top 3 were passed over, not recorded as sent, and not offered again.
    state = json.loads((world.tmp / "data" / "readers" / "bob" / "newsletter.json").read_text("utf-8"))
    assert set(state["seen"]) == set(paper_ids(day1["bob"][0])) | set(bob_day2)
    day1_leftovers = set(DAY1_ARXIV + DAY1_HF) - set(paper_ids(day1["bob"][0]))
    assert len(day1_leftovers) == 2 and day1_leftovers <= set(state["passed"])
    assert not day1_leftovers & set(bob_day2)
    assert state["outbox"] == [] and len(state["history"]) == 2


def test_weekend_feed_sends_nothing(world: World) -> None:
    world.feeds.add("/rss/cs.LG+cs.AI+cs.CL+stat.ML", Reply(fixture("arxiv_rss_empty.xml")))
    world.feeds.add("/api/daily_papers", Reply(b"[]"))
    code, err = world.run()
    assert code == 0, err
    assert "arXiv announced no new papers for cs.LG, cs.AI, cs.CL, stat.ML (weekend or holiday?)" in err
    assert world.inbox.messages == []


def test_feed_server_down_is_one_line_and_records_nothing(world: World) -> None:
    world.config.write_text(
        world.config.read_text("utf-8").replace(
            world.feeds.url("").rstrip("/"), f"http://127.0.0.1:{free_port()}"
        ),
        encoding="utf-8",
    )
    code, err = world.run()
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(
        "papersum: error: fetching arxiv:cs.LG+cs.AI+cs.CL+stat.ML failed"
    )
    assert world.inbox.messages == [] and not (world.tmp / "data" / "readers").exists()


def test_smtp_failing_after_the_first_reader_then_rerun_sends_the_rest(world: World) -> None:
    world.serve_day(1)
    accepted: list[bytes] = []

    def fail_after_first(raw: bytes) -> str | None:
        accepted.append(raw)
        return None if len(accepted) == 1 else "451 4.3.0 mail system failing"

    world.inbox.on_data = fail_after_first
    code, err = world.run()
    assert code == 1
    assert "could not send to bob" in err.splitlines()[-1] and "451" in err.splitlines()[-1]
    assert [m["To"] for m in world.inbox.all_parsed()] == ["alice@example.org"]
    world.inbox.on_data = None
    code, err = world.run()
    assert code == 0, err
    # bob's and carol's messages from the outbox; nothing else is new for anyone
    assert err.splitlines()[-1] == "sent 2 emails; nothing new for reader alice"
    assert sorted(m["To"] for m in world.inbox.all_parsed()) == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
    ]
    code, err = world.run()  # and a third run has nothing left to send
    assert code == 0
    assert "nothing new for reader alice; nothing new for reader bob; nothing new for reader carol" in err
    assert len(world.inbox.messages) == 3


def test_dry_run_writes_eml_and_records_nothing(world: World) -> None:
    world.serve_day(1)
    out = world.tmp / "eml"
    code, err = world.run("--dry-run", "--out-dir", str(out), "--reader", "carol", "--reader", "bob")
    assert code == 0, err
    assert sorted(path.name.split("-", 3)[-1] for path in out.iterdir()) == ["bob.eml", "carol.eml"]
    assert "wrote 2 .eml files (dry run, nothing recorded)" in err
    assert world.inbox.messages == [] and not (world.tmp / "data" / "readers").exists()
    code, err = world.run("--reader", "bob")
    assert code == 0 and "sent 1 email" in err
    assert [m["To"] for m in world.inbox.all_parsed()] == ["bob@example.org"]


def test_bad_config_and_missing_password_exit_2(world: World) -> None:
    world.config.write_text(world.config.read_text("utf-8").replace("top = 3", "top = -1"), encoding="utf-8")
    code, err = world.run()
    assert code == 2 and re.search(r"newsletter\.toml: readers\[2\] \(bob\)\.top: .*greater than", err)
    world.config.write_text(
        world.config.read_text("utf-8")
        .replace("top = -1", "top = 3")
        .replace("timeout = 10", 'username = "u"'),
        encoding="utf-8",
    )
    code, err = world.run()
    assert code == 2 and "smtp.password_env: PAPERSUM_SMTP_PASSWORD is not set" in err
    code, err = world.run("--reader", "dave")
    assert code == 2 and "no reader named 'dave'" in err


# --- kill -9 -------------------------------------------------------------------------------------


def start_run(world: World) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PAPERSUM_CACHE_DIR": str(world.tmp / "cache-day1"),
        "PAPERSUM_DATA_DIR": str(world.tmp / "data"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "papersum", "newsletter", "--config", str(world.config)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def killer(process: list[subprocess.Popen[str]]) -> None:
    os.kill(process[0].pid, signal.SIGKILL)


@pytest.mark.parametrize("point", ["fetching", "bob-rcpt", "bob-after-data"])
def test_kill_9_mid_run_then_rerun_sends_each_email_once(world: World, point: str) -> None:
    world.serve_day(1)
    running: list[subprocess.Popen[str]] = []
    if point == "fetching":  # killed while the Hugging Face feed is being served
        original = world.feeds._next

        def kill_on_hf(path: str, query: dict[str, str]) -> Reply:
            if path == "/api/daily_papers":
                killer(running)
            return original(path, query)

        world.feeds._next = kill_on_hf  # type: ignore[method-assign]
    elif point == "bob-rcpt":  # alice delivered; bob's transaction open, his message not yet sent

        def kill_on_bob(address: str) -> str | None:
            if address == "bob@example.org":
                killer(running)
                return "421 4.3.2 going down"
            return None

        world.inbox.on_rcpt = kill_on_bob
    else:  # the server has bob's whole message and accepts it; the client dies before the answer

        def kill_after_bob(raw: bytes) -> str | None:
            if b"To: bob@example.org" in raw:
                killer(running)
            return None

        world.inbox.on_data = kill_after_bob
    running.append(start_run(world))
    running[0].communicate(timeout=120)
    assert running[0].returncode == -signal.SIGKILL
    world.inbox.on_rcpt = world.inbox.on_data = None
    if point == "fetching":
        world.feeds._next = original  # type: ignore[method-assign]
        assert world.inbox.messages == []
    code, err = world.run()
    assert code == 0, err
    received = world.received()
    assert sorted(received) == ["alice", "bob", "carol"]
    assert all(len(messages) == 1 for messages in received.values()), {k: len(v) for k, v in received.items()}
    if point == "bob-after-data":
        assert "warning: bob: message <" in err and "may not have been delivered" in err
        assert list((world.tmp / "data" / "readers" / "bob" / "uncertain").glob("*.eml"))
    if point == "bob-rcpt":  # the same message, prepared before the kill, was sent on the rerun
        outbox_id = received["bob"][0]["Message-ID"]
        history = json.loads((world.tmp / "data" / "readers" / "bob" / "newsletter.json").read_text("utf-8"))
        assert [item["message_id"] for item in history["history"]] == [outbox_id]


def test_a_paper_in_both_sources_is_kept_once_with_what_each_knows() -> None:
    from papersum.models import Paper
    from papersum.newsletter.run import merge_sources

    arxiv = Paper(id="2606.13392", title="MiniMax Sparse Attention", abstract="A.", announce_type="new")
    other = Paper(id="2609.26811", title="The Drift Contract", abstract="B.")
    hf = Paper(
        id="2606.13392v2", title="MiniMax Sparse Attention", abstract="A.", upvotes=103, ai_keywords=["x"]
    )
    merged = merge_sources([[arxiv, other], [hf]])
    assert [paper.id for paper in merged] == ["2606.13392", "2609.26811"]
    assert (merged[0].announce_type, merged[0].upvotes, merged[0].ai_keywords) == ("new", 103, ["x"])
