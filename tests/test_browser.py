"""The HTML digest in a real headless Chromium: it renders (non-blank, phone and desktop, dark
mode), no paper text runs as code, very long words do not widen the page at phone width, and in
screenshots at 1200 and 420 px every chart label is whole and inside the chart and every tag chip
is one unbroken pill.

Hostile payloads set `window.__xss` and also mark the document (`data-xss`), so a script that ran
is visible both to the probe page and in the dumped DOM. The probe is a separate harness page that
loads the digest in an iframe; the digest itself contains no script of ours.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from cdp_browser import HEADLESS_FLAGS, Chromium
from digest_samples import FIXED_DAY, LONG_WORD, annotation, sample_digest
from papersum.digest import build_digest
from papersum.ingest import read_papers
from papersum.models import Contribution, Digest
from papersum.pipeline import summarize_papers
from papersum.providers.registry import build_provider
from papersum.render.html import MAX_CHART_BARS, render_html
from papersum.taxonomy import UNCATEGORISED

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

pytestmark = pytest.mark.browser

XSS_SCRIPT = '<script>window.__xss=1;document.documentElement.setAttribute("data-xss","script")</script>'
XSS_IMG = "<img src=x onerror=\"window.__xss=2;document.documentElement.setAttribute('data-xss','img')\">"
XSS_SVG = "<svg onload=\"window.__xss=3;document.documentElement.setAttribute('data-xss','svg')\"></svg>"
PHONE, DESKTOP = 420, 1280  # CSS pixels
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
    command = [_chromium(), *HEADLESS_FLAGS, f"--user-data-dir={profile}", *args]
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
    for width in (PHONE - 20, DESKTOP - 20):
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


@pytest.mark.parametrize(("width", "dark"), [(420, False), (1200, False), (420, True)])
def test_screenshot_is_not_blank(seed_layouts: Layouts, width: int, dark: bool) -> None:
    shot = seed_layouts[width, dark][1]
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


# Geometry of what the reader sees, in page coordinates: the chart (the element after its
# heading) with every text run inside it, and every span that paints a background (tag chips).
LAYOUT_PROBE = """(() => {
  const box = r => ({left: r.left + scrollX, top: r.top + scrollY, right: r.right + scrollX,
                     bottom: r.bottom + scrollY});
  const heading = [...document.querySelectorAll("p")].find(p => p.textContent.trim() === "Top categories");
  const chart = heading ? heading.nextElementSibling : null;
  const texts = [];
  if (chart) {
    const walker = document.createTreeWalker(chart, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.replace(/\\s+/g, " ").trim();
      if (!text) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      texts.push({text, box: box(range.getBoundingClientRect())});
    }
  }
  const painted = s => !["rgba(0, 0, 0, 0)", "transparent"].includes(getComputedStyle(s).backgroundColor);
  const chips = [...document.querySelectorAll("span")].filter(painted).map(s => ({
    text: s.textContent, background: getComputedStyle(s).backgroundColor,
    rects: [...s.getClientRects()].filter(r => r.width > 0).map(box), box: box(s.getBoundingClientRect())}));
  const root = document.documentElement;
  return {chart: chart && box(chart.getBoundingClientRect()), texts, chips,
          scrollWidth: root.scrollWidth, clientWidth: root.clientWidth};
})()"""


Layouts = dict[tuple[int, bool], tuple[dict[str, Any], Path, Digest]]


@pytest.fixture(scope="module")
def seed_layouts(tmp_path_factory: pytest.TempPathFactory) -> Layouts:
    """The seed digest (plus the hostile paper) in one Chromium, laid out and screenshotted whole at
    1200 and 420 px, and at 420 px in dark mode: {(width, dark): (layout probe, PNG, digest)}."""
    folder = tmp_path_factory.mktemp("layout")
    digest = seed_digest()
    page = folder / "digest.html"
    page.write_text(render_html(digest), encoding="utf-8")
    layouts = {}
    with Chromium(_chromium(), folder / "profile") as browser:
        for width, dark in ((1200, False), (420, False), (420, True)):
            browser.prefer_dark(dark)
            browser.open(page.as_uri(), width)
            shot = browser.screenshot(folder / f"digest-{width}{'-dark' if dark else ''}.png")
            layouts[width, dark] = (browser.evaluate(LAYOUT_PROBE), shot, digest)
    return layouts


def _pixels(shot: Path) -> Any:
    image_module = pytest.importorskip("PIL.Image", reason="Pillow decodes the screenshot (matplotlib dep)")
    with image_module.open(shot) as image:
        return image.convert("RGB")


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", css)[:3])


def _close(colour: tuple[int, ...], expected: tuple[int, ...]) -> bool:
    return all(abs(a - b) <= 3 for a, b in zip(colour, expected, strict=True))


@pytest.mark.parametrize("width", [1200, 420])
def test_chart_labels_are_whole_and_inside_the_chart(seed_layouts: Layouts, width: int) -> None:
    layout, shot, digest = seed_layouts[width, False]
    chart = layout["chart"]
    assert chart, "no chart after the 'Top categories' heading"
    assert chart["left"] >= 0 and chart["right"] <= width, (chart, shot)
    expected = [item.label or item.tag for item in digest.top_categories if item.tag != UNCATEGORISED]
    shown = [text["text"] for text in layout["texts"]]
    problems = [f"not shown whole: {label!r}" for label in expected[:MAX_CHART_BARS] if label not in shown]
    image = _pixels(shot)
    for text in layout["texts"]:
        box = text["box"]
        # The text box lies inside the chart's box: nothing is cut off by the chart's edges.
        if not (chart["left"] - 0.5 <= box["left"] and box["right"] <= chart["right"] + 0.5):
            problems.append(
                f"{text['text']!r} spans x {box['left']:.0f}-{box['right']:.0f}, "
                f"the chart {chart['left']:.0f}-{chart['right']:.0f}"
            )
        if not (chart["top"] - 0.5 <= box["top"] and box["bottom"] <= chart["bottom"] + 0.5):
            problems.append(
                f"{text['text']!r} spans y {box['top']:.0f}-{box['bottom']:.0f} outside the chart"
            )
        # And it is painted: dark text pixels inside its box in the screenshot.
        region = image.crop(
            (int(box["left"]), int(box["top"]), int(box["right"]) + 1, int(box["bottom"]) + 1)
        )
        if sum(count for count, colour in region.getcolors(1 << 16) or [] if sum(colour) < 3 * 140) < 4:
            problems.append(f"{text['text']!r} has no visible ink")
    assert not problems, f"{len(problems)} chart problems in {shot}: {problems}"


@pytest.mark.parametrize("width", [1200, 420])
def test_each_chip_is_one_unbroken_pill(seed_layouts: Layouts, width: int) -> None:
    layout, shot, digest = seed_layouts[width, False]
    papers = sum(len(group.annotations) for group in digest.groups)
    chips = layout["chips"]
    assert len(chips) >= 2 * papers, f"only {len(chips)} chips with a background ({shot})"
    assert layout["scrollWidth"] == layout["clientWidth"] == width, layout["scrollWidth"]
    image = _pixels(shot)
    split = [chip["text"] for chip in chips if len(chip["rects"]) != 1]
    broken = []
    for chip in chips:
        box, background = chip["box"], _rgb(chip["background"])
        assert box["left"] >= 0 and box["right"] <= width, (chip, shot)
        # The band just inside the top edge and the padding at both ends are all background: the
        # pill is one filled shape (a chip split over two lines leaves gaps in its bounding box).
        top = math.ceil(box["top"]) + 1
        middle = round((box["top"] + box["bottom"]) / 2)
        left, right = math.ceil(box["left"]), math.floor(box["right"]) - 1
        samples = [(x, top) for x in range(left + 9, right - 8)] + [(left + 3, middle), (right - 3, middle)]
        if any(not _close(image.getpixel(point), background) for point in samples):
            broken.append(chip["text"])
    assert not split, f"{len(split)} of {len(chips)} chips break across lines, e.g. {split[:3]} ({shot})"
    assert not broken, f"{len(broken)} chips have a broken background, e.g. {broken[:3]} ({shot})"
