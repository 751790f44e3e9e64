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
import contextlib
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


def config(work: Path, feeds: str, port: int, readers: int, concurrency: str = "auto") -> Path:
    blocks = []
    for name, library, interests in READERS[:readers]:
        lines = [f'name = "{name}"', f'email = "{name}@example.org"', f"interests = {json.dumps(interests)}"]
        if library:
            lines.append(f'library = "{ROOT / "examples" / library}"')
        blocks.append("[[readers]]\n" + "\n".join(lines) + "\ntop = 20\n")
    setting = concurrency if concurrency.isdigit() else json.dumps(concurrency)
    path = work / "newsletter.toml"
    path.write_text(
        f'provider = "offline"\nconcurrency = {setting}\n'
        f'arxiv_rss_url = "{feeds}/rss/"\narxiv_interval = 0\n\n'
        '[sources]\narxiv = ["cs.LG", "cs.AI", "cs.CL", "stat.ML"]\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "papers@example.org"\n\n' + "\n".join(blocks),
        encoding="utf-8",
    )
    return path


def _tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):  # the process may just have ended
                todo.extend(int(child) for child in (task / "children").read_text().split())
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(argv: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall s, peak RSS of the largest process MiB, peak RSS of the process tree MiB, exit code).

    The offline engine runs in worker processes, so the tree's total (sampled every 20 ms) is the
    figure that matters for a machine's memory; ru_maxrss only sees the largest single process.
    """
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execvpe(argv[0], argv, env)
    peak_tree = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        peak_tree = max(peak_tree, sum(_rss_kib(p) for p in _tree(pid)))
        time.sleep(0.02)
    wall = time.perf_counter() - started
    return wall, usage.ru_maxrss / 1024, peak_tree / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=600)
    parser.add_argument("--readers", type=int, default=3, choices=range(1, len(READERS) + 1))
    parser.add_argument("--repeat", type=int, default=1, help="cold days to measure (fresh state each)")
    parser.add_argument("--concurrency", default="auto", help="papersum's concurrency setting (auto, 1, 2)")
    args = parser.parse_args()
    body = feed(args.papers)
    print("| run | concurrency | readers | papers | wall (s) | peak RSS MiB: largest process | all | mails |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    with ReplayServer() as feeds, smtp_server() as (inbox, port), tempfile.TemporaryDirectory() as tmp:
        feeds.add(FEED_PATH, Reply(body))
        for attempt in range(args.repeat):
            work = Path(tmp) / f"run{attempt}"
            work.mkdir()
            path = config(work, feeds.url("").rstrip("/"), port, args.readers, args.concurrency)
            env = {
                **os.environ,
                "PAPERSUM_DATA_DIR": str(work / "data"),
                "PAPERSUM_CACHE_DIR": str(work / "cache"),
                "PYTHONPATH": str(ROOT / "src"),
            }
            argv = [sys.executable, "-m", "papersum", "newsletter", "--config", str(path)]
            for label in ("cold day", "same day again"):
                before = len(inbox.messages)
                wall, largest, tree, code = measure(argv, env)
                if code != 0:
                    raise SystemExit(f"{label}: exit {code}")
                sent = len(inbox.messages) - before
                figures = f"{wall:.1f} | {largest:.0f} | {tree:.0f} | {sent}"
                print(f"| {label} | {args.concurrency} | {args.readers} | {args.papers} | {figures} |")


if __name__ == "__main__":
    main()
