"""read_page: one saved HTML page → the Notice fields it shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from pipelines.extract.body import body_lines, find_container
from pipelines.extract.decode import decode_page
from pipelines.extract.dom import BODY_MARK, lines_of, parse_html
from pipelines.extract.fields import (
    Validity,
    choose_doc_number,
    choose_title,
    clean_agency,
    doc_type_from_label,
    first_date,
    validity_of,
)
from pipelines.extract.flags import Flag, doc_number_flag, encoding_flag, flag, spam_flag
from pipelines.extract.labels import collect, inline_pairs, meta_value, read_meta, structural_pairs
from pipelines.extract.letter import HEAD_LINES, addressees_of, is_agency_line, signature_of, trim_head
from pipelines.extract.links import attachments_of
from pipelines.normalise.docnumber import find_doc_number
from pipelines.normalise.doctype import doc_type_of, genre_of
from pipelines.normalise.text import detect_script, normalise_space, strip_pinyin_glosses, to_simplified
from pipelines.notice import DocType, FlagCode

ABOVE_BODY_LINES = 6  # lines just above the body container where a 文号 line may stand


@dataclass(slots=True)
class Extracted:
    """The Notice fields read from one page (all but id, source_id, url, retrieved_at, content_sha256).

    Text fields are simplified Chinese; `script` says what the page was published in.
    """

    title: str | None
    doc_number: str | None
    doc_number_raw: str | None
    doc_number_parts: dict[str, str | int | None] | None
    index_number: str | None
    issuing_agency: str | None
    doc_type: DocType | None
    genre: str | None
    written_date: date | None
    published_date: date | None
    validity: Validity | None
    topic: str | None
    addressees: list[str] = field(default_factory=list)
    body_text: str = ""
    attachments: list[dict[str, str]] = field(default_factory=list)
    script: Literal["hans", "hant"] = "hans"
    quality_flags: list[Flag] = field(default_factory=list)


def _value(labels: dict[str, str], key: str) -> str | None:
    value = labels.get(key)
    return normalise_space(value) if value else None


def _same(text: str) -> str:
    return text


def _agency(value: str | None, *, must_look_like_one: bool = False) -> str | None:
    """An agency name; a 来源/发布机构 value must look like one (not 大众日报, not a content farm)."""
    agency = clean_agency(value)
    if agency is None or (must_look_like_one and not is_agency_line(agency)):
        return None
    return agency


def read_page(body: bytes, url: str, content_type: str | None = None) -> Extracted:
    """Read one fetched page into Notice fields; raise NotAPage when it is not a readable HTML page."""
    decoded = decode_page(body, content_type)
    root = parse_html(decoded.text)
    meta = read_meta(root)
    container, skip = find_container(root)
    page = lines_of(root, skip)
    above = page[: page.index(BODY_MARK)] if BODY_MARK in page else page
    outside = [line for line in page if line != BODY_MARK]
    raw_body = body_lines(container) if container is not None else []
    labels = collect(structural_pairs(root, skip) + inline_pairs(outside + raw_body[:HEAD_LINES]))

    printed_title = choose_title(labels, meta, root)
    head = trim_head(raw_body, printed_title)
    printed_lines = [strip_pinyin_glosses(line) for line in head.lines]
    script = detect_script(f"{printed_title or ''}\n" + "\n".join(printed_lines))
    simplified = to_simplified if script == "hant" else _same  # text fields are always simplified
    title = simplified(strip_pinyin_glosses(printed_title)) if printed_title else None
    lines = [simplified(line) for line in printed_lines]
    signature = signature_of(lines)
    number_in_page = head.doc_number or find_doc_number("\n".join(above[-ABOVE_BODY_LINES:]))
    raw_number, parsed, placeholder = choose_doc_number(labels.get("doc_number"), number_in_page)
    labels = {key: simplified(value) for key, value in labels.items() if key != "doc_number"}

    x = Extracted(
        title=title,
        doc_number=parsed.normalised if parsed else None,
        doc_number_raw=raw_number,
        doc_number_parts=parsed.parts() if parsed else None,
        index_number=_value(labels, "index_number"),
        issuing_agency=_agency(labels.get("issuer")) or _agency(signature.agency)
        or _agency(labels.get("publisher"), must_look_like_one=True)
        or _agency(simplified(meta_value(meta, "publisher") or ""), must_look_like_one=True),
        doc_type=doc_type_of(title, parsed.normalised if parsed else None)
        or doc_type_from_label(labels.get("doc_type")),
        genre=genre_of(title),
        written_date=first_date(labels.get("written_date")) or signature.signed,
        published_date=first_date(labels.get("published_date"), meta_value(meta, "published_date")),
        validity=validity_of(labels.get("validity")),
        topic=_value(labels, "topic"),
        addressees=addressees_of(lines),
        body_text="\n".join(lines),
        attachments=[{**a, "title": simplified(a["title"])} for a in attachments_of(root, url)],
        script=script,
    )

    candidates = (
        encoding_flag(decoded.replacements, decoded.encoding),
        spam_flag(x.title, x.issuing_agency),
        doc_number_flag(raw_number, parsed, placeholder=placeholder),
        None if x.body_text else flag(FlagCode.EMPTY_BODY, "no body text found on the page"),
        None if x.written_date or x.published_date else flag(
            FlagCode.MISSING_DATE, "the page shows neither a 成文日期 nor a 发布日期"),
    )
    x.quality_flags = [f for f in candidates if f is not None]
    return x
