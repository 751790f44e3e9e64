"""Small synthetic corpora for relevance tests: four topics, papers and library entries written here."""

from __future__ import annotations

import json
from pathlib import Path

TOPICS = {
    "graphs": (
        "graph neural networks",
        ["message passing", "node classification", "graph attention", "link prediction", "molecular graphs"],
    ),
    "speech": (
        "speech recognition",
        ["acoustic model", "spoken language", "audio encoder", "phoneme error rate", "noisy speech"],
    ),
    "proteins": (
        "protein structure prediction",
        ["amino acid sequences", "protein folding", "residue contacts", "binding sites", "enzyme design"],
    ),
    "robots": (
        "robot manipulation",
        [
            "grasping policies",
            "reinforcement learning",
            "tactile sensing",
            "sim-to-real transfer",
            "motion planning",
        ],
    ),
}


def paper(topic: str, number: int) -> dict[str, str]:
    """A paper of one topic; each uses two of the topic's five phrases, so papers differ."""
    name, phrases = TOPICS[topic]
    first, second = phrases[number % 5], phrases[(number + 2) % 5]
    return {
        "id": f"{topic}-{number:02d}",
        "title": f"{first.capitalize()} for {name} ({number})",
        "abstract": f"We study {name} with {first}. Our method combines {first} and {second} and improves "
        f"{name} benchmarks. Experiments on {second} show gains over strong baselines.",
    }


def feed(per_topic: int = 6) -> list[dict[str, str]]:
    return [paper(topic, number) for number in range(per_topic) for topic in TOPICS]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_bibtex(path: Path, entries: list[dict[str, str]]) -> Path:
    blocks = []
    for number, entry in enumerate(entries):
        fields = [f"  title = {{{entry['title']}}}"]
        if entry.get("abstract"):
            fields.append(f"  abstract = {{{entry['abstract']}}}")
        if entry.get("keywords"):
            fields.append(f"  keywords = {{{entry['keywords']}}}")
        fields.append("  year = {2024}")
        blocks.append(f"@article{{ref{number},\n" + ",\n".join(fields) + "\n}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def library_of(topic: str, numbers: range = range(100, 103)) -> list[dict[str, str]]:
    """Library entries on a topic (numbers outside the feed's, so they are not feed papers)."""
    return [paper(topic, number) for number in numbers]


def relevance_data(directory: Path) -> Path:
    """A dev set laid out like relevance_acmcr_dev: one shared feed, one reader per topic."""
    (directory / "libraries").mkdir(parents=True)
    rows = feed()
    write_jsonl(directory / "feed.jsonl", [{**row, "published": "2024"} for row in rows])
    readers = []
    for number, (topic, (name, phrases)) in enumerate(TOPICS.items()):
        library = f"libraries/reader{number:02d}.bib"
        write_bibtex(directory / library, library_of(topic))
        readers.append(
            {
                "reader": f"reader{number:02d}",
                "interests": [name, phrases[0]],
                "library": library,
                "positives": [row["id"] for row in rows if row["id"].startswith(topic)],
            }
        )
    write_jsonl(directory / "readers.jsonl", readers)  # type: ignore[arg-type]
    return directory
