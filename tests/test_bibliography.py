"""Reference-manager exports (real files in tests/fixtures/formats) parsed into BibRecords."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from papersum.errors import InputError
from papersum.ingest.bibliography import (
    BibRecord,
    detect_bibliography,
    parse_bibtex,
    parse_ris,
    parse_zotero_csv,
)

FORMATS = Path(__file__).parent / "fixtures" / "formats"
ZOTERO_HEADER = b'\xef\xbb\xbf"Key","Item Type","Publication Year","Author","Title","Abstract Note"\n'


def parse(name: str) -> list[BibRecord | InputError]:
    path = FORMATS / name
    data = path.read_bytes()
    parser = detect_bibliography(str(path), data[:4096])
    assert parser is not None, name
    return list(parser(str(path), data))


def records(name: str) -> list[BibRecord]:
    items = parse(name)
    assert all(isinstance(item, BibRecord) for item in items), items
    return [item for item in items if isinstance(item, BibRecord)]


def test_zotero_bibtex_export() -> None:
    refs = records("zotero_deepfake.bib")
    assert [(r.key, r.line) for r in refs] == [
        ("maheshwari_advanced_2025", 2),
        ("qadir_efficient_2024", 18),
        ("abbasi_comprehensive_2025", 34),
        ("noauthor_ipas_2025", 51),
        ("syed_abdul_rahman_syed_abu_bakar_saima_waseem_exploring_2026", 62),
    ]
    first = refs[0]
    assert first.title == (
        "Advanced Plasmonic Resonance-enhanced Biosensor for Comprehensive Real-time Detection "
        "and Analysis of Deepfake Content"
    )
    assert first.abstract and "accuracy of 98.7%, with a false positive rate" in first.abstract
    assert first.authors[:3] == ["R. Uma Maheshwari", "S. Kumarganesh", "Shree K V M"]
    assert (first.year, first.doi, first.url, first.added) == (2025, "10.1007/s11468-024-02407-0", None, None)
    assert first.keywords[:2] == ["Biosensor", "Convolutional neural network (CNN)"]
    assert refs[2].authors[1] == "Paulo Váz"
    assert [r.abstract is None for r in refs] == [False, False, False, True, True]
    assert refs[3].authors == []  # Zotero's "noauthor_" item
    assert refs[4].authors == ["Syed Abdul Rahman Syed Abu Bakar Saima Waseem", "Zaid Omar Bilalashfaqahmed"]


def test_one_zotero_collection_reads_the_same_as_bibtex_ris_and_csv() -> None:
    def essence(r: BibRecord) -> tuple[object, ...]:
        return (r.title, r.abstract, r.authors, r.year, r.doi, r.url, r.keywords)

    bib, ris, csv = (records(f"zotero_deepfake.{ext}") for ext in ("bib", "ris", "csv"))
    assert [essence(r) for r in bib] == [essence(r) for r in ris] == [essence(r) for r in csv]
    assert [r.key for r in csv] == ["J6WKGJ3W", "M4ZKAG9B", "XNUHHGJ8", "IVUB9HAC", "CQJVYDHC"]
    assert [r.line for r in csv] == [2, 3, 4, 5, 6]
    assert {r.added for r in csv} == {date(2026, 3, 17)}
    assert [r.line for r in ris] == [1, 39, 66, 97, 118]
    assert ris[0].key == "10.1007/s11468-024-02407-0"  # no ID tag: the DOI names the record


def test_acm_export_latex_accents_and_html_entities_decoded() -> None:
    refs = records("acm_chi23.bib")
    assert [r.line for r in refs] == [1, 19, 37, 55]
    assert refs[0].authors == [
        "Rachael Garrett",
        "Kristina Popova",
        "Claudia Núñez-Pacheco",
        "Thorhildur Asgeirsdottir",
        "Airi Lampinen",
        "Kristina Höök",
    ]
    assert refs[3].authors[1:3] == ["Oğuz 'Oz' Buruk", "Daniel Fernández Galeote"]
    assert refs[2].title.startswith("Responsible & Inclusive Cards:")
    assert refs[2].abstract and "Responsible & Inclusive Cards and findings" in refs[2].abstract
    assert (
        refs[0].doi == "10.1145/3544548.3580875" and refs[0].url == "https://doi.org/10.1145/3544548.3580875"
    )
    assert refs[0].keywords == ["Ethics", "Aesthetics", "Felt Ethics", "Soma Design"]


def test_google_scholar_export_titles_only() -> None:
    refs = records("scholar_profile.bib")
    assert all(r.abstract is None for r in refs)  # Google Scholar never exports abstracts
    by_key = {r.key: r for r in refs}
    kiesmuller = by_key["kiesmuller2015ganzjahriger"]
    assert kiesmuller.title == "Ganzjähriger Projektunterricht mit agilem Framework"
    assert kiesmuller.authors == ["Ulrich Kiesmüller", "Petra Kastl", "Ralf Romeike"]
    assert by_key["brinda2018kritische"].title.startswith("Kritische Entgegnung auf die Studie «Zur Relevanz")
    assert by_key["bramer2020digitale"].title == (
        "Eine digitale Perspektive für den Sachunterricht–ein Vorschlag zur Diskussion"
    )
    assert by_key["grillenbergeranalyzing"].year is None
    assert "others" not in " ".join(by_key["brinda2016dagstuhl"].authors)


def test_zotero_arxiv_items_and_zotero_escapes() -> None:
    by_key = {r.key: r for r in records("zotero_nli.bib")}
    assert by_key["demszky_transforming_2018"].arxiv_id == "1809.02922"
    assert by_key["menick_teaching_2022"].arxiv_id == "2203.11147"
    assert by_key["rajpurkar_squad_2016"].abstract is None
    assert by_key["rajpurkar_squad_2016"].arxiv_id is None
    menick = by_key["menick_teaching_2022"].abstract or ""
    assert "high-quality 80% of the time" in menick and "textbackslash" not in menick
    liang = by_key["liang_new_2019"].abstract or ""
    assert "MCRC datasets, e.g. RACE." in liang and "\\" not in liang and "{" not in liang
    assert by_key["khot_scitail_2018"].title.startswith("SciTaiL: A Textual Entailment Dataset from")


def test_web_of_science_ris() -> None:
    refs = records("wos_savedrecs.ris")
    assert [(r.line, r.title) for r in refs] == [
        (1, "Generative AI"),
        (26, "Generative AI"),
        (65, "Generative AI meets copyright"),
        (91, "Ethics of generative AI"),
    ]
    assert [r.abstract is not None for r in refs] == [False, False, True, False]
    assert refs[1].authors == ["S Feuerriegel", "J Hartmann", "C Janiesch", "P Zschech"]
    assert (refs[1].year, refs[1].doi) == (2024, "10.1007/s12599-023-00834-7")


def test_broken_bibtex_names_the_entry_and_reading_goes_on() -> None:
    data = (
        b"@article{good1,\n  title = {One}, abstract = {A.}\n}\n"
        b"@article{broken,\n  title = {Unclosed,\n\n"
        b"@misc{good2, title={Two}, year=2020}\n"
        b"@misc{good2, title={Two again}}\n"
        b"@misc{empty, year = 2021}\n"
        b"@comment{jabref-meta: x}\n@string{acm = {ACM}}\n"
    )
    items = list(parse_bibtex("lib.bib", data))
    kinds = [(type(i).__name__, i.line) for i in items]
    assert kinds == [
        ("BibRecord", 1),
        ("InputError", 4),
        ("BibRecord", 7),
        ("BibRecord", 8),
        ("InputError", 9),
    ]
    broken, empty = items[1], items[4]
    assert isinstance(broken, InputError) and "entry 'broken' could not be read" in str(broken)
    assert isinstance(empty, InputError) and str(empty) == (
        "lib.bib:9: field 'title': entry 'empty' has neither title nor abstract"
    )


def test_ris_without_end_tag_and_without_title(tmp_path: Path) -> None:
    data = "TY  - JOUR\nTI  - First\nAB  - An abstract.\nTY  - JOUR\nAU  - Doe, Jane\nER  - \n"
    items = list(parse_ris("x.ris", data.encode()))
    assert isinstance(items[0], BibRecord) and (items[0].title, items[0].line) == ("First", 1)
    assert isinstance(items[1], InputError) and (items[1].line, items[1].field) == (4, "title")


def test_invalid_utf8_is_reported_and_the_rest_read() -> None:
    items = list(parse_bibtex("x.bib", b"@misc{a, title={Caf\xe9}}\n@misc{b, title={Ok}}\n"))
    assert isinstance(items[0], InputError) and "invalid UTF-8" in str(items[0])
    assert [i.title for i in items[1:] if isinstance(i, BibRecord)] == ["Caf\ufffd", "Ok"]


def test_zotero_csv_needs_its_header() -> None:
    items = list(parse_zotero_csv("x.csv", b"id,title,abstract\n1,a,b\n"))
    assert len(items) == 1 and isinstance(items[0], InputError) and "not a Zotero CSV header" in str(items[0])


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("lib.bib", b"", parse_bibtex),
        ("lib.BIBTEX", b"", parse_bibtex),
        ("lib.ris", b"", parse_ris),
        ("lib.txt", b"% JabRef\n\n@Article{x,\n", parse_bibtex),
        ("-", b"\xef\xbb\xbfTY  - JOUR\r\n", parse_ris),
        ("export.csv", ZOTERO_HEADER, parse_zotero_csv),
        ("papers.csv", b"id,title,abstract\n", None),
        ("papers.jsonl", b'{"abstract": "x"}\n', None),
        ("seeds.txt", b"new\n\nSubscribe\n\nA title\n\nAn abstract @ home.\n", None),
    ],
)
def test_detect_bibliography(name: str, head: bytes, expected: object) -> None:
    assert detect_bibliography(name, head) is expected
