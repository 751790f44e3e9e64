"""Score a provider's annotations against a suite's gold labels: per-paper rows plus corpus metrics.

Failed papers (annotation with an error) stay in every denominator and score 0 on quality metrics,
so a provider cannot look better by failing on hard papers. The hallucination proxy is averaged
over successful TL;DRs only (a failure has no text to check).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from papersum.evals import metrics
from papersum.evals.suites import SCIERC_TYPES, SUITES, SuiteItem
from papersum.models import Annotation, Tags


class PaperRow(BaseModel):
    """One paper's scores and outputs; `main` is the suite's main metric for this paper."""

    paper_id: str
    title: str = ""
    main: float
    metrics: dict[str, float] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    output: str = ""
    gold: str = ""
    error: str | None = None


class FlawedTldr(BaseModel):
    """A TL;DR that does not read as one whole sentence, and why (names from READABILITY_FLAGS)."""

    paper_id: str
    tldr: str
    flaws: list[str]


class SuiteScores(BaseModel):
    suite: str
    main_metric: str
    metrics: dict[str, float]
    rows: list[PaperRow]
    # Per-label P/R/F1 and support (arXiv categories, SciERC entity types), for tables and plots.
    per_label: dict[str, dict[str, float]] = Field(default_factory=dict)
    flawed_tldrs: list[FlawedTldr] = Field(default_factory=list)


def _empty_tags() -> Tags:
    return Tags()


def _tags(annotation: Annotation) -> Tags:
    return annotation.tags if annotation.ok and annotation.tags is not None else _empty_tags()


def _schema_valid(annotation: Annotation) -> bool:
    """The provider's own output validated: not a failure, not an offline fallback standing in for it."""
    return annotation.ok and (annotation.provenance is None or annotation.provenance.mode != "fallback")


def _common_metrics(annotations: Sequence[Annotation]) -> dict[str, float]:
    valid = [_schema_valid(a) for a in annotations]
    first_try = [
        v and (a.provenance is None or a.provenance.attempts <= 1)
        for a, v in zip(annotations, valid, strict=True)
    ]
    fallback = [a.ok and a.provenance is not None and a.provenance.mode == "fallback" for a in annotations]
    return {
        "papers": float(len(annotations)),
        "error_rate": metrics.rate(not a.ok for a in annotations),
        "schema_valid_rate": metrics.rate(valid),
        "first_try_valid_rate": metrics.rate(first_try),
        "fallback_rate": metrics.rate(fallback),
    }


READABILITY_FLAGS = ("mid_phrase", "unbalanced", "over_long", "flawed")


def _readability_flags(tldr: str) -> dict[str, float]:
    verdict = metrics.tldr_readability(tldr)
    return {f"tldr_{flag}": float(getattr(verdict, flag)) for flag in READABILITY_FLAGS}


def _readability(annotations: Sequence[Annotation]) -> tuple[dict[str, float], list[FlawedTldr]]:
    """Shares of the produced TL;DRs (failures have none) that end mid-phrase, leave a bracket
    open, run over 45 words, or any of these; the count of flawed ones; and the flawed TL;DRs."""
    produced = [(a, _readability_flags(a.tldr)) for a in annotations if a.ok and a.tldr]
    if not produced:
        return {}, []
    aggregate = {
        f"tldr_{flag}_rate": metrics.mean(flags[f"tldr_{flag}"] for _, flags in produced)
        for flag in READABILITY_FLAGS
    }
    flawed = [
        FlawedTldr(
            paper_id=annotation.paper_id,
            tldr=annotation.tldr or "",
            flaws=[flag for flag in READABILITY_FLAGS[:-1] if flags[f"tldr_{flag}"]],
        )
        for annotation, flags in produced
        if flags["tldr_flawed"]
    ]
    aggregate["tldr_flawed_count"] = float(len(flawed))
    return aggregate, flawed


def _score_scitldr(items: Sequence[SuiteItem], annotations: Sequence[Annotation]) -> SuiteScores:
    rows: list[PaperRow] = []
    unsupported: list[float] = []
    for item, annotation in zip(items, annotations, strict=True):
        tldr = annotation.tldr if annotation.ok and annotation.tldr else ""
        rouge = metrics.scitldr_rouge(tldr, item.gold.tldrs)
        row_metrics = {"rouge1": rouge.rouge1, "rouge2": rouge.rouge2, "rougeL": rouge.rougeL}
        if tldr:
            share = metrics.unsupported_share(tldr, item.paper.abstract)
            unsupported.append(share)
            row_metrics |= {
                "words": float(metrics.word_count(tldr)),
                "one_line": float(metrics.is_one_line(tldr)),
                "length_ok": float(metrics.is_length_compliant(tldr)),
                "unsupported_share": share,
            } | _readability_flags(tldr)
        rows.append(
            PaperRow(
                paper_id=item.paper.id,
                title=item.paper.title,
                main=rouge.rouge1,
                metrics=row_metrics,
                output=tldr,
                gold=item.gold.tldrs[rouge.best_gold],
                error=annotation.error,
            )
        )
    n = len(rows)
    aggregate = {
        "rouge1": metrics.mean(r.metrics["rouge1"] for r in rows),
        "rouge2": metrics.mean(r.metrics["rouge2"] for r in rows),
        "rougeL": metrics.mean(r.metrics["rougeL"] for r in rows),
        "one_line_rate": sum(r.metrics.get("one_line", 0.0) for r in rows) / n if n else 0.0,
        "length_ok_rate": sum(r.metrics.get("length_ok", 0.0) for r in rows) / n if n else 0.0,
        "mean_words": metrics.mean(r.metrics["words"] for r in rows if "words" in r.metrics),
        "unsupported_share": metrics.mean(unsupported),
    }
    return SuiteScores(suite="scitldr", main_metric="rouge1", metrics=aggregate, rows=rows)


def _score_inspec(items: Sequence[SuiteItem], annotations: Sequence[Annotation]) -> SuiteScores:
    rows: list[PaperRow] = []
    for item, annotation in zip(items, annotations, strict=True):
        keywords = _tags(annotation).keywords
        at5 = metrics.keyphrase_prf_at_k(keywords, item.gold.keyphrases, 5)
        at10 = metrics.keyphrase_prf_at_k(keywords, item.gold.keyphrases, 10)
        rows.append(
            PaperRow(
                paper_id=item.paper.id,
                title=item.paper.title,
                main=at10.f1,
                metrics={
                    "p_at_5": at5.precision,
                    "r_at_5": at5.recall,
                    "f1_at_5": at5.f1,
                    "p_at_10": at10.precision,
                    "r_at_10": at10.recall,
                    "f1_at_10": at10.f1,
                },
                output="; ".join(keywords),
                gold="; ".join(item.gold.keyphrases),
                error=annotation.error,
            )
        )
    names = ("p_at_5", "r_at_5", "f1_at_5", "p_at_10", "r_at_10", "f1_at_10")
    aggregate = {name: metrics.mean(r.metrics[name] for r in rows) for name in names}
    aggregate["mean_keywords"] = metrics.mean(float(len(_tags(a).keywords)) for a in annotations)
    return SuiteScores(suite="inspec", main_metric="f1_at_10", metrics=aggregate, rows=rows)


def _score_arxiv(suite: str, items: Sequence[SuiteItem], annotations: Sequence[Annotation]) -> SuiteScores:
    predictions = [_tags(a).categories for a in annotations]
    golds = [item.gold.categories for item in items]
    primaries = [item.gold.primary_category or "" for item in items]
    scores = metrics.category_scores(predictions, golds, primaries)
    rows: list[PaperRow] = []
    for item, annotation, predicted in zip(items, annotations, predictions, strict=True):
        top_in = float(bool(predicted) and predicted[0] in item.gold.categories)
        primary = float(bool(predicted) and predicted[0] == item.gold.primary_category)
        overlap = metrics.prf(
            len(set(predicted) & set(item.gold.categories)),
            len(set(predicted)),
            len(set(item.gold.categories)),
        )
        gold_sorted = [item.gold.primary_category or ""] + [
            c for c in item.gold.categories if c != item.gold.primary_category
        ]
        rows.append(
            PaperRow(
                paper_id=item.paper.id,
                title=item.paper.title,
                main=top_in,
                metrics={"top_in_categories": top_in, "primary_correct": primary, "f1": overlap.f1},
                output=", ".join(predicted),
                gold=", ".join(gold_sorted),
                error=annotation.error,
            )
        )
    aggregate = {
        "top_in_categories": scores.top_in_categories,
        "primary_accuracy": scores.primary_accuracy,
        "micro_precision": scores.micro.precision,
        "micro_recall": scores.micro.recall,
        "micro_f1": scores.micro.f1,
        "macro_f1": scores.macro_f1,
    }
    per_label = {
        label: {
            "precision": s.precision,
            "recall": s.recall,
            "f1": s.f1,
            "support": float(scores.support[label]),
        }
        for label, s in scores.per_category.items()
    }
    return SuiteScores(
        suite=suite, main_metric="top_in_categories", metrics=aggregate, rows=rows, per_label=per_label
    )


def _entity_text(groups: dict[str, list[str]]) -> str:
    return " | ".join(f"{field}: {'; '.join(groups.get(field, []))}" for field in SCIERC_TYPES)


def _score_scierc(items: Sequence[SuiteItem], annotations: Sequence[Annotation]) -> SuiteScores:
    rows: list[PaperRow] = []
    totals = {field: metrics.Counts() for field in SCIERC_TYPES}
    for item, annotation in zip(items, annotations, strict=True):
        tags = _tags(annotation)
        predicted = {"tasks": tags.tasks, "methods": tags.methods, "datasets": tags.datasets}
        paper_total = metrics.Counts()
        row_metrics: dict[str, float] = {}
        for field in SCIERC_TYPES:
            counts = metrics.entity_counts(predicted[field], item.gold.entities.get(field, []))
            totals[field] = totals[field] + counts
            paper_total = paper_total + counts
            row_metrics[f"{field}_f1"] = counts.prf().f1
        overall = paper_total.prf()
        row_metrics |= {"precision": overall.precision, "recall": overall.recall, "f1": overall.f1}
        rows.append(
            PaperRow(
                paper_id=item.paper.id,
                title=item.paper.title,
                main=overall.f1,
                metrics=row_metrics,
                counts={"tp": paper_total.tp, "fp": paper_total.fp, "fn": paper_total.fn},
                output=_entity_text(predicted),
                gold=_entity_text(item.gold.entities),
                error=annotation.error,
            )
        )
    micro = metrics.micro_prf(totals.values())
    aggregate = {"precision": micro.precision, "recall": micro.recall, "f1": micro.f1}
    per_label: dict[str, dict[str, float]] = {}
    for field, counts in totals.items():
        score = counts.prf()
        aggregate |= {f"{field}_precision": score.precision, f"{field}_recall": score.recall}
        aggregate[f"{field}_f1"] = score.f1
        per_label[field] = {
            "precision": score.precision, "recall": score.recall, "f1": score.f1,
            "support": float(counts.tp + counts.fn),
        }  # fmt: skip
    return SuiteScores(suite="scierc", main_metric="f1", metrics=aggregate, rows=rows, per_label=per_label)


def score_suite(suite: str, items: Sequence[SuiteItem], annotations: Sequence[Annotation]) -> SuiteScores:
    """Score annotations (same order as items; matched by paper id) for one suite."""
    if len(items) != len(annotations):
        raise ValueError(f"{len(items)} suite items but {len(annotations)} annotations")
    for item, annotation in zip(items, annotations, strict=True):
        if item.paper.id != annotation.paper_id:
            raise ValueError(f"annotation for {annotation.paper_id} where {item.paper.id} was expected")
    if suite == "scitldr":
        scores = _score_scitldr(items, annotations)
    elif suite == "inspec":
        scores = _score_inspec(items, annotations)
    elif suite in ("arxiv", "arxiv-all"):
        scores = _score_arxiv(suite, items, annotations)
    elif suite == "scierc":
        scores = _score_scierc(items, annotations)
    else:
        raise ValueError(f"unknown suite '{suite}'")
    readability, scores.flawed_tldrs = _readability(annotations)
    scores.metrics |= readability | _common_metrics(annotations)
    return scores


def main_statistic(suite: str) -> Callable[[Sequence[PaperRow]], float]:
    """The corpus-level main metric computed from per-paper rows (what the bootstrap resamples)."""
    if suite not in SUITES:
        raise ValueError(f"unknown suite '{suite}'")
    if suite == "scierc":
        # Micro F1 pools counts over papers, so it is recomputed from counts, not averaged.
        def micro_f1(rows: Sequence[PaperRow]) -> float:
            total = sum(
                (
                    metrics.Counts(r.counts.get("tp", 0), r.counts.get("fp", 0), r.counts.get("fn", 0))
                    for r in rows
                ),
                metrics.Counts(),
            )
            return total.prf().f1

        return micro_f1

    def mean_main(rows: Sequence[PaperRow]) -> float:
        return metrics.mean(r.main for r in rows)

    return mean_main


def agreement(first: Sequence[Annotation], second: Sequence[Annotation]) -> dict[str, float]:
    """Run-to-run agreement of two runs over the same papers (same order).

    tldr_exact: identical TL;DR text; tldr_token_jaccard: mean word-set overlap of the TL;DRs;
    top_category_agree: same first category; keywords_jaccard / entities_jaccard: mean set
    overlap (case-insensitive). Papers that failed in either run count as disagreement (0).
    """
    if len(first) != len(second):
        raise ValueError("agreement needs two runs over the same papers")
    exact: list[float] = []
    tldr_overlap: list[float] = []
    top: list[float] = []
    keywords: list[float] = []
    entities: list[float] = []
    for a, b in zip(first, second, strict=True):
        if not (a.ok and b.ok and a.tags is not None and b.tags is not None and a.tldr and b.tldr):
            for bucket in (exact, tldr_overlap, top, keywords, entities):
                bucket.append(0.0)
            continue
        exact.append(float(a.tldr == b.tldr))
        tldr_overlap.append(metrics.token_jaccard(a.tldr, b.tldr))
        top.append(float(a.tags.categories[:1] == b.tags.categories[:1]))
        keywords.append(metrics.jaccard(a.tags.keywords, b.tags.keywords))
        entities.append(
            metrics.jaccard(
                [f"t:{x}" for x in a.tags.tasks]
                + [f"m:{x}" for x in a.tags.methods]
                + [f"d:{x}" for x in a.tags.datasets],
                [f"t:{x}" for x in b.tags.tasks]
                + [f"m:{x}" for x in b.tags.methods]
                + [f"d:{x}" for x in b.tags.datasets],
            )
        )
    return {
        "agree_tldr_exact": metrics.mean(exact),
        "agree_tldr_token_jaccard": metrics.mean(tldr_overlap),
        "agree_top_category": metrics.mean(top),
        "agree_keywords_jaccard": metrics.mean(keywords),
        "agree_entities_jaccard": metrics.mean(entities),
    }
