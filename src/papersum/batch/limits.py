"""OpenAI Batch API limits per input file (https://platform.openai.com/docs/guides/batch).

Apart from files.py so the command line can show them as defaults without importing the cache.
"""

MAX_FILE_REQUESTS = 50_000
MAX_FILE_BYTES = 200 * 1024 * 1024
