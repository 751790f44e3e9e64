"""Published reference numbers shown beside ours (fractions, like our metrics).

Sources: evals/data/README.md (copied from the evaldata README: SciTLDR, Inspec) and the
issue-7 anchors for arXiv categories (measured on these dev sets by the project).
"""

from __future__ import annotations

from pydantic import BaseModel


class Reference(BaseModel):
    system: str
    metrics: dict[str, float]
    note: str


_SCITLDR_NOTE = "Cachola et al. 2020, SciTLDR-A abstract-only test set"
_INSPEC_NOTE = "pke benchmarks, Inspec test split"
_ML_NOTE = "arXiv ML dev set, issue 7 anchor"
_ALL_NOTE = "arXiv all-categories dev set, issue 7 anchor"

REFERENCES: dict[str, list[Reference]] = {
    "scitldr": [
        Reference(
            system="BART", metrics={"rouge1": 0.433, "rouge2": 0.208, "rougeL": 0.350}, note=_SCITLDR_NOTE
        ),
        Reference(
            system="CATTS", metrics={"rouge1": 0.438, "rouge2": 0.209, "rougeL": 0.355}, note=_SCITLDR_NOTE
        ),
        Reference(
            system="CATTS-XSUM",
            metrics={"rouge1": 0.443, "rouge2": 0.213, "rougeL": 0.359},
            note=_SCITLDR_NOTE,
        ),
        Reference(system="MatchSum (extractive)", metrics={"rouge1": 0.427}, note=_SCITLDR_NOTE),
        Reference(system="Oracle single sentence", metrics={"rouge1": 0.477}, note=_SCITLDR_NOTE),
    ],
    "inspec": [
        Reference(system="TextRank", metrics={"f1_at_5": 0.271, "f1_at_10": 0.342}, note=_INSPEC_NOTE),
        Reference(system="YAKE", metrics={"f1_at_5": 0.295, "f1_at_10": 0.330}, note=_INSPEC_NOTE),
        Reference(system="TfIdf", metrics={"f1_at_5": 0.288, "f1_at_10": 0.349}, note=_INSPEC_NOTE),
        Reference(system="PromptRank", metrics={"f1_at_10": 0.379}, note="issue 7 anchor, Inspec"),
    ],
    "arxiv": [
        Reference(system="always cs.LG", metrics={"top_in_categories": 0.51}, note=_ML_NOTE),
        Reference(
            system="TF-IDF + linear SVM (37k train)",
            metrics={"top_in_categories": 0.80, "primary_accuracy": 0.50},
            note=_ML_NOTE + ", approximate",
        ),
    ],
    "arxiv-all": [
        Reference(system="always cs.LG", metrics={"top_in_categories": 0.04}, note=_ALL_NOTE),
        Reference(
            system="TF-IDF + linear SVM (37k train)",
            metrics={"top_in_categories": 0.62, "primary_accuracy": 0.48},
            note=_ALL_NOTE + ", approximate",
        ),
    ],
    "scierc": [],
}
