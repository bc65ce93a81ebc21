"""From a captured page to a Notice, or to quarantine with a reason a person can read.

A record is validated twice: by pydantic when it is built, and by a JSON Schema validator against
the published schema file, so what is released is what the published contract promises.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime

from pydantic import ValidationError

from gongwen.pipelines.extract import NotAPage, read_page
from gongwen.pipelines.notice import Notice, canonical_url, notice_id, sha256_text
from gongwen.pipelines.schema import schema_errors


class Quarantined(Exception):  # noqa: N818 (a verdict, not an error of the program)
    """A page that could not become a valid Notice; the message says why."""


def build_notice(
    body: bytes, url: str, *, source_id: str, retrieved_at: datetime, content_type: str | None = None
) -> Notice:
    """Read one page into a Notice validated against the model and the published schema.

    Raises Quarantined with a readable reason when the page is not a notice page or the record
    breaks the contract.
    """
    try:
        extracted = read_page(body, url, content_type)
    except NotAPage as exc:
        raise Quarantined(f"not a notice page: {exc}") from exc
    fields = {f.name: getattr(extracted, f.name) for f in dataclass_fields(extracted)}  # pydantic copies
    if not (fields.get("title") or "").strip():
        raise Quarantined("no title: the page has no title in its heading, metadata or <title>")
    try:
        notice = Notice.model_validate(
            {
                "id": notice_id(url),
                "source_id": source_id,
                "url": canonical_url(url),
                "retrieved_at": retrieved_at.astimezone(UTC).replace(microsecond=0),
                "content_sha256": sha256_text(fields["body_text"]),
                **fields,
            }
        )
    except ValidationError as exc:
        raise Quarantined(describe_validation_error(exc)) from exc
    problems = schema_errors(notice.model_dump(mode="json"))
    if problems:
        raise Quarantined("breaks the published schema: " + "; ".join(problems))
    return notice


def describe_validation_error(exc: ValidationError) -> str:
    parts = [f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()]
    return "invalid record: " + "; ".join(parts)
