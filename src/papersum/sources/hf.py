"""Hugging Face daily papers (`api/daily_papers?date=`): upvotes, AI summary and keywords, code repo."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

from papersum.config import Settings
from papersum.errors import InputError
from papersum.ingest.readers import read_json
from papersum.ingest.records import RawRecord
from papersum.sources.fetched import Fetched, plural
from papersum.sources.http import PoliteClient, SourceError, host_pace
from papersum.sources.specs import HfSpec


def _check(url: str, body: bytes) -> None:
    try:
        items = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{url}: malformed answer: not JSON ({exc})") from None
    if not isinstance(items, list):
        raise SourceError(f"{url}: malformed answer: expected a JSON array of papers")


def fetch_hf_daily(client: PoliteClient, settings: Settings, spec: HfSpec, *, today: date) -> Fetched:
    day = spec.day or today
    url = f"{settings.hf_api_url}?{urlencode({'date': day.isoformat()})}"
    data = client.get(url, host_pace(url), lambda body: _check(url, body))
    records: list[RawRecord | InputError] = list(read_json(str(spec), data))
    if not records:
        message = f"Hugging Face listed no daily papers for {day} (weekend, or not published yet?)"
        return Fetched(str(spec), [], True, message)
    message = f"Hugging Face daily papers {day}: {plural(len(records), 'paper')}"
    return Fetched(str(spec), records, False, message)
