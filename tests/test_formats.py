"""New input files (BibTeX, RIS, Zotero CSV, the Kaggle arXiv snapshot) and detection that does not guess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from papersum.cli import app
from papersum.errors import BadInputError, InputError
from papersum.ingest import EmptyInput, detect, detect_format, iter_papers, read_papers, resolve_inputs
from papersum.ingest.detect import UnrecognisedInputError
from papersum.models import Paper

FORMATS = Path(__file__).parent / "fixtures" / "formats"
SNAPSHOT = FORMATS / "arxiv-metadata-oai-snapshot.json"


def copy(name: str, tmp_path: Path, as_name: str | None = None) -> str:
    target = tmp_path / (as_name or name)
    shutil.copyfile(FORMATS / name, target)
    return str(target)


def kinds(items: list[object]) -> list[str]:
    return [type(item).__name__ for item in items]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("zotero_deepfake.bib", ["Paper", "Paper", "Paper", "InputError", "InputError"]),
        ("zotero_deepfake.ris", ["Paper", "Paper", "Paper", "InputError", "InputError"]),
        ("zotero_deepfake.csv", ["Paper", "Paper", "Paper", "InputError", "InputError"]),
        ("acm_chi23.bib", ["Paper"] * 4),
        ("scholar_profile.bib", ["InputError"] * 6),
        ("wos_savedrecs.ris", ["InputError", "InputError", "Paper", "InputError"]),
        ("zotero_nli.bib", ["Paper", "InputError", "Paper", "Paper", "Paper"]),
    ],
)
def test_reference_exports_as_papers(name: str, expected: list[str]) -> None:
    assert kinds(list(iter_papers([str(FORMATS / name)]))) == expected


def test_an_entry_without_abstract_is_a_bad_record_naming_its_key() -> None:
    path = str(FORMATS / "zotero_deepfake.bib")
    with pytest.raises(BadInputError) as caught:
        read_papers([path])
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:51: field 'abstract': entry 'noauthor_ipas_2025' ('IPAS 2025 Abstract Page') "
        "has no abstract",
        f"{path}:62: field 'abstract': entry 'syed_abdul_rahman_syed_abu_bakar_saima_waseem_exploring_2026' "
        "('Exploring the Advancements and Challenges of Deepfake Face-s') has no abstract",
    ]
    papers = read_papers([path], skip_bad=True).papers
    assert [p.id for p in papers] == [
        "10.1007/s11468-024-02407-0",
        "10.1016/j.heliyon.2024.e25757",
        "10.3390/app15031225",
    ]
    assert papers[2].authors[:2] == ["Maryam Abbasi", "Paulo Váz"]
    assert papers[0].url == "https://doi.org/10.1007/s11468-024-02407-0" and papers[0].source == f"{path}:2"


def test_arxiv_items_in_a_library_get_their_arxiv_id() -> None:
    papers = read_papers([str(FORMATS / "zotero_nli.bib")], skip_bad=True).papers
    assert [p.arxiv_id for p in papers] == ["1809.02922", "2203.11147", None, None]
    assert papers[1].abstract.count("80% of the time") == 1


def test_kaggle_arxiv_snapshot() -> None:
    papers = read_papers([str(SNAPSHOT)]).papers
    assert len(papers) == 12
    first = papers[0]
    assert (first.id, first.version, first.published, first.categories) == (
        "0704.0001",
        2,
        date(2007, 4, 2),
        ["hep-ph"],
    )
    assert first.authors == ["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan"]
    assert (
        first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert first.abstract.startswith(
        "A fully differential calculation in perturbative quantum chromodynamics"
    )
    assert first.url == "https://arxiv.org/abs/0704.0001" and first.source == f"{SNAPSHOT}:1"
    by_id = {p.id: p for p in papers}
    assert by_id["0704.0002"].categories == ["math.CO", "cs.CG"]
    assert by_id["0704.0003"].version == 3
    assert by_id["0704.0005"].title == "From dyadic Λ_α to Λ_α"
    assert "Neal J. Evans II" in by_id["0704.0009"].authors
    assert "Djoković's and Winkler's relations" in by_id["0704.0010"].abstract


def test_snapshot_latex_in_parsed_author_names_and_bad_lines(tmp_path: Path) -> None:
    line = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[0])
    line["authors_parsed"] = [["Bal\\'azs", "C.", ""], ['M{\\"u}ller', "J.", "Jr"]]
    line["versions"] = [{"version": "v1", "created": "not a date"}]
    del line["update_date"]
    path = tmp_path / "snap.jsonl"
    path.write_text(
        json.dumps(line) + "\n{broken\n" + json.dumps({**line, "id": ""}) + "\n", encoding="utf-8"
    )
    items = list(iter_papers([str(path)]))
    assert kinds(items) == ["Paper", "InputError", "InputError"]
    paper = items[0]
    assert isinstance(paper, Paper)
    assert paper.authors == ["C. Balázs", "J. Müller Jr"] and paper.published is None
    assert [(e.line, e.field) for e in items[1:] if isinstance(e, InputError)] == [(2, None), (3, "id")]


def test_snapshot_streams_line_by_line() -> None:
    fmt = detect_format(str(SNAPSHOT), SNAPSHOT.read_bytes()[: detect.HEAD_BYTES])
    assert fmt is detect.SNAPSHOT and fmt.line_reader is not None
    items = iter_papers([str(SNAPSHOT)])
    assert isinstance(next(items), Paper)  # a generator: papers come as lines are read


def test_a_zotero_bibtex_export_is_never_read_as_a_listing(tmp_path: Path) -> None:
    """The old fallback turned a BibTeX file into junk "papers" of the Hugging Face listing reader."""
    for as_name in ("library.txt", "library.export", "library"):
        path = copy("zotero_deepfake.bib", tmp_path, as_name)
        assert detect_format(path, Path(path).read_bytes()[:4096]) is detect.BIBTEX
        result = read_papers([path], skip_bad=True)
        assert [p.title[:20] for p in result.papers] == [
            "Advanced Plasmonic R",
            "An efficient deepfak",
            "Comprehensive Evalua",
        ]
        assert len(result.errors) == 2


@pytest.mark.parametrize(
    ("name", "as_name", "expected"),
    [
        ("zotero_deepfake.ris", "export.txt", "ris"),
        ("wos_savedrecs.ris", "savedrecs", "ris"),
        ("zotero_deepfake.csv", "Exported Items.csv", "zotero-csv"),
        ("zotero_deepfake.csv", "items", "zotero-csv"),
        ("arxiv-metadata-oai-snapshot.json", "arxiv-metadata-oai-snapshot.json", "arxiv-snapshot"),
        ("arxiv-metadata-oai-snapshot.json", "snapshot.jsonl", "arxiv-snapshot"),
        ("arxiv-metadata-oai-snapshot.json", "snapshot", "arxiv-snapshot"),
        ("acm_chi23.bib", "acm.bibtex", "bibtex"),
    ],
)
def test_detection_by_extension_then_content(tmp_path: Path, name: str, as_name: str, expected: str) -> None:
    path = copy(name, tmp_path, as_name)
    fmt = detect_format(path, Path(path).read_bytes()[: detect.HEAD_BYTES])
    assert fmt is not None and fmt.name == expected
    assert any(isinstance(item, Paper) for item in iter_papers([path]))


def test_the_seed_listing_is_recognised_and_other_text_is_not(seeds_dir: Path, tmp_path: Path) -> None:
    seed = next(seeds_dir.glob("*.txt"))
    assert detect_format(str(seed), seed.read_bytes()[: detect.HEAD_BYTES]) is detect.LISTING
    prose = tmp_path / "notes.txt"
    prose.write_text("Reading list\n\nTODO: ask Ann about the Kaggle file.\nAlso: the BibTeX export.\n")
    with pytest.raises(UnrecognisedInputError) as caught:
        read_papers([str(prose)])
    message = str(caught.value)
    assert message.startswith(f"{prose}: not a recognised paper file (tried: ")
    for label in (
        "BibTeX",
        "RIS",
        "Zotero CSV",
        "Kaggle arXiv metadata snapshot",
        "saved Hugging Face Papers listing",
    ):
        assert label in message


def test_unrecognised_xml_and_binary_are_errors(tmp_path: Path) -> None:
    page = tmp_path / "page.xml"
    page.write_text("<?xml version='1.0'?>\n<html><body>not a feed</body></html>\n")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    for path in (page, pdf):
        with pytest.raises(UnrecognisedInputError, match="not a recognised paper file"):
            read_papers([str(path)])


def test_a_recognised_file_without_papers_says_so(tmp_path: Path) -> None:
    feed = tmp_path / "query.xml"
    feed.write_text(
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>q</title></feed>\n'
    )
    comments = tmp_path / "empty.bib"
    comments.write_text("@comment{jabref-meta: databaseType:bibtex;}\n")
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n  \n")
    result = read_papers([str(feed), str(comments), str(blank)])
    assert result.papers == [] and result.errors == []
    assert [str(e) for e in result.empty] == [
        f"{feed}: no papers in this arXiv API Atom file",
        f"{comments}: no papers in this BibTeX file",
        f"{blank}: the file is empty",
    ]
    assert all(isinstance(e, EmptyInput) for e in result.empty)


def test_directories_pick_up_bibtex_and_ris(tmp_path: Path) -> None:
    copy("zotero_deepfake.bib", tmp_path, "a.bib")
    copy("wos_savedrecs.ris", tmp_path, "b.ris")
    (tmp_path / "notes.md").write_text("# not papers\n")
    (tmp_path / "paper.pdf").write_bytes(b"%PDF")
    assert [Path(p).name for p in resolve_inputs([str(tmp_path)])] == ["a.bib", "b.ris"]


runner = CliRunner()


def test_cli_reads_a_bibtex_library_and_names_bad_entries(tmp_path: Path) -> None:
    path = copy("zotero_deepfake.bib", tmp_path, "library.bib")
    result = runner.invoke(app, ["summarize", path, "--out", "-"])
    assert result.exit_code == 1 and result.stdout == ""
    assert f"{path}:51: field 'abstract': entry 'noauthor_ipas_2025'" in result.stderr
    result = runner.invoke(app, ["summarize", path, "--out", "-", "--skip-bad"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [bool(r.get("error")) for r in rows] == [False, False, False, True, True]
    assert rows[0]["paper_id"] == "10.1007/s11468-024-02407-0" and rows[0]["tldr"]


def test_a_broken_bibtex_entry_is_reported_once_in_our_words(tmp_path: Path) -> None:
    """bibtexparser logs its own "Parsing of `@article` block (line 0) aborted..." lines: a real
    process (no test logging handler) must show only papersum's one line naming file and entry."""
    path = tmp_path / "broken.bib"
    path.write_text("@article{foo,\n title = {Broken {brace},\n abstract = {x}\n", encoding="utf-8")
    command = [sys.executable, "-m", "papersum", "summarize", str(path), "--out", "-"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and done.stdout == ""
    assert "entry 'foo' could not be read" in done.stderr
    assert "Parsing of" not in done.stderr and "aborted on line" not in done.stderr


def test_cli_unrecognised_and_empty_inputs(tmp_path: Path) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    result = runner.invoke(app, ["summarize", str(pdf), "--out", "-"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and f"{pdf}: not a recognised paper file (tried: " in result.stderr
    empty = tmp_path / "empty.bib"
    empty.write_text("% nothing exported yet\n")
    snapshot = copy("arxiv-metadata-oai-snapshot.json", tmp_path)
    result = runner.invoke(app, ["summarize", str(empty), snapshot, "--out", "-"])
    assert result.exit_code == 0, result.stderr
    assert f"{empty}: no papers in this BibTeX file" in result.stderr
    assert len(result.stdout.splitlines()) == 12


def test_cli_reads_ris_from_stdin() -> None:
    ris = (FORMATS / "wos_savedrecs.ris").read_text(encoding="utf-8-sig")
    result = runner.invoke(app, ["summarize", "-", "--out", "-", "--skip-bad"], input=ris)
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["paper_id"] for r in rows if not r.get("error")] == ["10.1126/science.adi0656"]


def test_saved_arxiv_feeds_are_recognised_whatever_their_name(tmp_path: Path) -> None:
    sources = Path(__file__).parent / "fixtures" / "sources"
    for as_name in ("today.xml", "today.rss", "today.txt", "today"):
        path = tmp_path / as_name
        shutil.copyfile(sources / "arxiv_rss_4cats.xml", path)
        assert detect_format(str(path), path.read_bytes()[: detect.HEAD_BYTES]) is detect.ARXIV_FEED
        assert read_papers([str(path)]).papers
    api = sources / "arxiv_api_cs.CL_p2.xml"
    assert detect_format(str(api), api.read_bytes()[: detect.HEAD_BYTES]) is detect.ATOM
    empty = sources / "arxiv_rss_empty.xml"
    assert [str(e) for e in read_papers([str(empty)]).empty] == [
        f"{empty}: no papers in this arXiv RSS feed (rss.arxiv.org) file"
    ]


def test_a_snapshot_whose_first_line_is_long_is_still_recognised(tmp_path: Path) -> None:
    record = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[0])
    record["authors_parsed"] = [[f"Author{i}", "A.", ""] for i in range(5000)]  # a big collaboration
    path = tmp_path / "arxiv-metadata-oai-snapshot.json"
    path.write_text(json.dumps(record) + "\n" + SNAPSHOT.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(json.dumps(record)) > detect.HEAD_BYTES
    papers = read_papers([str(path)]).papers
    assert len(papers) == 12 and len(papers[0].authors) == 5000  # 13 lines, one duplicate id
