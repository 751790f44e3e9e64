"""JSONL: one Annotation per line, in digest order, failures last."""

from __future__ import annotations

from papersum.models import Annotation, Digest


def annotation_line(annotation: Annotation) -> str:
    return annotation.model_dump_json(exclude_none=True)


def render_jsonl(digest: Digest) -> str:
    lines = [annotation_line(a) for group in digest.groups for a in group.annotations]
    lines += [annotation_line(a) for a in digest.failed]
    return "".join(line + "\n" for line in lines)
