"""Wall time and peak RSS of one `papersum newsletter` day: N readers, a P-paper arXiv feed, offline engine.

The feed is the recorded arXiv RSS day (tests/fixtures/sources/arxiv_rss_4cats.xml) with its items
replaced by P real arXiv papers (titles, abstracts, categories) from evals/data, served by the
tests' replay HTTP server; mail goes to a real aiosmtpd server on loopback. Each run is a fresh
`python -m papersum newsletter` process with an empty data directory and cache (a cold day); then
the same day is run again (everything already sent: fetch from the day cache, nothing to send).

    PYTHONPATH=src python benchmarks/bench_newsletter.py --papers 600 --readers 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from replay_server import ReplayServer, Reply, fixture  # noqa: E402
from smtp_support import smtp_server  # noqa: E402

ABSTRACTS = ROOT / "evals" / "data" / "arxiv_abstracts_categories_dev.jsonl"
ITEM = re.compile(r"    <item>.*?</item>\n", re.S)
FEED_PATH = "/rss/cs.LG+cs.AI+cs.CL+stat.ML"
READERS = [
    ("alice", "libraries/alice.bib", ["retrieval-augmented generation", "long context"]),
    ("bob", "libraries/bob.ris", ["mixture of experts", "efficient inference"]),
    ("carol", None, ["galaxy clusters", "dark matter"]),
    ("dave", None, ["graph neural networks"]),
    ("erin", None, ["reinforcement learning", "robotics"]),
]


def feed(papers: int) -> bytes:
    """The recorded feed's channel with `papers` items in its own item format."""
    text = fixture("arxiv_rss_4cats.xml").decode("utf-8")
    items = ITEM.findall(text)
    head, tail = text.split(items[0], 1)[0], text.rsplit(items[-1], 1)[1]
    rows = [json.loads(line) for line in ABSTRACTS.read_text("utf-8").splitlines()][:papers]
    if len(rows) < papers:
        raise SystemExit(f"{ABSTRACTS} has only {len(rows)} papers")
    out = []
    for row in rows:
        categories = "".join(f"      <category>{escape(c)}</category>\n" for c in row["categories"])
        out.append(
            "    <item>\n"
            f"      <title>{escape(row['title'])}</title>\n"
            f"      <link>https://arxiv.org/abs/{row['id']}</link>\n"
            f"      <description>arXiv:{row['id']}v1 Announce Type: new \nAbstract: {escape(row['abstract'])}"
            "</description>\n"
            f'      <guid isPermaLink="false">oai:arXiv.org:{row["id"]}v1</guid>\n'
            f"{categories}"
            "      <pubDate>Thu, 24 Sep 2026 00:00:00 -0400</pubDate>\n"
            "      <arxiv:announce_type>new</arxiv:announce_type>\n"
            "      <dc:rights>http://arxiv.org/licenses/nonexclusive-distrib/1.0/</dc:rights>\n"
            "      <dc:creator>Anonymous</dc:creator>\n"
            "    </item>\n"
        )
    return (head + "".join(out) + tail).encode("utf-8")


def config(work: Path, feeds: str, port: int, readers: int) -> Path:
    blocks = []
    for name, library, interests in READERS[:readers]:
        lines = [f'name = "{name}"', f'email = "{name}@example.org"', f"interests = {json.dumps(interests)}"]
        if library:
            lines.append(f'library = "{ROOT / "examples" / library}"')
        blocks.append("[[readers]]\n" + "\n".join(lines) + "\ntop = 20\n")
    path = work / "newsletter.toml"
    path.write_text(
        f'provider = "offline"\narxiv_rss_url = "{feeds}/rss/"\narxiv_interval = 0\n\n'
        '[sources]\narxiv = ["cs.LG", "cs.AI", "cs.CL", "stat.ML"]\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "papers@example.org"\n\n' + "\n".join(blocks),
        encoding="utf-8",
    )
    return path


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one child process."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execvpe(argv[0], argv, env)
    _, status, usage = os.wait4(pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=600)
    parser.add_argument("--readers", type=int, default=3, choices=range(1, len(READERS) + 1))
    parser.add_argument("--repeat", type=int, default=1, help="cold days to measure (fresh state each)")
    args = parser.parse_args()
    body = feed(args.papers)
    print(f"| run | readers | papers | wall (s) | peak RSS (MiB) | emails |\n|---|---:|---:|---:|---:|---:|")
    with ReplayServer() as feeds, smtp_server() as (inbox, port), tempfile.TemporaryDirectory() as tmp:
        feeds.add(FEED_PATH, Reply(body))
        for attempt in range(args.repeat):
            work = Path(tmp) / f"run{attempt}"
            work.mkdir()
            path = config(work, feeds.url("").rstrip("/"), port, args.readers)
            env = {
                **os.environ,
                "PAPERSUM_DATA_DIR": str(work / "data"),
                "PAPERSUM_CACHE_DIR": str(work / "cache"),
                "PYTHONPATH": str(ROOT / "src"),
            }
            argv = [sys.executable, "-m", "papersum", "newsletter", "--config", str(path)]
            for label in ("cold day", "same day again"):
                before = len(inbox.messages)
                wall, rss, code = measure(argv, env)
                if code != 0:
                    raise SystemExit(f"{label}: exit {code}")
                sent = len(inbox.messages) - before
                print(f"| {label} | {args.readers} | {args.papers} | {wall:.1f} | {rss:.0f} | {sent} |")


if __name__ == "__main__":
    main()
