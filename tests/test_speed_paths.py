"""Fast paths equal their plain definitions: cache keys, batched cache reads, text normalisation."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from papersum.cache import CachedResult, KeyRecipe, ResultCache, cache_key
from papersum.ingest.normalize import _CONTROL, clean_text, collapse_whitespace
from papersum.models import Paper, Provenance, Summary, Tags

IDENTITIES = [
    {"provider": "offline", "engine": "offline-2"},
    {"provider": "openai", "model": "gpt-4o-mini", "prompt_hash": "v1-abc", "temperature": 0.0},
    {"b": [1, 2.5, None, True], "a": {"z": "é ü 漢字", "y": Path("/tmp/x")}, "max_tokens": 400},
]
PAPERS = [
    Paper(id="1", title="T", abstract="A."),
    Paper(id="2", title='Quotes " and \\ back', abstract="Unicode: α ≤ β", categories=["cs.CL", "cs.LG"]),
]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_key_recipe_is_cache_key(identity: dict[str, object]) -> None:
    recipe = KeyRecipe(identity)
    for paper in PAPERS:
        assert recipe.key(paper) == cache_key(identity, paper)


def _result(tldr: str) -> tuple[Summary, Provenance]:
    summary = Summary(tldr=tldr, tags=Tags(keywords=["graph  neural networks", "GNN"], categories=["cs.LG"]))
    provenance = Provenance(provider="offline", model="m", created_at="2026-11-30T10:00:00Z")
    return summary, provenance


def test_get_many_reads_what_get_reads(tmp_path: Path) -> None:
    with ResultCache(tmp_path / "c") as cache:
        keys = [f"v1:{number:04d}" for number in range(1000)]  # more than one query's worth
        for number, key in enumerate(keys[::2]):
            cache.put(key, *_result(f"TL;DR number {number}"))
        # A value too large to sit in diskcache's table (kept in a file) and one with an expiry time.
        big_summary, big_provenance = _result("big " * 90)
        big_provenance.prompt_hash = "x" * 40_000
        cache.put("v1:big", big_summary, big_provenance)
        cache._cache.set(
            "v1:expiring",
            CachedResult(summary=big_summary, provenance=big_provenance).model_dump_json(),
            expire=3600,
        )
        cache._cache.set("v1:broken", '{"summary": {"tldr": ""}}')
        asked = [*keys, "v1:big", "v1:expiring", "v1:broken", "v1:absent"]
        found = cache.get_many(asked)
        assert set(found) == set(keys[::2]) | {"v1:big", "v1:expiring"}
        for key, hit in found.items():
            assert hit == cache.get(key)
        assert found["v1:big"].provenance.prompt_hash == "x" * 40_000
        assert found[keys[2]].summary.tags.keywords == ["graph neural networks", "GNN"]
        assert cache.get("v1:broken") is None


def test_collapse_whitespace_is_the_regex() -> None:
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert len(spaces) > 20
    samples = [
        "",
        "  ",
        "a",
        " a  b\t\nc ",
        "x".join(spaces),
        " ".join(spaces) + "end",
        "\x1c\x1fq\u3000r\u2028",
    ]
    for text in samples:
        assert collapse_whitespace(text) == re.sub(r"\s+", " ", text).strip()


def test_clean_text_removes_every_control_character() -> None:
    assert all(not chr(c).isprintable() for c in _CONTROL)  # so skipping printable text is safe
    for code in _CONTROL:
        assert clean_text(f"a{chr(code)}b c") == "ab c"
    assert clean_text("bidi \u202eevil\u202c text") == "bidi evil text"


def test_the_command_line_imports_no_heavy_module_until_a_command_runs() -> None:
    import subprocess

    code = (
        "import sys, papersum.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'rich', 'diskcache', 'numpy', "
        "'openai', 'tiktoken', 'smtplib', 'httpx', 'feedparser'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_defaults_named_in_the_cli_match_the_library() -> None:
    from papersum.cli.estimate import EXPECTED_OUTPUT_TOKENS
    from papersum.cli.send import PASSWORD_VARIABLE
    from papersum.estimate import DEFAULT_EXPECTED_OUTPUT_TOKENS
    from papersum.send import PASSWORD_ENV

    assert (EXPECTED_OUTPUT_TOKENS, PASSWORD_VARIABLE) == (DEFAULT_EXPECTED_OUTPUT_TOKENS, PASSWORD_ENV)


@pytest.mark.parametrize("limit", [100, 2])
def test_summarize_replays_the_first_pass_or_reads_again(
    limit: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from papersum.cli import app
    from papersum.cli import run as run_module

    monkeypatch.setattr(run_module, "REPLAY_LIMIT", limit)
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": f"p{n}", "title": f"Paper {n}", "abstract": f"We propose method {n}. It works."}
        for n in range(4)
    ]
    lines = [json.dumps(row) for row in rows] + ["{broken", json.dumps(rows[1])]  # a bad line, a duplicate
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["summarize", str(source), "--skip-bad", "--no-cache", "-p", "offline"])
    assert result.exit_code == 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["paper_id"] for row in out] == ["p0", "p1", "p2", "p3", f"{source}:5"]
    assert "duplicate dropped: p1" in result.stderr
