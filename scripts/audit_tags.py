"""Re-print, record and score the tasks / methods / datasets a digest shows (issue 13 tag audit).

Judgements live in evals/tag_audit/<set>.tsv, one row per tag a paper was shown with:
paper id, field, tag, verdict ("ok", "bad" or "?" not yet judged), reason (for "bad": the rubric's
code, see evals/tag_audit/RUBRIC.md) and the engine versions that show it ("offline-4,offline-5").

    PYTHONPATH=src python scripts/audit_tags.py seeds                 # tags per paper, with verdicts
    PYTHONPATH=src python scripts/audit_tags.py seeds --abstracts     # ... and each abstract, to judge
    PYTHONPATH=src python scripts/audit_tags.py seeds --record        # add this engine's tags (verdict ?)
    PYTHONPATH=src python scripts/audit_tags.py seeds --report        # precision per engine and field

Sets: `seeds` (the 58 seed papers in seeds/) and `arxiv-ml-dev` (every tenth paper of
arxiv_ml_abstracts_categories_dev.jsonl from the shared evaluation data: 51 papers, never fitted on).
To re-judge, edit the verdicts and run --report. To record an older engine, run --record with its
code (for example `PYTHONPATH=/path/to/old/checkout/src`): the engine version comes from the code.
"""

from __future__ import annotations

import argparse
import csv
import sys
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _evaldata import REPO, evaldata_dir, read_jsonl

from papersum.ingest import read_papers
from papersum.offline import OFFLINE_ENGINE_VERSION
from papersum.offline.entities import extract_entities

AUDIT_DIR = REPO / "evals" / "tag_audit"
FIELDS = ("tasks", "methods", "datasets")
HEADER = ["paper", "field", "tag", "verdict", "reason", "engines"]


@dataclass
class Row:
    paper: str
    field: str
    tag: str
    verdict: str
    reason: str
    engines: list[str]


def papers(name: str, data: str | None) -> list[tuple[str, str, str]]:
    """(id, title, abstract) of the set's papers, in order."""
    if name == "seeds":
        return [(p.id, p.title, p.abstract) for p in read_papers([str(REPO / "seeds")]).papers]
    rows = list(read_jsonl(evaldata_dir(data) / "arxiv_ml_abstracts_categories_dev.jsonl"))[::10]
    return [(str(r["id"]), str(r.get("title") or ""), str(r["abstract"])) for r in rows]


def read_rows(path: Path) -> list[Row]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return [
            Row(r["paper"], r["field"], r["tag"], r["verdict"], r["reason"], r["engines"].split(","))
            for r in reader
        ]


def write_rows(path: Path, rows: list[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(HEADER)
        for r in rows:
            writer.writerow([r.paper, r.field, r.tag, r.verdict, r.reason, ",".join(r.engines)])


def shown(items: list[tuple[str, str, str]]) -> dict[str, dict[str, list[str]]]:
    """paper id -> field -> the tags this engine shows."""
    out: dict[str, dict[str, list[str]]] = {}
    for paper_id, title, abstract in items:
        tasks, methods, datasets = extract_entities(title, abstract)
        out[paper_id] = dict(zip(FIELDS, (tasks, methods, datasets), strict=True))
    return out


def record(rows: list[Row], tags: dict[str, dict[str, list[str]]], engine: str) -> list[Row]:
    """Rows with this engine's tags marked (new tags added with verdict "?"), in paper order."""
    index = {(r.paper, r.field, r.tag): r for r in rows}
    for r in rows:
        r.engines = [e for e in r.engines if e != engine]
    for paper_id, fields in tags.items():
        for field in FIELDS:
            for tag in fields[field]:
                row = index.get((paper_id, field, tag))
                if row is None:
                    row = index[(paper_id, field, tag)] = Row(paper_id, field, tag, "?", "", [])
                    rows.append(row)
                row.engines = sorted({*row.engines, engine})
    order = {paper_id: i for i, paper_id in enumerate(tags)}
    kept = [r for r in rows if r.engines]
    return sorted(kept, key=lambda r: (order.get(r.paper, len(order)), FIELDS.index(r.field)))


def report(rows: list[Row], n_papers: int) -> None:
    engines = sorted({e for r in rows for e in r.engines})
    columns = ("shown", 5), ("ok", 4), ("bad", 4), ("?", 3), ("precision", 9), ("papers", 6)
    print(f"{'engine':<11} {'field':<9} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for engine in engines:
        for field in (*FIELDS, "all"):
            mine = [r for r in rows if engine in r.engines and field in {r.field, "all"}]
            ok = sum(r.verdict == "ok" for r in mine)
            bad = sum(r.verdict == "bad" for r in mine)
            unjudged = len(mine) - ok - bad
            with_tag = len({r.paper for r in mine})
            precision = f"{100 * ok / (ok + bad):.1f}%" if ok + bad else "-"
            print(
                f"{engine:<11} {field:<9} {len(mine):>5} {ok:>4} {bad:>4} {unjudged:>3} {precision:>9} "
                f"{with_tag:>3}/{n_papers}"
            )
    reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r.verdict == "bad":
            for engine in r.engines:
                reasons[engine][r.reason or "?"] += 1
    for engine in engines:
        listed = ", ".join(f"{k} {v}" for k, v in sorted(reasons[engine].items(), key=lambda kv: -kv[1]))
        print(f"{engine}: bad tags by reason: {listed}")


def show(items: list[tuple[str, str, str]], rows: list[Row], tags: dict[str, dict[str, list[str]]],
         abstracts: bool) -> None:  # fmt: skip
    verdicts = {(r.paper, r.field, r.tag): r for r in rows}
    for paper_id, title, abstract in items:
        print(f"\n## {paper_id}  {title}")
        if abstracts:
            print(textwrap.fill(abstract, 110, initial_indent="   ", subsequent_indent="   "))
        for field in FIELDS:
            marks = []
            for tag in tags[paper_id][field]:
                row = verdicts.get((paper_id, field, tag))
                mark = "?" if row is None or row.verdict == "?" else row.verdict
                reason = f" {row.reason}" if row is not None and row.reason else ""
                marks.append(f"{tag} [{mark}{reason}]")
            print(f"   {field}: {'; '.join(marks) if marks else '-'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", choices=["seeds", "arxiv-ml-dev"])
    parser.add_argument("--data", default=None)
    parser.add_argument("--abstracts", action="store_true", help="print each abstract too")
    parser.add_argument("--record", action="store_true", help="add this engine's tags to the judgement file")
    parser.add_argument("--report", action="store_true", help="precision per engine and field")
    args = parser.parse_args()
    path = AUDIT_DIR / f"{args.set}.tsv"
    items = papers(args.set, args.data)
    rows = read_rows(path)
    if args.report:
        report(rows, len(items))
        return
    tags = shown(items)
    if args.record:
        rows = record(rows, tags, OFFLINE_ENGINE_VERSION)
        write_rows(path, rows)
        unjudged = sum(r.verdict == "?" for r in rows)
        print(f"{path}: {len(rows)} tags, {unjudged} not judged ({OFFLINE_ENGINE_VERSION})", file=sys.stderr)
        return
    show(items, rows, tags, args.abstracts)


if __name__ == "__main__":
    main()
