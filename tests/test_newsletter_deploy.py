"""The deploy examples: the GitHub Actions workflow passes actionlint, the example config loads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from papersum.newsletter.config import load_config

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WORKFLOW = EXAMPLES / "newsletter.yml"


def actionlint() -> str:
    """The actionlint binary from the test extras (next to this Python, or on PATH)."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint not found: pip install -e '.[test]' installs it"
    return found


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-no-color", "-oneline", str(path)], capture_output=True, text=True, timeout=120
    )


def test_example_workflow_passes_actionlint() -> None:
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("original", "broken", "complaint"),
    [
        ('cron: "30 6 * * 1-5"', 'cron: "30 25 * * 1-5"', "CRON"),
        ("${{ secrets.SMTP_PASSWORD }}", "${{ secret.SMTP_PASSWORD }}", "secret"),
        ("if: ${{ inputs.dry_run == true }}", "if: ${{ inputs.dryrun == true }}", "dryrun"),
    ],
)
def test_actionlint_catches_a_broken_copy(tmp_path: Path, original: str, broken: str, complaint: str) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert original in text
    copy = tmp_path / "newsletter.yml"
    copy.write_text(text.replace(original, broken), encoding="utf-8")
    result = lint(copy)
    assert result.returncode == 1 and complaint in result.stdout


def test_workflow_runs_on_weekdays_with_secrets_and_keeps_state() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    crons = re.findall(r'cron: "([^"]+)"', text)
    assert crons and all(cron.split()[4] == "1-5" for cron in crons)
    assert "PAPERSUM_SMTP_PASSWORD: ${{ secrets.SMTP_PASSWORD }}" in text
    assert "OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}" in text
    assert "actions/cache/restore@" in text and "actions/cache/save@" in text
    save = text[text.index("Save the newsletter state") :]
    assert "always()" in save.split("uses:")[0]  # a failed run's partial progress is kept too
    assert "papersum newsletter --config newsletter.toml" in text


def test_example_config_loads() -> None:
    config = load_config(EXAMPLES / "newsletter.toml")
    assert config.sources.specs() == ["arxiv:cs.CL+cs.LG", "hf:"]
    assert [reader.name for reader in config.readers] == ["alice", "bob"]
    assert all(path.is_file() for reader in config.readers for path in reader.library)
