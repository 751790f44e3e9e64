"""Requests and wall time of a daily arXiv fetch of 5 categories, against the loopback replay server.

The server (tests/replay_server.py) replays the recorded rss.arxiv.org feed in tests/fixtures/sources.
Each `papersum fetch` runs as a fresh subprocess with its own empty cache directory and the real
default pace (3 s between arXiv requests), so the figures include interpreter start-up and imports.

  1. `papersum fetch arxiv cs.CL cs.LG cs.AI cs.CV stat.ML`: one request for all five categories;
  2. the same command again the same day: served from the day cache;
  3. for comparison, the five categories fetched one by one in one process (5 requests, paced).

`--items N` also replays a feed of N items made by repeating the recorded items with distinct ids
(a synthetic size, to time parsing at a busy day's scale; the recorded feed has 4 items).

    PYTHONPATH=src python benchmarks/bench_fetch.py --items 1500
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from replay_server import ReplayServer, Reply, fixture  # noqa: E402

CATEGORIES = ["cs.CL", "cs.LG", "cs.AI", "cs.CV", "stat.ML"]
FEED_PATH = "/rss/" + "+".join(CATEGORIES)


def scaled_feed(items: int) -> bytes:
    """The recorded feed with its items repeated to `items` entries, each with a distinct id."""
    text = fixture("arxiv_rss_4cats.xml").decode("utf-8")
    head, rest = text.split("    <item>", 1)
    body, tail = rest.rsplit("    </item>\n", 1)
    recorded = ["    <item>" + chunk for chunk in (body + "    </item>\n").split("    <item>") if chunk]
    out = []
    for n in range(items):
        fake_id = f"2699.{n:05d}"
        out.append(re.sub(r"\d{4}\.\d{5}", fake_id, recorded[n % len(recorded)]))
    return (head + "".join(out) + tail).encode("utf-8")


def run_fetch(env: dict[str, str], out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "papersum", "fetch", "arxiv", *CATEGORIES, "--out", str(out), "--quiet"],
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def startup_seconds() -> float:
    """Wall time of `papersum --version`: interpreter start-up and imports, the floor of any command."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "papersum", "--version"], check=True, capture_output=True)
    return time.perf_counter() - started


def measure(feed: bytes, label: str) -> None:
    with ReplayServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.add(FEED_PATH, Reply(feed))
        for category in CATEGORIES:
            server.add(f"/rss/{category}", Reply(feed))
        env = {
            **os.environ,
            "PAPERSUM_CACHE_DIR": str(Path(tmp) / "cache"),
            "PAPERSUM_ARXIV_RSS_URL": server.url("/rss/"),
            "PAPERSUM_ARXIV_INTERVAL": "3",
        }
        out = Path(tmp) / "today.jsonl"
        cold = run_fetch(env, out)
        papers = len(out.read_text("utf-8").splitlines())
        cold_requests = len(server.log)
        warm = run_fetch(env, out)
        warm_requests = len(server.log) - cold_requests
        print(f"{label}: feed {len(feed):,} bytes, {papers} papers kept")
        print(f"  daily fetch, 5 categories:    {cold_requests} request(s), {cold:.2f} s wall (subprocess)")
        print(f"  same day again (day cache):   {warm_requests} request(s), {warm:.2f} s wall (subprocess)")

        from papersum.config import load_settings
        from papersum.sources import fetch_source, make_client

        os.environ.update(env)
        os.environ["PAPERSUM_CACHE_DIR"] = str(Path(tmp) / "cache-separate")
        settings = load_settings()
        client = make_client(settings)
        before = len(server.log)
        started = time.perf_counter()
        for category in CATEGORIES:
            fetch_source(f"arxiv:{category}", settings=settings, client=client)
        separate = time.perf_counter() - started
        print(
            f"  one request per category:     {len(server.log) - before} request(s), "
            f"{separate:.2f} s wall (in process; paced 3 s apart)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=0, help="also replay a feed of N items")
    args = parser.parse_args()
    print(f"start-up floor (`papersum --version`): {startup_seconds():.2f} s wall")
    measure(fixture("arxiv_rss_4cats.xml"), "recorded feed")
    if args.items:
        measure(scaled_feed(args.items), f"recorded items repeated to {args.items}")


if __name__ == "__main__":
    main()
