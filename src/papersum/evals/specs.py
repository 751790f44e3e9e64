"""The eval suites by name: dev file, description, main metric (no imports: the CLI lists them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    filename: str
    description: str
    main_metric: str


# SciERC types our entity fields are scored against.
SCIERC_TYPES = {"tasks": "Task", "methods": "Method", "datasets": "Material"}

SUITES: dict[str, SuiteSpec] = {
    spec.name: spec
    for spec in (
        SuiteSpec(
            "scitldr", "scitldr_a_dev.jsonl", "SciTLDR-A dev: one-line TL;DRs vs gold TL;DRs", "rouge1"
        ),
        SuiteSpec(
            "inspec", "inspec_dev.jsonl", "Inspec dev: keywords vs uncontrolled keyphrases", "f1_at_10"
        ),
        SuiteSpec(
            "arxiv",
            "arxiv_ml_abstracts_categories_dev.jsonl",
            "arXiv ML dev: predicted categories vs author-assigned arXiv categories",
            "top_in_categories",
        ),
        SuiteSpec(
            "arxiv-all",
            "arxiv_abstracts_categories_dev.jsonl",
            "arXiv all-categories dev (~150 primaries): predicted vs author-assigned categories",
            "top_in_categories",
        ),
        SuiteSpec(
            "scierc", "scierc_dev.jsonl", "SciERC dev: tasks/methods/datasets vs Task/Method/Material", "f1"
        ),
    )
}
