from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from papersum import __version__
from papersum.cli import app

runner = CliRunner()


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def all_commands() -> list[list[str]]:
    """Every command path, e.g. ["run"], ["cache", "stats"]."""
    paths: list[list[str]] = []

    def walk(command: object, prefix: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                walk(sub, [*prefix, name])
        else:
            paths.append(prefix)

    walk(get_command(app), [])
    return paths


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.strip() == f"papersum {__version__}"


@pytest.mark.parametrize("path", all_commands(), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: list[str]) -> None:
    code, out, _ = invoke(*path, "--help")
    assert code == 0
    assert "Example" in out and "papersum" in out, f"papersum {' '.join(path)} --help lacks an example"


def test_run_writes_digest_of_seeds(seeds_dir: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, _, err = invoke("run", str(seeds_dir), "--out-dir", str(out_dir))
    assert code == 0, err
    assert "Using provider 'offline'" in err and "58 papers: 58 summarised (0 from cache)" in err
    markdown = (out_dir / "digest.md").read_text(encoding="utf-8")
    assert markdown.count("**TL;DR:**") == 58
    lines = (out_dir / "digest.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 58 and all(json.loads(line)["tldr"] for line in lines)
    code, _, err = invoke("run", str(seeds_dir), "--out-dir", str(out_dir))
    assert code == 0 and "(58 from cache)" in err


def test_summarize_to_stdout_then_digest(seeds_dir: Path, tmp_path: Path) -> None:
    code, out, err = invoke("summarize", str(seeds_dir), "--out", "-", "--provider", "offline")
    assert code == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 58 and all("\n" not in r["tldr"] for r in rows)
    path = tmp_path / "ann.jsonl"
    path.write_text(out, encoding="utf-8")
    code, md, _ = invoke("digest", str(path), "--format", "md", "--group-by", "contribution", "--top", "2")
    assert code == 0 and md.startswith("# Paper digest") and md.count("**TL;DR:**") <= 16
    code, _, err = invoke("digest", str(path), "--format", "md,jsonl", "--out", str(tmp_path / "d"))
    assert (
        code == 0 and (tmp_path / "d" / "digest.md").exists() and (tmp_path / "d" / "digest.jsonl").exists()
    )


def test_bad_input_is_one_clear_error_and_skip_bad_keeps_the_rest(tmp_path: Path) -> None:
    bad = tmp_path / "in.jsonl"
    bad.write_bytes(b'{"title": "ok", "abstract": "We propose X."}\n{"title": "broken"\n')
    code, out, err = invoke("summarize", str(bad))
    assert code == 1 and out == ""
    assert f"{bad}:2" in err and "--skip-bad" in err and "Traceback" not in err
    code, out, err = invoke("summarize", str(bad), "--skip-bad")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [bool(r.get("error")) for r in rows] == [False, True]
    assert "skipped bad record" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert invoke("run", str(tmp_path / "nope"))[0] == 2
    assert invoke("run", "--format", "pdf", str(tmp_path))[0] == 2
    assert invoke("summarize", "--provider", "nope", str(tmp_path))[0] == 2
    assert invoke("frobnicate")[0] == 2


@pytest.mark.parametrize("value", ["0", "many", "-2"])
def test_bad_concurrency_is_a_usage_error(value: str, seeds_dir: Path) -> None:
    code, _, err = invoke("summarize", str(seeds_dir), "--concurrency", value)
    assert code == 2 and "concurrency" in err


def test_concurrency_auto(seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    assert invoke("summarize", str(seeds_dir), "-j", "auto", "-q", "--out", str(out))[0] == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 58


def test_settings_precedence_env_then_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from papersum.config import load_settings

    config = tmp_path / "config.toml"
    config.write_text('concurrency = 3\nmodel = "from-file"\n', encoding="utf-8")
    monkeypatch.setenv("PAPERSUM_CONFIG", str(config))
    assert (load_settings().concurrency, load_settings().model) == (3, "from-file")
    monkeypatch.setenv("PAPERSUM_MODEL", "from-env")
    assert load_settings().model == "from-env"
    assert load_settings(model="from-flag").model == "from-flag"
    config.write_text("colour = 1\n", encoding="utf-8")
    code, _, err = invoke("summarize", str(tmp_path))
    assert code == 2 and "unknown setting(s) colour" in err
    # A config file named explicitly must exist: a typo is not "no settings".
    monkeypatch.setenv("PAPERSUM_CONFIG", str(tmp_path / "confg.toml"))
    code, _, err = invoke("summarize", str(tmp_path))
    assert code == 2 and f"PAPERSUM_CONFIG={tmp_path / 'confg.toml'}: no such file" in err


def test_cache_commands(seeds_dir: Path, tmp_path: Path) -> None:
    invoke("summarize", str(seeds_dir), "--out", str(tmp_path / "a.jsonl"))
    code, out, _ = invoke("cache", "stats")
    assert code == 0 and re.search(r"entries:\s+58", out)
    code, _, err = invoke("cache", "clear", "--yes")
    assert code == 0 and "Removed 58" in err
    assert re.search(r"entries:\s+0", invoke("cache", "stats")[1])


def test_python_dash_m_entry_point() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "papersum", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.strip() == f"papersum {__version__}"


def test_stdin_input_is_read_once_and_processed(tmp_path: Path) -> None:
    rows = "".join(
        json.dumps(
            {"id": f"2301.0000{i}", "title": f"Paper {i}", "abstract": f"We propose method {i}. It works."}
        )
        + "\n"
        for i in range(3)
    )
    code, out, err = invoke("summarize", "-", "--out", "-", input=rows)
    assert code == 0, err
    assert [json.loads(line)["paper_id"] for line in out.splitlines()] == [
        "2301.00000",
        "2301.00001",
        "2301.00002",
    ]


def test_readme_documents_every_command() -> None:
    """Docs checked against the CLI: each top-level command is in the README's command table."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n## ", 1)[0]
    for name in get_command(app).commands:  # type: ignore[attr-defined]
        assert f"`papersum {name}" in table, f"README command table lacks `papersum {name}`"


def test_llm_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from papersum.config import load_settings

    monkeypatch.setenv("PAPERSUM_SCHEMA", "compact")
    monkeypatch.setenv("PAPERSUM_RPM", "120")
    settings = load_settings()
    assert (settings.schema_profile, settings.rpm, settings.tpm) == ("compact", 120.0, None)
    monkeypatch.setenv("PAPERSUM_TPM", "lots")
    code, _, err = invoke("summarize", "--provider", "offline", "-")
    assert code == 2 and "setting 'tpm'" in err


def test_unreachable_server_stops_at_once_with_one_line(seeds_dir: Path) -> None:
    import socket

    with socket.socket() as sock:  # a loopback port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, out, err = invoke(
        "summarize", str(seeds_dir), "--provider", "openai", "--base-url", f"http://127.0.0.1:{port}/v1"
    )
    assert (code, out) == (1, ""), err
    assert f"cannot reach http://127.0.0.1:{port}/v1" in err and "Traceback" not in err, err


def test_all_papers_failing_is_a_failed_run(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jsonl"
    huge.write_text(json.dumps({"title": "Full text", "abstract": "word " * 30_000}) + "\n", encoding="utf-8")
    code, out, err = invoke("summarize", str(huge), "--provider", "offline")
    assert code == 1 and "all 1 papers failed" in err
    assert "over the 20,000 limit" in json.loads(out)["error"]


def test_ctrl_c_while_the_cli_loads_exits_130_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import papersum.__main__ as entry
    import papersum.cli

    def interrupted() -> None:  # Ctrl-C arriving while Typer and the command modules import
        raise KeyboardInterrupt

    monkeypatch.setattr(papersum.cli, "main", interrupted)
    monkeypatch.setattr("sys.argv", ["papersum", "run", "seeds"])
    with pytest.raises(SystemExit) as exited:
        entry.main()
    assert exited.value.code == 130
    assert capsys.readouterr().err == "papersum: interrupted\n"
