"""The newsletter's TOML config: valid files load with paths resolved; bad ones name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from papersum.config import load_settings
from papersum.errors import UsageError
from papersum.newsletter.config import load_config

GOOD = """
title = "Morning papers"
provider = "offline"
data_dir = "state"

[sources]
arxiv = ["cs.CL", "cs.LG"]
hf = true

[smtp]
host = "smtp.example.org"
port = 587
sender = "Papers <papers@example.org>"
starttls = true
username = "papers-bot"
password_env = "NEWSLETTER_SMTP_PASSWORD"

[[readers]]
name = "alice"
email = "alice@example.org"
library = "libs/alice.bib"
interests = ["view synthesis"]
top = 5
min_score = 0.2
exclude = ["survey"]
formats = ["md", "csv"]

[[readers]]
name = "bob"
email = ["bob@example.org", "Bob B <bob@work.example.org>"]
library = ["libs/bob.ris", "/abs/never-used.bib"]
"""


def write(tmp_path: Path, text: str, *, libraries: bool = True) -> Path:
    config = tmp_path / "conf" / "newsletter.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text, encoding="utf-8")
    if libraries:
        (config.parent / "libs").mkdir(exist_ok=True)
        for name in ("alice.bib", "bob.ris"):
            (config.parent / "libs" / name).write_text("", encoding="utf-8")
    return config


def test_a_good_config_loads_with_paths_relative_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAPERSUM_DATA_DIR")
    config_file = write(tmp_path, GOOD.replace('"/abs/never-used.bib"', '"libs/alice.bib"'))
    config = load_config(config_file)
    base = config_file.parent.resolve()
    assert config.sources.specs() == ["arxiv:cs.CL+cs.LG", "hf:"]
    alice, bob = config.readers
    assert alice.library == [base / "libs" / "alice.bib"]
    assert alice.email == ["alice@example.org"] and alice.top == 5 and alice.formats == ["md", "csv"]
    assert bob.email == ["bob@example.org", "Bob B <bob@work.example.org>"]
    assert bob.top == 20 and bob.min_score is None and bob.group_by == "none"
    assert config.settings_layer() == (config_file, {"data_dir": str(base / "state"), "provider": "offline"})
    settings = load_settings(config.settings_layer())
    assert settings.provider == "offline"
    assert settings.data_dir == base / "state"


def test_environment_beats_the_newsletter_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config_file = write(tmp_path, GOOD.replace('"/abs/never-used.bib"', '"libs/alice.bib"'))
    config = load_config(config_file)
    monkeypatch.setenv("PAPERSUM_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PAPERSUM_PROVIDER", "openai")
    settings = load_settings(config.settings_layer())
    assert settings.data_dir == tmp_path / "elsewhere" and settings.provider == "openai"


def test_the_smtp_password_comes_from_the_named_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(write(tmp_path, GOOD.replace('"/abs/never-used.bib"', '"libs/alice.bib"')))
    assert config.smtp.settings().password is None
    monkeypatch.setenv("NEWSLETTER_SMTP_PASSWORD", "pw")
    smtp = config.smtp.settings()
    assert (smtp.user, smtp.password, smtp.resolved_port, smtp.starttls) == ("papers-bot", "pw", 587, True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[sources]\narxiv", "[sources]\narxiv_typo = 1\narxiv"), r"sources\.arxiv_typo: unknown key"),
        (('arxiv = ["cs.CL", "cs.LG"]', 'arxiv = ["cs CL"]'), r"sources\.arxiv\[1\]|sources\.arxiv: "),
        (
            ('arxiv = ["cs.CL", "cs.LG"]', 'arxiv = ["cs.XY"]'),
            r"sources\.arxiv: unknown arXiv category 'cs\.XY'",
        ),
        (('arxiv = ["cs.CL", "cs.LG"]\nhf = true', "arxiv = []"), r"sources: .*no source"),
        (('email = "alice@example.org"', 'email = "alice"'), r"readers\[1\] \(alice\)\.email.*invalid"),
        (
            ('formats = ["md", "csv"]', 'formats = ["pdf"]'),
            r"\(alice\)\.formats: .*unknown format",
        ),
        (("top = 5", "top = 0"), r"readers\[1\] \(alice\)\.top: .*greater than or equal to 1"),
        (('name = "bob"', 'name = "alice"'), r"reader name\(s\) used twice: alice"),
        (('name = "bob"', 'name = "../bob"'), r"readers\[2\]( \(\.\./bob\))?\.name: use 1-64 letters"),
        (("starttls = true", "starttls = true\nssl = true"), r"smtp: .*either starttls or ssl"),
        (('sender = "Papers <papers@example.org>"\n', ""), r"smtp\.sender: Field required"),
        (("port = 587", 'port = "x"'), r"smtp\.port: .*integer"),
        (('provider = "offline"', 'concurrency = "many"'), r"concurrency: .*integer"),
        (('provider = "offline"', "provder = 1"), r"provder: unknown key"),
        (("top = 5", "top = 5\ncolour = 1"), r"readers\[1\] \(alice\)\.colour: unknown key"),
        (('library = "libs/alice.bib"\ninterests = ["view synthesis"]', ""), r"\(alice\): give a library or"),
        (('title = "Morning papers"', "title = "), r"not valid TOML"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = GOOD.replace('"/abs/never-used.bib"', '"libs/alice.bib"')
    assert change[0] in text
    config_file = write(tmp_path, text.replace(change[0], change[1], 1))
    with pytest.raises(UsageError, match=message) as failure:
        load_config(config_file)
    assert str(failure.value).startswith(f"{config_file}: ")
    assert failure.value.exit_code == 2


def test_missing_library_and_missing_file(tmp_path: Path) -> None:
    config_file = write(tmp_path, GOOD)
    with pytest.raises(UsageError, match=r"readers\[2\] \(bob\)\.library: /abs/never-used\.bib does not"):
        load_config(config_file)
    with pytest.raises(UsageError, match="cannot read"):
        load_config(tmp_path / "nope.toml")
