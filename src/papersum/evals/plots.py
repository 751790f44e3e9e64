"""PNG plots next to a report: per-label F1 bars and the per-paper ROUGE distribution.

matplotlib is imported inside the functions (Agg backend, no display) so the CLI starts fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from papersum.evals.report import Report

MAX_BARS = 30
MIN_SUPPORT = 3  # categories with fewer gold papers make noisy bars


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_label_f1(report: Report, path: Path) -> Path | None:
    """Horizontal bars of per-label F1 (arXiv categories with enough support, or SciERC types)."""
    labels = [
        (label, score)
        for label, score in report.per_label.items()
        if score.get("support", 0) >= (MIN_SUPPORT if report.meta.suite.startswith("arxiv") else 1)
    ]
    if not labels:
        return None
    labels.sort(key=lambda kv: (-kv[1].get("support", 0), kv[0]))
    labels = labels[:MAX_BARS][::-1]  # largest support at the top
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 1.2 + 0.28 * len(labels)))
    try:
        names = [f"{label} (n={score.get('support', 0):g})" for label, score in labels]
        ax.barh(names, [100 * score["f1"] for _, score in labels], color="#4477aa")
        ax.set_xlim(0, 100)
        ax.set_xlabel("F1 (%)")
        ax.set_title(f"{report.meta.suite}: per-label F1 ({report.meta.provider})")
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)
    return path


def plot_rouge_distribution(report: Report, path: Path) -> Path | None:
    """Histogram of per-paper ROUGE-1/2/L F1 with the corpus mean of ROUGE-1 marked."""
    if report.meta.suite != "scitldr" or not report.rows:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    try:
        bins = [i * 5 for i in range(21)]
        for name, color in (("rouge1", "#4477aa"), ("rouge2", "#ee6677"), ("rougeL", "#228833")):
            values = [100 * row.metrics.get(name, 0.0) for row in report.rows]
            ax.hist(values, bins=bins, alpha=0.5, label=name, color=color)
        ax.axvline(
            100 * report.metrics.get("rouge1", 0.0), color="#4477aa", linestyle="--", label="mean ROUGE-1"
        )
        ax.set_xlabel("per-paper F1 (%) against the best gold TL;DR")
        ax.set_ylabel("papers")
        ax.set_title(f"SciTLDR ROUGE distribution ({report.meta.provider}, {len(report.rows)} papers)")
        ax.legend()
        fig.tight_layout()
        fig.savefig(path, dpi=100)
    finally:
        plt.close(fig)
    return path


def write_plots(report: Report, out_dir: Path) -> list[str]:
    """Write the plots that apply to this suite; returns their file names (relative to out_dir)."""
    written: list[str] = []
    for name, plot in (("label_f1.png", plot_label_f1), ("rouge_distribution.png", plot_rouge_distribution)):
        if plot(report, out_dir / name) is not None:
            written.append(name)
    return written
