"""Hand large jobs to batch engines (OpenAI Batch API, vLLM's run_batch) and take the results back.

`prepare` writes OpenAI Batch JSONL request files whose bodies are exactly the online request
(papersum.llm_request) and whose custom_ids derive from the online cache key; `ingest` validates
result lines and stores them under that key, so a later online run finds them in the cache.
"""

from __future__ import annotations

from papersum.batch.files import BATCH_URL, MAX_FILE_BYTES, MAX_FILE_REQUESTS, custom_id_for
from papersum.batch.ingest import IngestReport, ingest_results
from papersum.batch.prepare import PrepareReport, prepare_batch

__all__ = [
    "BATCH_URL",
    "MAX_FILE_BYTES",
    "MAX_FILE_REQUESTS",
    "IngestReport",
    "PrepareReport",
    "custom_id_for",
    "ingest_results",
    "prepare_batch",
]
