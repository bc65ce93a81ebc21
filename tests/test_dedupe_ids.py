"""Stable notice ids across runs: adding or losing a copy never changes the notice's id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from gongwen.pipelines.dedupe import DedupeResult, dedupe
from gongwen.pipelines.notice import Notice, notice_id
from tests.test_dedupe import (
    ALTERED_BODY,
    COUNTY_URL,
    DONGPO_URL,
    FARM_URL,
    GOVCN_URL,
    ISSUER_URL,
    SOURCES,
    group_of,
    notice,
    without_doc_number,
)

FIRST = datetime(2026, 1, 1, tzinfo=UTC)
SECOND = datetime(2026, 2, 1, tzinfo=UTC)


def crawl(when: datetime, *pages: tuple[str, str, dict[str, Any]]) -> list[Notice]:
    return [notice(url, source_id, retrieved_at=when, **fields) for url, source_id, fields in pages]


def run(notices: list[Notice], previous: DedupeResult | None = None) -> DedupeResult:
    return dedupe(notices, SOURCES, previous.copy_table() if previous else ())


ISSUER = (ISSUER_URL, "sc_meishan", {})
GOVCN = (GOVCN_URL, "govcn", {})
COUNTY = (COUNTY_URL, "sc_qingbaijiang", {})


def test_a_new_copy_that_becomes_canonical_keeps_the_notices_id() -> None:
    first = run(crawl(FIRST, GOVCN, COUNTY))
    (before,) = first.groups
    assert before.id == notice_id(GOVCN_URL)
    (after,) = run(crawl(SECOND, GOVCN, COUNTY, ISSUER), first).groups
    assert after.canonical.url == ISSUER_URL
    assert after.id == before.id


def test_losing_the_canonical_copy_keeps_the_notices_id() -> None:
    first = run(crawl(FIRST, ISSUER, GOVCN, COUNTY))
    (after,) = run(crawl(SECOND, GOVCN, COUNTY), first).groups
    assert after.id == first.groups[0].id == notice_id(ISSUER_URL)


def test_first_seen_is_kept_and_last_seen_is_this_crawl() -> None:
    first = run(crawl(FIRST, ISSUER))
    (after,) = run(crawl(SECOND, ISSUER, GOVCN), first).groups
    seen = {c.url: (c.first_seen, c.last_seen) for c in after.copies}
    assert seen == {ISSUER_URL: (FIRST, SECOND), GOVCN_URL: (SECOND, SECOND)}


def test_two_notices_found_to_be_one_keep_the_older_id_and_withdraw_the_other() -> None:
    """A stub page (body in a PDF) and a farm copy without 文号 share nothing until the issuer's
    full page arrives: it matches the stub by 文号 and title and the farm copy by its text."""
    stub = (DONGPO_URL, "sc_dongpo", {"body_text": "详见附件。"})
    farm = (FARM_URL, "repost_qqjl", without_doc_number(title="防汛减灾工作通知全文", issuing_agency=None))
    first = run([*crawl(FIRST, farm), *crawl(SECOND, stub)])
    assert len(first.groups) == 2
    second = run(crawl(SECOND, stub, farm, ISSUER), first)
    (merged,) = second.groups
    assert merged.id == notice_id(FARM_URL)  # first seen a month earlier
    assert merged.aliases == (notice_id(DONGPO_URL),)
    assert second.aliases == {notice_id(DONGPO_URL): notice_id(FARM_URL)}


def test_a_split_leaves_the_id_with_the_larger_part_and_gives_the_other_its_own() -> None:
    first = run(crawl(FIRST, ISSUER, GOVCN, COUNTY))
    unrelated = without_doc_number(title="关于近期雨情的情况通报", body_text="近期雨情平稳。")
    changed = (COUNTY_URL, "sc_qingbaijiang", unrelated)
    second = run(crawl(SECOND, ISSUER, GOVCN, changed), first)
    assert group_of(second, ISSUER_URL).id == first.groups[0].id
    assert group_of(second, COUNTY_URL).id == notice_id(COUNTY_URL)
    assert second.aliases == {}


def test_ids_and_copies_do_not_depend_on_the_order_pages_arrive_in() -> None:
    pages = crawl(FIRST, ISSUER, GOVCN, COUNTY, (FARM_URL, "repost_qqjl", {"body_text": ALTERED_BODY}))
    forward, backward = run(pages), run(pages[::-1])
    assert [(g.id, [c.url for c in g.copies]) for g in forward.groups] == [
        (g.id, [c.url for c in g.copies]) for g in backward.groups
    ]
