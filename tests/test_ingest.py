from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from papersum.errors import BadInputError, InputError, UsageError
from papersum.ingest import Duplicate, detect, detect_format, iter_papers, read_papers
from papersum.ingest.normalize import clean_text, dedupe_key
from papersum.ingest.readers import read_arxiv_atom, read_json, read_seed_listing
from papersum.models import Paper

GOLDEN = Path(__file__).parent / "golden"


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def test_seed_listing_matches_golden(seeds_dir: Path) -> None:
    result = read_papers([str(seeds_dir)])
    assert len(result.papers) == 58
    assert not result.errors and not result.duplicates
    rows = [
        {"id": p.id, "title": p.title, "abstract_start": p.abstract[:60], "line": Path(p.source or "").name}
        for p in result.papers
    ]
    golden = GOLDEN / "seed_papers.json"
    if os.environ.get("PAPERSUM_UPDATE_GOLDEN"):
        golden.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rows == json.loads(golden.read_text(encoding="utf-8"))


def test_seed_listing_header_skipped_and_missing_abstract_reported() -> None:
    text = "new\n\nSubscribe\n\nMar 17\n\nA Title\n\n" + "An abstract sentence. " * 10 + "\n\nOrphan title\n"
    items = list(read_seed_listing("x.txt", text.encode()))
    assert [type(i).__name__ for i in items] == ["RawRecord", "InputError"]
    error = items[1]
    assert isinstance(error, InputError)
    assert (error.line, error.field) == (11, "abstract")


def test_jsonl_bad_lines_name_file_line_and_field(tmp_path: Path) -> None:
    good = json.dumps({"id": "2301.00001v2", "title": "Good", "abstract": "We do things."})
    content = (
        good.encode()
        + b"\n{not json\n"
        + json.dumps({"title": "Empty", "abstract": "  "}).encode()
        + b"\n"
        + b'{"title": "Bad bytes \xff", "abstract": "x"}\n'
        + b"[1, 2]\n"
    )
    path = write(tmp_path, "papers.jsonl", content)
    with pytest.raises(BadInputError) as caught:
        read_papers([path])
    errors = caught.value.errors
    assert [(e.line, e.field) for e in errors] == [(2, None), (3, "abstract"), (4, None), (5, None)]
    assert "invalid UTF-8" in str(errors[2]) and f"{path}:4" in str(errors[2])
    assert "--skip-bad" in str(caught.value)
    kept = read_papers([path], skip_bad=True)
    assert [p.id for p in kept.papers] == ["2301.00001v2"]
    assert kept.papers[0].url == "https://arxiv.org/abs/2301.00001"


def test_missing_id_becomes_stable_content_hash(tmp_path: Path) -> None:
    path = write(tmp_path, "a.jsonl", json.dumps({"title": "T", "abstract": "Some abstract."}) + "\n")
    first = read_papers([path]).papers[0].id
    assert first.startswith("sha1-") and first == read_papers([path]).papers[0].id


def test_csv_reader_and_missing_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "p.csv",
        "id,title,abstract,authors,categories,published\n"
        '1,"A, title","Line one.\nLine two.","Ann, Bob",cs.CL cs.LG,2024-01-02\n'
        "2,No abstract,,,\n",
    )
    result = read_papers([path], skip_bad=True)
    paper = result.papers[0]
    assert (paper.title, paper.abstract, paper.authors, paper.categories) == (
        "A, title",
        "Line one. Line two.",
        ["Ann", "Bob"],
        ["cs.CL", "cs.LG"],
    )
    assert str(paper.published) == "2024-01-02"
    assert [(e.line, e.field) for e in result.errors] == [(4, "abstract")]
    bad = write(tmp_path, "q.csv", "id,title\n1,x\n")
    assert "no 'abstract' column" in str(read_papers([bad], skip_bad=True).errors[0])


def test_hf_daily_papers_json() -> None:
    items = [
        {
            "paper": {
                "id": "2405.01234",
                "title": "A\n  Paper",
                "summary": "We  introduce $\\alpha$-nets.",
                "authors": [{"name": "Ada"}],
                "publishedAt": "2024-05-02T17:59:59.000Z",
            },
            "numComments": 3,
        }
    ]
    record = next(iter(read_json("d.json", json.dumps(items).encode())))
    from papersum.ingest.records import RawRecord, record_to_paper

    assert isinstance(record, RawRecord)
    paper = record_to_paper(record)
    assert (paper.id, paper.title, paper.abstract, paper.authors) == (
        "2405.01234",
        "A Paper",
        "We introduce α-nets.",
        ["Ada"],
    )
    assert str(paper.published) == "2024-05-02"


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/2101.00001v3</id>
    <published>2021-01-01T00:00:00Z</published>
    <title>Attention Is
      Enough</title>
    <summary>  We show \\emph{attention} suffices.
    </summary>
    <author><name>A. Author</name></author>
    <link href="http://arxiv.org/abs/2101.00001v3" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.CL"/>
    <category term="cs.LG"/><category term="cs.CL"/>
  </entry>
</feed>"""


def test_arxiv_atom(tmp_path: Path) -> None:
    path = write(tmp_path, "query.xml", ATOM)
    paper = read_papers([path]).papers[0]
    assert paper.id == "2101.00001v3" and paper.arxiv_id == "2101.00001"
    assert paper.title == "Attention Is Enough" and paper.abstract == "We show attention suffices."
    assert paper.categories == ["cs.CL", "cs.LG"]
    assert next(iter(read_arxiv_atom("bad.xml", b"<feed><entry>"))).__class__ is InputError


def test_duplicates_by_arxiv_id_and_title(tmp_path: Path) -> None:
    rows = [
        {"id": "2301.00001v1", "title": "One", "abstract": "A."},
        {"id": "2301.00001v2", "title": "One (revised)", "abstract": "A revised."},
        {"title": "Two: Things", "abstract": "B."},
        {"title": "two things", "abstract": "B again."},
    ]
    path = write(tmp_path, "d.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    items = list(iter_papers([path]))
    dups = [i for i in items if isinstance(i, Duplicate)]
    assert [d.key for d in dups] == ["arxiv:2301.00001", "title:two things"]
    assert next(i.id for i in items if isinstance(i, Paper)) == "2301.00001v1"


def test_detection_by_content_and_missing_path(tmp_path: Path) -> None:
    assert detect_format("x.data", b"  [{}]") is detect.JSON
    assert detect_format("x.data", b'{"a": 1}') is detect.JSONL
    assert detect_format("x.data", b"<feed/>") is detect.ATOM
    with pytest.raises(UsageError, match="no such file"):
        read_papers([str(tmp_path / "missing.jsonl")])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a \\emph{b} \\cite{c}d", "a b d"),
        ("$\\mathcal{O}(n)$ time, 5\\% \\& more", "O(n) time, 5% & more"),
        ("right\u202eto\u202cleft", "righttoleft"),
        ("  many \n\t spaces ", "many spaces"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_dedupe_key_ignores_version_and_punctuation() -> None:
    assert dedupe_key("arXiv:2301.00001v4", "x") == "arxiv:2301.00001"
    assert dedupe_key("doc-1", "Hello, World!") == dedupe_key("doc-2", "hello world")


def test_year_and_month_dates_read_as_the_first_day(tmp_path: Path) -> None:
    # Bibliographic feeds (ACM, DBLP exports) give only a year; that is a date, not a bad record.
    path = tmp_path / "papers.jsonl"
    rows = [
        {"id": "a", "abstract": "Year only.", "published": "2012"},
        {"id": "b", "abstract": "Year as a number.", "published": 2019},
        {"id": "c", "abstract": "Year and month.", "published": "2020-07"},
        {"id": "d", "abstract": "Not a date.", "published": "2020-13"},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = read_papers([str(path)], skip_bad=True)
    assert [str(p.published) for p in result.papers] == ["2012-01-01", "2019-01-01", "2020-07-01"]
    assert [(e.line, e.field) for e in result.errors] == [(4, "published")]
