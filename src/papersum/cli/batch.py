"""`papersum batch prepare|submit|status|collect|ingest`: large jobs on the OpenAI Batch API or vLLM."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from papersum.batch.limits import MAX_FILE_BYTES, MAX_FILE_REQUESTS
from papersum.cli.common import BaseUrlOpt, InputsArg, PromptOpt, QuietOpt, SkipBadOpt, say, user_errors
from papersum.errors import PapersumError, ProviderError, UsageError

# The cache, the openai SDK and the provider are imported inside the commands: they are slow to
# import and every other papersum command would pay for them at start-up.

batch_app = typer.Typer(
    help="Large jobs through batch engines: prepare request files, submit them to the OpenAI Batch API "
    "(or run them with vLLM), then ingest the results into the cache.\n\n"
    "Example: papersum batch prepare corpus.jsonl --model gpt-4o-mini --out batch/",
    no_args_is_help=True,
)

DirArg = Annotated[Path, typer.Argument(help="The batch directory written by `papersum batch prepare`.")]


def _provider_failure(exc: ProviderError) -> PapersumError:
    return PapersumError(str(exc))


@batch_app.command("prepare")
@user_errors
def prepare(
    inputs: InputsArg,
    model: Annotated[str, typer.Option("--model", "-m", help="Model name the batch will run.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Batch directory (request files, manifest).")],
    base_url: BaseUrlOpt = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Only the papers the last `ingest` listed as failed.")
    ] = False,
    max_requests: Annotated[
        int, typer.Option("--max-requests", min=1, help="Requests per file (API limit 50,000).")
    ] = MAX_FILE_REQUESTS,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Bytes per file (API limit 200 MB).")
    ] = MAX_FILE_BYTES,
    prompt: PromptOpt = None,
    skip_bad: SkipBadOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write OpenAI Batch API request files for papers not yet in the cache.

    Bodies are exactly the online `--provider openai` requests and results are cached under the
    same keys, so after `ingest` a `papersum summarize --provider openai --model M [--base-url U]`
    sends nothing. Use the same --base-url here as in that later run (it is part of the key).
    The files also run unchanged on vLLM:
    `python -m vllm.entrypoints.openai.run_batch -i requests-0001.jsonl -o results.jsonl --model M`.

    Example:

        papersum batch prepare seeds/ --model gpt-4o-mini --out batch/
    """
    from papersum.batch.prepare import prepare_batch
    from papersum.batch.target import batch_provider
    from papersum.cache import ResultCache
    from papersum.cli.run import _check_inputs as check_inputs
    from papersum.config import load_settings
    from papersum.ingest import iter_papers
    from papersum.models import Paper

    if max_requests > MAX_FILE_REQUESTS or max_bytes > MAX_FILE_BYTES:
        raise UsageError(f"file limits cannot exceed the API's {MAX_FILE_REQUESTS:,} requests / 200 MB")
    if "-" in inputs:
        raise UsageError("batch prepare reads its inputs twice (check, then write): save stdin to a file")
    settings = load_settings(provider="openai", model=model, base_url=base_url, prompt=prompt)
    check_inputs(inputs, skip_bad, quiet)
    papers = (item for item in iter_papers(inputs) if isinstance(item, Paper))
    try:
        provider = batch_provider(model, settings.base_url, settings)
    except ProviderError as exc:
        raise _provider_failure(exc) from None
    if settings.base_url:
        provider.inspect_server()  # a small model gets requests that fit (the compact schema)
    with provider, ResultCache.open(settings.cache_dir) as cache:
        report = prepare_batch(
            papers,
            provider,
            cache,
            out,
            retry_failed=retry_failed,
            max_requests=max_requests,
            max_bytes=max_bytes,
        )
    if quiet:
        return
    for paper_id in report.too_long:
        say(f"skipped {paper_id}: abstract over the length limit (the online path refuses it too)")
    skipped = f"{report.cached} already in the cache, {report.already_prepared} already prepared in {out}"
    if retry_failed:
        skipped += f"; {report.retry_candidates} listed as failed"
    if report.nothing_new:
        say(f"Nothing new to prepare: {skipped}. No file written.")
        return
    names = ", ".join(path.name for path in report.files)
    say(f"Wrote {report.written} requests to {len(report.files)} file(s) in {out} ({names}); {skipped}.")


@batch_app.command("submit")
@user_errors
def submit(directory: DirArg, base_url: BaseUrlOpt = None) -> None:
    """Upload the request files and create one batch per file (skips files already submitted).

    Example:

        papersum batch submit batch/
    """
    from papersum.batch.remote import submit as submit_files
    from papersum.batch.state import load_state
    from papersum.providers.openai_batch import OpenAIBatchClient

    state = load_state(directory, base_url or "default")
    try:
        client = OpenAIBatchClient(base_url=base_url)
        try:
            created = submit_files(directory, state, client, say)
        finally:
            client.close()
    except ProviderError as exc:
        raise _provider_failure(exc) from None
    say(f"{created} batch(es) created; {len(state.files)} file(s) tracked in {directory}/state.json")


@batch_app.command("status")
@user_errors
def status(directory: DirArg, base_url: BaseUrlOpt = None) -> None:
    """Show each batch's status and request counts.

    Example:

        papersum batch status batch/
    """
    from papersum.batch.remote import refresh
    from papersum.batch.state import load_state
    from papersum.providers.openai_batch import OpenAIBatchClient

    state = load_state(directory, base_url or "default")
    try:
        client = OpenAIBatchClient(base_url=base_url)
        try:
            refresh(directory, state, client)
        finally:
            client.close()
    except ProviderError as exc:
        raise _provider_failure(exc) from None
    for name, entry in sorted(state.files.items()):
        counts = ", ".join(f"{k} {v}" for k, v in entry.request_counts.items())
        say(f"{name}: {entry.batch_id or 'not submitted'} {entry.status or ''} {counts}".rstrip())


@batch_app.command("collect")
@user_errors
def collect(directory: DirArg, base_url: BaseUrlOpt = None) -> None:
    """Download output and error files of finished batches into DIR/results/ (once each).

    Example:

        papersum batch collect batch/ && papersum batch ingest batch/results/*.jsonl
    """
    from papersum.batch.remote import collect as collect_results
    from papersum.batch.state import load_state
    from papersum.providers.openai_batch import OpenAIBatchClient

    state = load_state(directory, base_url or "default")
    try:
        client = OpenAIBatchClient(base_url=base_url)
        try:
            files = collect_results(directory, state, client, say)
        finally:
            client.close()
    except ProviderError as exc:
        raise _provider_failure(exc) from None
    pending = [name for name, entry in state.files.items() if not entry.finished]
    say(f"{len(files)} result file(s) in {directory}/results; {len(pending)} batch(es) still running")
    if files:
        say(f"Next: papersum batch ingest {' '.join(str(path) for path in files)}")


@batch_app.command("ingest")
@user_errors
def ingest(
    results: Annotated[list[Path], typer.Argument(help="Batch output (or error) JSONL files.")],
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Batch directory with manifest.jsonl (default: found next to RESULTS)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Validate result lines against the Summary schema and store the good ones in the cache.

    Failed lines are listed (custom_id, paper id, reason) and saved to DIR/failed.json for
    `papersum batch prepare INPUT... --out DIR --retry-failed`. Exit code 1 if any line failed.

    Example:

        papersum batch ingest batch/results/requests-0001.output.jsonl
    """
    from papersum.batch.ingest import ingest_results
    from papersum.batch.manifest import find_batch_dir, load_failed, load_manifest, save_failed
    from papersum.cache import ResultCache
    from papersum.config import load_settings
    from papersum.pricing import load_price_table

    missing = [str(path) for path in results if not path.is_file()]
    if missing:
        raise UsageError(f"no such results file: {', '.join(missing)}")
    folder = directory or find_batch_dir(results)
    if folder is None:
        raise UsageError("no manifest.jsonl next to the results files; pass --dir BATCH_DIR")
    manifest = load_manifest(folder)
    if not manifest:
        raise UsageError(f"{folder}: no manifest.jsonl (was it written by `papersum batch prepare`?)")
    settings = load_settings()
    prices = load_price_table(settings.prices_file)
    with ResultCache.open(settings.cache_dir) as cache:
        report = ingest_results(results, manifest, cache, prices)
    failed = load_failed(folder)
    for custom_id in report.ok_ids:
        failed.pop(custom_id, None)
    failed.update({entry.custom_id: entry for entry in report.failed if entry.custom_id in manifest})
    save_failed(folder, failed)
    if not quiet:
        for entry in report.failed:
            say(f"failed: {entry.custom_id} (paper {entry.paper_id or '?'}): {entry.reason}")
        cost = f"${report.cost_usd:.4f} at batch rates"
        if not report.priced:
            cost = "cost unknown (model not in the price table)"
        say(
            f"{report.ok} of {report.lines} results cached, {len(report.failed)} failed; "
            f"{report.input_tokens + report.output_tokens:,} tokens, {cost}."
        )
        if report.failed:
            say(f"Retry them: papersum batch prepare INPUT... --out {folder} --retry-failed")
    if report.failed:
        raise typer.Exit(1)
