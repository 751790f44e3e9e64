"""Kill `papersum summarize --provider local` mid-run (SIGINT, SIGKILL); the re-run resumes from cache."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.llm

REPO = Path(__file__).resolve().parent.parent
ABSTRACTS = [
    (
        "r1",
        "Graph Networks for Traffic",
        "We forecast road traffic with a graph neural network over sensors.",
    ),
    ("r2", "Cheap Speech Recognition", "We distil a speech recogniser into a model ten times smaller."),
    (
        "r3",
        "Protein Folding Benchmark",
        "We release a benchmark of 500 protein structures for folding models.",
    ),
    # Enough papers that the run is still going when the signal comes, on a loaded machine too.
    ("r4", "Sparse Attention for Long Documents", "We read 16k-token documents with sparse attention."),
    ("r5", "Tabular Data Augmentation", "We augment small tabular datasets with a diffusion model."),
    ("r6", "Robot Grasping from Video", "We learn robot grasps from videos of people picking up tools."),
]


LOCAL_ARGS = ("--provider", "local", "--concurrency", "1")


def _write_inputs(path: Path) -> None:
    lines = [json.dumps({"id": i, "title": t, "abstract": a}) for i, t, a in ABSTRACTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _summarize(inputs: Path, out: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    # A test run started in the background (`.ci/run &` in a script) ignores SIGINT, children
    # inherit that, and Python then leaves Ctrl-C ignored: give the run the terminal's default.
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "papersum", "summarize", str(inputs), *LOCAL_ARGS, "--out", str(out)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, inherited)


def _wait_for_first_result(out: Path, proc: subprocess.Popen[str], timeout_s: float = 120.0) -> int:
    partial = out.with_name(out.name + ".partial")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"run ended before it could be interrupted: {proc.communicate()[1][-500:]}")
        if partial.exists():
            done = len(partial.read_text(encoding="utf-8").splitlines())
            if done >= 1:
                return done
        time.sleep(0.1)
    proc.kill()
    pytest.fail("no result within the time limit")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_killed_run_resumes_from_cache(tmp_path: Path, sig: signal.Signals) -> None:
    inputs = tmp_path / "papers.jsonl"
    _write_inputs(inputs)
    out = tmp_path / "annotations.jsonl"
    proc = _summarize(inputs, out)
    done_before = _wait_for_first_result(out, proc)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130 and "re-run to resume" in stderr, stderr[-1500:]
    else:
        assert proc.returncode == -signal.SIGKILL
    assert not out.exists()

    rerun = _summarize(inputs, out)
    _, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr[-1000:]
    annotations = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [a["paper_id"] for a in annotations] == [i for i, _, _ in ABSTRACTS], "no paper lost"
    cached = [a["paper_id"] for a in annotations if a["provenance"]["cached"]]
    assert len(cached) >= done_before, "what finished before the kill comes from the cache"
    assert annotations[0]["provenance"]["cached"] is True
    for annotation in annotations:
        assert ("tldr" in annotation and "tags" in annotation) or annotation.get("error")
