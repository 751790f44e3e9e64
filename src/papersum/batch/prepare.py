"""`prepare`: stream papers into Batch API request files, skipping what is cached or already prepared."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from papersum.batch.files import MAX_FILE_BYTES, MAX_FILE_REQUESTS, SplitWriter, custom_id_for, request_line
from papersum.batch.manifest import (
    MANIFEST_NAME,
    ManifestEntry,
    load_failed,
    load_manifest,
    save_failed,
)
from papersum.batch.target import provider_label, request_body
from papersum.cache import ResultCache, cache_key
from papersum.ingest.records import MAX_ABSTRACT_CHARS
from papersum.models import Paper
from papersum.providers.openai_provider import OpenAIProvider


@dataclass
class PrepareReport:
    written: int = 0
    cached: int = 0
    already_prepared: int = 0
    too_long: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    retry_candidates: int = 0

    @property
    def nothing_new(self) -> bool:
        return self.written == 0


def prepare_batch(
    papers: Iterable[Paper],
    provider: OpenAIProvider,
    cache: ResultCache | None,
    out_dir: Path,
    *,
    retry_failed: bool = False,
    max_requests: int = MAX_FILE_REQUESTS,
    max_bytes: int = MAX_FILE_BYTES,
) -> PrepareReport:
    """Write one request per paper that is neither cached nor already prepared in `out_dir`.

    With `retry_failed`, only papers listed in out_dir/failed.json (by the last ingest) are written.
    Running it twice over the same corpus writes nothing the second time.
    """
    report = PrepareReport()
    identity = provider.identity()
    label = provider_label(provider)
    prepared = set(load_manifest(out_dir))
    failed = load_failed(out_dir) if retry_failed else {}
    report.retry_candidates = len(failed)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        SplitWriter(out_dir, max_requests=max_requests, max_bytes=max_bytes) as writer,
        (out_dir / MANIFEST_NAME).open("a", encoding="utf-8") as manifest,
    ):
        for paper in papers:
            key = cache_key(identity, paper)
            custom_id = custom_id_for(key)
            if cache is not None and key in cache:
                report.cached += 1
                failed.pop(custom_id, None)
                continue
            if retry_failed:
                if custom_id not in failed:
                    continue
                del failed[custom_id]
            elif custom_id in prepared:
                report.already_prepared += 1
                continue
            if len(paper.abstract) > MAX_ABSTRACT_CHARS:
                report.too_long.append(paper.id)  # the online path refuses these too
                continue
            path = writer.write(request_line(custom_id, request_body(provider, paper)))
            prepared.add(custom_id)
            entry = ManifestEntry(
                custom_id=custom_id,
                paper_id=paper.id,
                content_hash=paper.content_hash(),
                cache_key=key,
                file=path.name,
                provider=label,
                model=provider.model,
                prompt_id=provider.template.id,
                prompt_hash=provider.template.hash,
            )
            manifest.write(entry.model_dump_json() + "\n")
            report.written += 1
        report.files = list(writer.written)
    if retry_failed:
        save_failed(out_dir, failed)  # what is still listed was not found in the inputs given
    return report
