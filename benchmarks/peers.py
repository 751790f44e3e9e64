"""Peer tools on the same JSONL abstracts, whole process, for bench_speed.py (benchmark tools only).

    pip install yake sumy      # benchmark tools, not papersum dependencies (or: pip install -e ".[bench]")
    python benchmarks/peers.py yake IN.jsonl OUT.jsonl       # 8 keywords per paper
    python benchmarks/peers.py lexrank IN.jsonl OUT.jsonl    # one-sentence LexRank summary per paper

sumy's default tokenizer loads NLTK's pretrained punkt tables, a download this machine cannot
make; the runner gives it NLTK's Punkt sentence splitter with default parameters and NLTK's word
tokenizer (what `nltk.word_tokenize` runs after splitting sentences), so the work per paper is the
same apart from punkt's learned abbreviation list.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def read_abstracts(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def yake_runner() -> Callable[[dict[str, Any]], dict[str, Any]]:
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=3, top=8)

    def run(paper: dict[str, Any]) -> dict[str, Any]:
        text = f"{paper.get('title', '')}. {paper['abstract']}"
        return {"id": paper["id"], "keywords": [phrase for phrase, _ in extractor.extract_keywords(text)]}

    return run


class _PunktTokenizer:
    """sumy's tokenizer interface over NLTK's Punkt (default parameters) and word tokenizer."""

    language = "english"

    def __init__(self) -> None:
        from nltk.tokenize import NLTKWordTokenizer
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        self._sentences = PunktSentenceTokenizer()
        self._words = NLTKWordTokenizer()

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in self._sentences.tokenize(paragraph) if s.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(w for w in self._words.tokenize(sentence) if any(c.isalnum() for c in w))


def lexrank_runner() -> Callable[[dict[str, Any]], dict[str, Any]]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = _PunktTokenizer()
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def run(paper: dict[str, Any]) -> dict[str, Any]:
        document = PlaintextParser.from_string(paper["abstract"], tokenizer).document
        sentences = summarizer(document, 1)
        return {"id": paper["id"], "tldr": str(sentences[0]) if sentences else ""}

    return run


RUNNERS = {"yake": yake_runner, "lexrank": lexrank_runner}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tool", choices=sorted(RUNNERS))
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    run = RUNNERS[args.tool]()
    with args.target.open("w", encoding="utf-8") as out:
        for paper in read_abstracts(args.source):
            out.write(json.dumps(run(paper), ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
