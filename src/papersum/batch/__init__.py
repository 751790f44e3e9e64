"""Hand large jobs to batch engines (OpenAI Batch API, vLLM's run_batch) and take the results back.

`prepare` writes OpenAI Batch JSONL request files whose bodies are exactly the online request
(papersum.llm_request) and whose custom_ids derive from the online cache key; `ingest` validates
result lines and stores them under that key, so a later online run finds them in the cache.
Modules: files (lines, splitting), manifest, target (the online provider mirrored), prepare,
ingest, state + remote (submit/status/collect; the SDK calls live in providers/openai_batch.py).
"""
