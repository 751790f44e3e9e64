"""`PAPERSUM_COMPILE=1` builds a wheel whose offline engine is compiled by mypyc (hatch_build.py),
and the compiled engine writes exactly the summaries the pure-Python engine writes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from papersum.ingest import read_papers
from papersum.offline.engine import summarize_offline, summarize_offline_many
from wheel_support import build_wheel

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "evals" / "data"
PER_SET = 250  # abstracts from each dev set: ~1,250 papers of five kinds, and the seeds

# Run in a child with the unpacked wheel first on sys.path: one Summary JSON per paper, from the
# batch path (what the pipeline uses) and, for the first papers, the one-paper path.
CHILD = """
import json, sys
import papersum.offline.tldr
from papersum.offline.engine import summarize_offline, summarize_offline_many
papers = [tuple(p) for p in json.load(sys.stdin)]
print(json.dumps({
    "module": papersum.offline.tldr.__file__,
    "many": [s.model_dump_json() for s in summarize_offline_many(papers)],
    "single": [summarize_offline(*p).model_dump_json() for p in papers[:100]],
}))
"""


def _corpus() -> list[tuple[str, str, list[str] | None]]:
    papers: list[tuple[str, str, list[str] | None]] = []
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for _, line in zip(range(PER_SET), handle, strict=False):
                row = json.loads(line)
                abstract = row["abstract"] if isinstance(row["abstract"], str) else " ".join(row["abstract"])
                papers.append((row.get("title") or "", abstract, None))
    seeds = read_papers([str(REPO / "seeds")]).papers
    papers += [(paper.title, paper.abstract, paper.categories or None) for paper in seeds]
    return papers


def _compiler() -> str | None:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(compiler)


@pytest.mark.slow
@pytest.mark.skipif(_compiler() is None, reason="no C compiler: the compiled build cannot be made here")
def test_compiled_wheel_gives_the_pure_python_summaries(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "dist", compiled=True)
    assert "-py3-none-any" not in wheel.name, "a compiled wheel is tagged for this interpreter and platform"
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    assert (site / "papersum" / "offline" / f"tldr{suffix}").is_file()
    assert (site / "papersum" / "offline" / f"_engine__mypyc{suffix}").is_file()

    papers = _corpus()
    assert len(papers) > 1_000
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=json.dumps(papers),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"the compiled engine failed:\n{done.stderr[-3000:]}"
    compiled = json.loads(done.stdout)
    assert compiled["module"].endswith(suffix), "the child ran the pure-Python engine"
    expected = [s.model_dump_json() for s in summarize_offline_many(papers)]
    differing = [i for i, (a, b) in enumerate(zip(compiled["many"], expected, strict=True)) if a != b]
    assert not differing, f"{len(differing)} papers differ, first: {papers[differing[0]][0]!r}"
    single = [summarize_offline(*p).model_dump_json() for p in papers[:100]]
    assert compiled["single"] == single
