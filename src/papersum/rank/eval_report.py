"""`papersum eval relevance`: run the protocol with references, variants and the feedback round;
render the report (Markdown for people, JSON for tools)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papersum.rank.evaluate import (
    FeedbackResult,
    RankerResult,
    evaluate_ranker,
    feedback_round,
    leave_one_reader_out,
    load_relevance_data,
    ours,
)
from papersum.rank.metrics import METRICS, mean_metrics
from papersum.rank.profile import ScoringConfig
from papersum.rank.references import rocchio, sklearn_references, text_references

OURS = "ours (default)"
# Alternatives measured beside the default; the leave-one-reader-out figure says how much choosing
# among them on these readers would be worth on a reader not seen.
VARIANTS = {
    OURS: ScoringConfig(),
    "interests weight 1": ScoringConfig(interest_weight=1.0),
    "interests weight 0.25": ScoringConfig(interest_weight=0.25),
    "library max only": ScoringConfig(use_mean=False),
    "library mean only": ScoringConfig(use_max=False),
    "raw cosine (no per-entry z-scores)": ScoringConfig(item_z=False),
}


@dataclass
class RelevanceReport:
    data: str
    readers: int
    feed: int
    command: str
    library_only: list[RankerResult] = field(default_factory=list)
    with_interests: list[RankerResult] = field(default_factory=list)
    references: list[RankerResult] = field(default_factory=list)
    loo: dict[str, dict[str, float]] = field(default_factory=dict)
    feedback: list[FeedbackResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def headline(self) -> dict[str, float]:
        """Ours with library + interests, the target row."""
        return self.with_interests[0].mean

    def to_json(self) -> dict[str, Any]:
        def rows(results: list[RankerResult]) -> list[dict[str, Any]]:
            return [{"ranker": r.name, "mean": r.mean, "per_reader": r.per_reader} for r in results]

        return {
            "suite": "relevance",
            "data": self.data,
            "readers": self.readers,
            "feed": self.feed,
            "command": self.command,
            "library_only": rows(self.library_only),
            "library_and_interests": rows(self.with_interests),
            "references": rows(self.references),
            "leave_one_reader_out": self.loo,
            "variants": {name: config.__dict__ for name, config in VARIANTS.items()},
            "feedback": [
                {
                    "ranker": f.name,
                    "before": mean_metrics(list(f.before.values())),
                    "after": mean_metrics(list(f.after.values())),
                    "delta_ndcg@10": f.delta_ndcg,
                    "readers_scored": len(f.before),
                    "readers_skipped": f.skipped,
                }
                for f in self.feedback
            ],
            "notes": self.notes,
            "seconds": round(self.seconds, 1),
        }


def run_relevance_eval(directory: Path, command: str, variants: bool = True) -> RelevanceReport:
    started = time.perf_counter()
    data = load_relevance_data(directory)
    report = RelevanceReport(str(directory), len(data.readers), len(data.papers), command)
    configs = VARIANTS if variants else {OURS: VARIANTS[OURS]}
    for name, config in configs.items():
        report.library_only.append(evaluate_ranker(data, name, ours(config, interests=False)))
        report.with_interests.append(evaluate_ranker(data, name, ours(config)))
    if variants:  # `rank` leaves out papers already in the library; the references do not
        kept = "ours, papers already in the library not left out"
        report.library_only.append(evaluate_ranker(data, kept, ours(interests=False, drop_owned=False)))
        report.with_interests.append(evaluate_ranker(data, kept, ours(drop_owned=False)))
    for name, ranker in text_references().items():
        report.references.append(evaluate_ranker(data, name, ranker))
    exact = sklearn_references(data)
    if exact is None:
        report.notes.append("scikit-learn is not installed: the README's own reference rankers were skipped")
    else:
        for name, ranker in exact.items():
            report.references.append(evaluate_ranker(data, name, ranker))
    if variants:
        report.loo = {
            "library only": leave_one_reader_out(report.library_only[: len(VARIANTS)]),
            "library + interests": leave_one_reader_out(report.with_interests[: len(VARIANTS)]),
        }
    report.feedback.append(feedback_round(data, OURS, ours(VARIANTS[OURS])))
    report.feedback.append(feedback_round(data, "Rocchio (1, 0.75, 0.15) on the library centroid", rocchio))
    report.seconds = time.perf_counter() - started
    return report


def _table(results: list[RankerResult]) -> list[str]:
    lines = ["| ranker | " + " | ".join(METRICS) + " |", "|---|" + "---:|" * len(METRICS)]
    for result in results:
        mean = result.mean
        lines.append(f"| {result.name} | " + " | ".join(f"{mean[m]:.1f}" for m in METRICS) + " |")
    return lines


def headline_lines(report: RelevanceReport) -> list[str]:
    lines = [f"relevance: {report.readers} readers, {report.feed} feed papers"]
    for label, results in (
        ("library only", report.library_only),
        ("library + interests", report.with_interests),
    ):
        mean = results[0].mean
        lines.append(
            f"  {label:22s} nDCG@10 {mean['ndcg@10']:5.1f}  R@20 {mean['recall@20']:5.1f}  "
            f"R@50 {mean['recall@50']:5.1f}  MAP {mean['map']:5.1f}  MRR {mean['mrr']:5.1f}"
        )
    for result in report.feedback:
        before = mean_metrics(list(result.before.values()))["ndcg@10"]
        after = mean_metrics(list(result.after.values()))["ndcg@10"]
        lines.append(
            f"  feedback, {result.name}: unrated nDCG@10 {before:.1f} -> {after:.1f} "
            f"({result.delta_ndcg:+.1f})"
        )
    return lines


def render_markdown(report: RelevanceReport) -> str:
    out = [
        "# Relevance evaluation",
        "",
        f"Data: `{report.data}` ({report.readers} readers, {report.feed} feed papers). "
        f"Command: `{report.command}`. {report.seconds:.0f} s.",
        "",
        "Metrics are means over readers, in percent; each reader's whole feed is ranked and scored "
        "against the reader's positives (binary relevance).",
        "",
        "## Library + interests",
        "",
        *_table(report.with_interests),
        "",
        "## Library only",
        "",
        *_table(report.library_only),
        "",
        "## Reference rankers (library + interests where they use interests)",
        "",
        *_table(report.references),
    ]
    if report.loo:
        out += [
            "",
            "## Choosing a variant, leave one reader out",
            "",
            "For each reader, the variant with the best mean nDCG@10 on the other readers ranks this one.",
            "",
        ]
        out += [
            "| setting | " + " | ".join(METRICS) + " | picked |",
            "|---|" + "---:|" * len(METRICS) + "---|",
        ]
        for setting, summary in report.loo.items():
            picked = ", ".join(
                f"{k.split(':', 1)[1]} x{int(v)}" for k, v in summary.items() if k.startswith("picked:")
            )
            out.append(
                f"| {setting} | " + " | ".join(f"{summary[m]:.1f}" for m in METRICS) + f" | {picked} |"
            )
    out += [
        "",
        "## One feedback round",
        "",
        "Each reader's top 10 are rated from the gold (up if a positive, else down); the feed is ranked "
        "again and only the papers not yet rated are scored, before and after.",
        "",
        "| ranker | readers | nDCG@10 before | after | change | R@20 before | after |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in report.feedback:
        before = mean_metrics(list(result.before.values()))
        after = mean_metrics(list(result.after.values()))
        out.append(
            f"| {result.name} | {len(result.before)} | {before['ndcg@10']:.1f} | {after['ndcg@10']:.1f} | "
            f"{result.delta_ndcg:+.1f} | {before['recall@20']:.1f} | {after['recall@20']:.1f} |"
        )
    ours_rows = report.with_interests[0].per_reader
    out += [
        "",
        "## Per reader (ours, library + interests)",
        "",
        "| reader | " + " | ".join(METRICS) + " |",
        "|---|" + "---:|" * len(METRICS),
    ]
    for reader, row in sorted(ours_rows.items(), key=lambda item: item[1]["ndcg@10"]):
        out.append(f"| {reader} | " + " | ".join(f"{100 * row[m]:.1f}" for m in METRICS) + " |")
    if report.notes:
        out += ["", *[f"Note: {note}" for note in report.notes]]
    return "\n".join(out) + "\n"
