"""One newsletter run: fetch once, summarise once, then per reader rank, compose, send, record.

Order matters for "nothing twice, nothing lost":
1. settle what an interrupted run left (state.reconcile) and send the readers' outboxes;
2. fetch every source (any failure: no new digest today, exit 1, a re-run fetches again);
3. per reader, drop papers already sent, passed over, or in a message on its way;
4. summarise the union of what is left once (cached), rank per reader;
5. per reader: compose, put in the outbox, send, record (see state.py for the phases).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from papersum.curate import id_key
from papersum.models import Annotation, Paper
from papersum.newsletter.compose import compose, outbox_entry, write_eml
from papersum.newsletter.config import NewsletterConfig, ReaderConfig
from papersum.newsletter.deliver import Courier, Delivery, uncertain_note
from papersum.newsletter.state import ReaderState, StateDir
from papersum.send import message_bytes
from papersum.sources import FetchResult, SourceError
from papersum.sources.fetched import plural

# Fields a later source may fill in when an earlier one did not say (HF knows upvotes, arXiv does not).
ENRICHING_FIELDS = ("upvotes", "ai_summary", "ai_keywords", "github_repo")


Fetch = Callable[[str], FetchResult]
Summarise = Callable[[list[Paper]], list[Annotation]]
Rank = Callable[[list[Annotation], ReaderConfig], list[Annotation]]
RankDay = Callable[[list[Annotation]], Rank]  # the day's papers -> a ranker for each reader's part
Remember = Callable[[str, list[Annotation]], None]


@dataclass
class Report:
    """What happened, for the command's output: lines as they happen, one summary at the end."""

    say: Callable[[str], None]
    sent: int = 0
    written: list[Path] = field(default_factory=list)
    quiet_readers: list[str] = field(default_factory=list)
    delivered_to: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    no_papers: str | None = None

    def delivery(self, delivery: Delivery) -> None:
        self.say(delivery.line())
        if delivery.result == "failed":
            self.problems.append(f"could not send to {delivery.reader}: {delivery.detail}")
            return
        self.sent += 1
        self.delivered_to.add(delivery.reader)
        if delivery.result == "uncertain":  # recorded as sent (at most once), but the operator should look
            self.problems.append(f"{delivery.reader}: delivery not confirmed")

    def summary(self) -> str:
        """One line: what was sent, or why nothing was, and what failed."""
        parts = []
        if self.written:
            count = len(self.written)
            parts.append(f"wrote {count} .eml file{'s' if count != 1 else ''} (dry run, nothing recorded)")
        elif self.sent:
            parts.append(f"sent {self.sent} email{'s' if self.sent != 1 else ''}")
        if self.no_papers:
            parts.append(self.no_papers)
        parts.extend(
            f"nothing new for reader {name}" for name in self.quiet_readers if name not in self.delivered_to
        )
        if self.problems:
            more = len(self.problems) - 1
            parts.append(self.problems[0] + (f" (and {more} more)" if more else ""))
        return "; ".join(parts) or "sent 0 emails"


@dataclass
class Newsletter:
    """Everything one run needs; the fetch, summarise and rank stages are passed in."""

    config: NewsletterConfig
    readers: Sequence[ReaderConfig]
    states: StateDir
    fetch: Fetch
    summarise: Summarise
    rank: RankDay
    day: date
    dry_run_dir: Path | None = None
    remember: Remember | None = None  # e.g. what `papersum rate` needs to find an emailed paper

    def run(self, say: Callable[[str], None]) -> Report:
        report = Report(say=say)
        states = self.states.readers(reader.name for reader in self.readers)
        courier = Courier(self.config.smtp.settings())
        if self.dry_run_dir is None:
            for state in states.values():
                for entry, kept in state.reconcile():
                    why = "an earlier run was killed while the server was taking it"
                    say(f"warning: {state.reader}: {uncertain_note(entry, why, kept)}")
                for delivery in courier.flush(state):
                    report.delivery(delivery)
        else:
            waiting = sum(len(state.outbox) for state in states.values())
            if waiting:
                say(f"{waiting} message(s) from an earlier run wait in the outbox; a real run sends them")
        papers = self._fetch(report)
        if papers is None:
            return report
        fresh = {name: unsent(papers, state) for name, state in states.items()}
        wanted = {id_key(paper.id): paper for items in fresh.values() for paper in items}
        summaries = self.summarise(list(wanted.values())) if wanted else []
        annotations = {id_key(item.paper_id): item for item in summaries}
        rank = self.rank(summaries)  # the day's papers are read once, for every reader
        for reader in self.readers:
            items = [annotations[id_key(paper.id)] for paper in fresh[reader.name]]
            self._one_reader(reader, items, rank, states, courier, report)
        return report

    def _fetch(self, report: Report) -> list[Paper] | None:
        """Today's papers from every source, merged; None when there is nothing to do (or a failure)."""
        results: list[FetchResult] = []
        for spec in self.config.sources.specs():
            try:
                results.append(self.fetch(spec))
            except SourceError as error:
                report.problems.append(f"fetching {spec} failed: {error}")
                return None
        if all(not result.papers for result in results):
            report.no_papers = "; ".join(result.message for result in results)
            return None
        for result in results:
            report.say(result.message)
        return merge_sources([result.papers for result in results])

    def _one_reader(
        self,
        reader: ReaderConfig,
        items: list[Annotation],
        rank: Rank,
        states: dict[str, ReaderState],
        courier: Courier,
        report: Report,
    ) -> None:
        ranked = rank(items, reader) if items else []
        if not ranked:
            report.quiet_readers.append(reader.name)
            return
        message = compose(
            reader,
            ranked,
            title=self.config.title,
            day=self.day,
            sender=self.config.smtp.sender,
            new_papers=len(items),
        )
        if self.dry_run_dir is not None:
            path = write_eml(self.dry_run_dir, reader.name, message, self.day)
            report.written.append(path)
            report.say(f"wrote {path} ({plural(len(ranked), 'paper')} for {reader.name})")
            return
        state = states[reader.name]
        entry = outbox_entry(reader.name, message, ranked, self.day, offered=items)
        state.prepare(message_bytes(message), entry)
        if self.remember is not None:
            self.remember(reader.name, ranked)
        report.delivery(courier.send(state, entry))


def unsent(papers: list[Paper], state: ReaderState) -> list[Paper]:
    """Papers that are news for the reader: never sent, passed over, or in a message on its way."""
    claimed = state.claimed_keys()
    return [paper for paper in papers if id_key(paper.id) not in claimed]


def merge_sources(batches: list[list[Paper]]) -> list[Paper]:
    """One list, first source first; a paper seen twice (arXiv and HF) is kept once, enriched."""
    merged: dict[str, Paper] = {}
    for batch in batches:
        for paper in batch:
            key = id_key(paper.id)
            first = merged.get(key)
            if first is None:
                merged[key] = paper
                continue
            missing = {
                name: getattr(paper, name)
                for name in ENRICHING_FIELDS
                if getattr(first, name) in (None, []) and getattr(paper, name) not in (None, [])
            }
            if missing:
                merged[key] = first.model_copy(update=missing)
    return list(merged.values())
