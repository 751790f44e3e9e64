"""The HTML digest in a real headless Chromium: it renders (non-blank, phone and desktop, dark
mode), no paper text runs as code, and very long words do not widen the page at phone width.

Hostile payloads set `window.__xss` and also mark the document (`data-xss`), so a script that ran
is visible both to the probe page and in the dumped DOM. The probe is a separate harness page that
loads the digest in an iframe; the digest itself contains no script of ours.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from digest_samples import FIXED_DAY, LONG_WORD, annotation, sample_digest
from papersum.digest import build_digest
from papersum.ingest import read_papers
from papersum.models import Contribution, Digest
from papersum.pipeline import summarize_papers
from papersum.providers.registry import build_provider
from papersum.render.html import render_html

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

pytestmark = pytest.mark.browser

XSS_SCRIPT = '<script>window.__xss=1;document.documentElement.setAttribute("data-xss","script")</script>'
XSS_IMG = "<img src=x onerror=\"window.__xss=2;document.documentElement.setAttribute('data-xss','img')\">"
XSS_SVG = "<svg onload=\"window.__xss=3;document.documentElement.setAttribute('data-xss','svg')\"></svg>"
PHONE, DESKTOP = (420, 2000), (1280, 2000)
HARNESS = """<!DOCTYPE html><html><body>
<iframe id="digest" src="digest.html" style="width:{width}px;height:3000px;border:0"></iframe>
<script>
document.getElementById("digest").addEventListener("load", function () {{
  var out = document.createElement("pre");
  out.id = "probe";
  try {{
    var w = this.contentWindow, d = this.contentDocument;
    out.textContent = JSON.stringify({{
      xss: w.__xss === undefined ? null : w.__xss,
      marker: d.documentElement.getAttribute("data-xss"),
      scrollWidth: d.documentElement.scrollWidth,
      clientWidth: d.documentElement.clientWidth,
      scripts: d.getElementsByTagName("script").length,
      images: d.getElementsByTagName("img").length,
      papers: d.getElementsByTagName("h3").length
    }});
  }} catch (error) {{
    out.textContent = "probe failed: " + error;
  }}
  document.body.appendChild(out);
}});
</script></body></html>
"""


def _chromium() -> str:
    for name in (os.environ.get("PAPERSUM_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    pytest.skip(reason="no Chromium found (install with: apt-get install -y chromium); browser tests need it")


def _run_chromium(tmp_path: Path, *args: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        *args,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=45, check=False)
    except subprocess.TimeoutExpired:
        # A page normally loads in ~2 s; a hang means a JavaScript dialog (alert) is open: code ran.
        pytest.fail("chromium hung for 45 s: a script from paper text probably opened an alert()")
    assert done.returncode == 0, f"chromium failed ({done.returncode}): {done.stderr[-2000:]}"
    return done.stdout


def hostile_digest() -> Digest:
    """The sample digest plus a paper whose every text field is an attack."""
    digest = sample_digest()
    attacker = annotation(
        "2401.06666",
        f"{XSS_SCRIPT} {XSS_IMG} \u202etxt.exe",
        f"{XSS_SVG} ](javascript:window.__xss=4) {LONG_WORD}",
        categories=["cs.CR"],
        keywords=[XSS_IMG[:80], "a" * 80],
        contribution=Contribution.analysis,
        url="javascript:window.__xss=5",
        why=f"{XSS_SCRIPT}{LONG_WORD}",
        abstract=XSS_IMG,
    )
    groups = [*digest.groups]
    groups[-1] = groups[-1].model_copy(update={"annotations": [*groups[-1].annotations, attacker]})
    return digest.model_copy(
        update={"groups": groups, "total": digest.total + 1, "title": XSS_SCRIPT + "Digest"}
    )


def _probe(tmp_path: Path, page: str, width: int) -> dict[str, object]:
    (tmp_path / "digest.html").write_text(page, encoding="utf-8")
    harness = tmp_path / f"harness-{width}.html"
    harness.write_text(HARNESS.format(width=width), encoding="utf-8")
    dom = _run_chromium(tmp_path, "--allow-file-access-from-files", "--dump-dom", harness.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert match, f"probe did not report: {dom[-500:]}"
    assert not match.group(1).startswith("probe failed"), match.group(1)
    result: dict[str, object] = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    return result


class _DomTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _screenshot_stats(path: Path) -> tuple[int, float, float]:
    """(distinct colours, share of pixels unlike the top-left pixel, mean brightness 0-255)."""
    image_module = pytest.importorskip("PIL.Image", reason="Pillow decodes the screenshot (matplotlib dep)")
    with image_module.open(path) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 22) or []
        background = rgb.getpixel((0, 0))
        pixels = rgb.width * rgb.height
        differing = sum(count for count, colour in colours if colour != background)
        brightness = sum(count * sum(colour) / 3 for count, colour in colours) / pixels
        return len(colours), differing / pixels, brightness


@pytest.mark.parametrize("which", ["hostile sample", "seeds"])
def test_no_paper_text_runs_as_code_and_long_words_wrap(tmp_path: Path, which: str) -> None:
    digest = hostile_digest() if which == "hostile sample" else seed_digest()
    page = render_html(digest)
    papers = sum(len(group.annotations) for group in digest.groups)
    for width in (PHONE[0] - 20, DESKTOP[0] - 20):
        probe = _probe(tmp_path, page, width)
        assert probe["xss"] is None, probe
        assert probe["marker"] is None, probe
        assert probe["scripts"] == 0, probe
        assert probe["images"] == 0, probe
        assert probe["papers"] == papers, probe
        # No horizontal scrolling: the long words and chips wrapped inside the column.
        # (clientWidth is the iframe width minus a vertical scrollbar when the digest is long.)
        assert probe["scrollWidth"] == probe["clientWidth"], probe
        assert width - 20 <= int(str(probe["clientWidth"])) <= width, probe


def test_dumped_dom_has_no_elements_or_handlers_from_paper_text(tmp_path: Path) -> None:
    target = tmp_path / "digest.html"
    target.write_text(render_html(hostile_digest()), encoding="utf-8")
    dom = _run_chromium(tmp_path, "--dump-dom", target.as_uri())
    parser = _DomTags()
    parser.feed(dom)
    root = next(attrs for tag, attrs in parser.tags if tag == "html")
    assert "data-xss" not in root  # a payload that ran would have marked <html>
    assert {tag for tag, _ in parser.tags} & {"script", "img", "iframe"} == set()
    assert [(tag, attrs) for tag, attrs in parser.tags if any(name.startswith("on") for name in attrs)] == []
    assert "window.__xss=1" in dom  # the payload is there, as text


@pytest.mark.parametrize(("size", "dark"), [(PHONE, False), (DESKTOP, False), (PHONE, True)])
def test_screenshot_is_not_blank(tmp_path: Path, size: tuple[int, int], dark: bool) -> None:
    target = tmp_path / "digest.html"
    target.write_text(render_html(seed_digest()), encoding="utf-8")
    shot = tmp_path / "shot.png"
    flags = ["--force-dark-mode"] if dark else []
    _run_chromium(
        tmp_path, *flags, f"--screenshot={shot}", f"--window-size={size[0]},{size[1]}", target.as_uri()
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    colours, ink, brightness = _screenshot_stats(shot)
    assert colours > 100, f"only {colours} colours: looks blank"
    assert ink > 0.05, f"only {ink:.1%} of pixels differ from the background"
    # The dark-mode <style> really applies (and the light page really is light).
    assert brightness < 90 if dark else brightness > 200, brightness


def seed_digest() -> Digest:
    """The 58 seed papers through the real pipeline (offline provider), plus the hostile paper."""
    papers = read_papers([str(SEEDS)]).papers
    with build_provider("offline") as provider:
        annotations = list(summarize_papers(papers, provider, None))
    assert len(annotations) == 58
    attacker = hostile_digest().groups[-1].annotations[-1]
    return build_digest([*annotations, attacker], group_by="keyword", title="Seed papers", day=FIXED_DAY)
