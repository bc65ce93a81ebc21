"""Reading captured pages: each page's notice, the policy inside it and the signature of its text.

What is read here is kept (pipelines.read.readings) under a fingerprint of this code and of what it calls.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterable, Iterator
from functools import partial

from gongwen.pipelines.dedupe.match import page_signatures
from gongwen.pipelines.notice import Notice
from gongwen.pipelines.policy import read_policy
from gongwen.pipelines.policy.rows import policy_rows
from gongwen.pipelines.read.readings import Read, Reading
from gongwen.pipelines.read.validate import Quarantined, build_notice
from gongwen.pipelines.read.warc import CapturedResponse

# Pages read together: the MinHash signatures of a batch are made in one go (pipelines.dedupe).
BATCH = 32


def read_pages(
    responses: Iterable[CapturedResponse], source_id: str, region: str | None, workers: int
) -> Iterator[tuple[str, Reading]]:
    """Read the pages: each response's record id and reading, in order, read here or in ``workers``
    processes."""
    read = partial(_read, source_id=source_id, region=region)
    if workers <= 1:
        for batch in _batches(responses):
            yield from read(batch)
        return
    # forkserver, not fork: the caller may have threads (a crawl's reactor) that a fork would copy
    # mid-operation. The server imports the extractor once; each worker is forked from it.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    with context.Pool(workers) as pool:
        for read_batch in pool.imap(read, _batches(responses)):
            yield from read_batch


def _batches(responses: Iterable[CapturedResponse]) -> Iterator[list[CapturedResponse]]:
    batch: list[CapturedResponse] = []
    for response in responses:
        batch.append(response)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _read(batch: list[CapturedResponse], source_id: str, region: str | None) -> list[tuple[str, Reading]]:
    """Each page's notice with the policy inside it and the signature of its text, or why it was
    quarantined."""
    read: list[tuple[str, Notice | str]] = []
    for captured in batch:
        try:
            notice = build_notice(
                captured.body,
                captured.url,
                source_id=source_id,
                retrieved_at=captured.date,
                content_type=captured.content_type,
            )
        except Quarantined as exc:
            read.append((captured.record_id, str(exc)))
            continue
        read.append((captured.record_id, notice))
    notices = [n for _, n in read if isinstance(n, Notice)]
    signed = dict(zip((n.content_sha256 for n in notices), page_signatures(notices), strict=True))
    return [
        (rid, n if isinstance(n, str) else Read(n, _policy_json(n, region), signed[n.content_sha256]))
        for rid, n in read
    ]


def _policy_json(notice: Notice, region: str | None) -> str:
    return json.dumps(policy_rows(read_policy(notice, region)), ensure_ascii=False)
