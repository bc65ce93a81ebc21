"""read_page: one saved HTML page → the Notice fields it shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from gongwen.pipelines.extract.agency import Agency, choose_agency, site_owner, title_agency
from gongwen.pipelines.extract.body import body_lines, find_container, text_outside_grids
from gongwen.pipelines.extract.decode import Decoded, NotAPage, decode_page
from gongwen.pipelines.extract.dom import BODY_MARK, TRUNCATED, Element, lines_of, parse_html
from gongwen.pipelines.extract.fields import (
    Titles,
    Validity,
    choose_doc_number,
    choose_title,
    doc_type_from_label,
    first_date,
    titles_of,
    validity_of,
)
from gongwen.pipelines.extract.flags import Flag, doc_number_flag, encoding_flag, flag, spam_flag
from gongwen.pipelines.extract.hostile import (
    Cleaned,
    hidden_link_finding,
    remove_spam,
    title_mismatch,
    vocabulary,
)
from gongwen.pipelines.extract.labels import (
    collect,
    inline_pairs,
    is_label_line,
    meta_value,
    read_meta,
    structural_pairs,
)
from gongwen.pipelines.extract.letter import HEAD_LINES, Signature, addressees_of, signature_of, trim_head
from gongwen.pipelines.extract.links import attachments_of
from gongwen.pipelines.extract.list_pages import not_a_notice
from gongwen.pipelines.extract.spam import spam_words, strip_words
from gongwen.pipelines.normalise.dates import find_date
from gongwen.pipelines.normalise.docnumber import DocNumber, find_doc_number, split_title_number
from gongwen.pipelines.normalise.doctype import doc_type_of, genre_of
from gongwen.pipelines.normalise.text import (
    detect_script,
    normalise_space,
    strip_pinyin_glosses,
    to_simplified,
)
from gongwen.pipelines.notice import DocType, FlagCode

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


def _date_under_title(above: list[str], title: str | None) -> date | None:
    """A date on the lines between the heading and the body ("2023-05-06 10:20 来源：…"), not on a
    labelled line: those dates are read with their labels' meanings (a 成文日期 is no 发布日期)."""
    compact = (title or "").replace(" ", "")
    starts = [i for i, line in enumerate(above) if compact and line.replace(" ", "") == compact]
    under = [line for line in above[starts[-1] + 1:] if not is_label_line(line)] if starts else []
    return next((d for line in under if len(line) <= 80 and (d := find_date(line)) is not None), None)


def _clean(text: str) -> str:
    return strip_words(text, spam_words(text))


def read_page(body: bytes, url: str, content_type: str | None = None) -> Extracted:
    """Read one fetched page into Notice fields; raise NotAPage when it is not a readable HTML page or
    not a notice (a list page, an error page)."""
    page = _parse(body, content_type)
    text = _read_text(page)
    x = _extracted(page, text, url)
    if not (x.doc_number_raw or x.index_number or x.written_date):  # a notice shows one of them
        reason = not_a_notice(page.root, page.decoded.text, x.title, text.cleaned.lines, page.outside)
        if reason is not None:
            raise NotAPage(reason)
    x.quality_flags = _flags(page, text, x, url)
    return x


@dataclass(frozen=True, slots=True)
class _Page:
    """A page parsed: its meta, its lines around the body container and the labelled values it shows."""

    decoded: Decoded
    root: Element
    meta: dict[str, str]
    site_name: str | None
    above: list[str]  # its lines above the body container (all of them when it has none)
    outside: list[str]  # its lines outside the container
    body: list[str]  # the container's lines
    labels: dict[str, str]
    prose: list[str] | None  # the container's lines without its tables of data (None: it has none)


def _parse(body: bytes, content_type: str | None) -> _Page:
    decoded = decode_page(body, content_type)
    root = parse_html(decoded.text)
    meta = read_meta(root)
    site_name = meta_value(meta, "site_name")
    container, skip = find_container(root)
    page = lines_of(root, skip)
    above = page[: page.index(BODY_MARK)] if BODY_MARK in page else page
    outside = [line for line in page if line != BODY_MARK]
    raw_body = body_lines(container) if container is not None else []
    labels = collect(structural_pairs(root, skip) + inline_pairs(outside + raw_body[:HEAD_LINES]))
    prose = text_outside_grids(container) if container is not None else None
    return _Page(decoded, root, meta, site_name, above, outside, raw_body, labels, prose)


@dataclass(frozen=True, slots=True)
class _Text:
    """What the page says, in simplified Chinese whatever its script: its title and body freed of
    injected words, its 文号, who issued it, and its other labelled values."""

    titles: Titles
    printed_title: str | None  # as printed, without a 文号 it carried
    script: Literal["hans", "hant"]
    simplified: Callable[[str], str]
    raw_number: str | None  # the 文号 as printed: its row's, else the body's, the lines above or the title's
    number: DocNumber | None  # raw_number read
    placeholder: bool  # the 文号 row said 无/—/空 and the page shows none
    labels: dict[str, str]  # the 文号 row aside
    agency: Agency | None
    signature: Signature
    cleaned: Cleaned


def _read_text(page: _Page) -> _Text:
    titles = titles_of(page.labels, page.meta, page.root)
    printed_title = choose_title(titles, page.site_name, lambda t: spam_words(to_simplified(t)))
    printed_title, number_in_title = split_title_number(printed_title)
    head = trim_head(page.body, printed_title)
    printed_lines = [strip_pinyin_glosses(line) for line in head.lines]
    script = detect_script(f"{printed_title or ''}\n" + "\n".join(printed_lines))
    simplified = to_simplified if script == "hant" else _same  # text fields are always simplified
    title = simplified(strip_pinyin_glosses(printed_title)) if printed_title else None
    lines = [simplified(line) for line in printed_lines]
    # The signature is read outside the body's tables of data (a row's company and date is none).
    signature = signature_of(lines if page.prose is None else [simplified(line) for line in page.prose])
    number_in_page = (
        head.doc_number or find_doc_number("\n".join(page.above[-ABOVE_BODY_LINES:])) or number_in_title
    )
    raw_number, parsed, placeholder = choose_doc_number(page.labels.get("doc_number"), number_in_page)
    labels = {key: simplified(value) for key, value in page.labels.items() if key != "doc_number"}
    agency = choose_agency(
        (labels.get("issuer"), signature.agency, title_agency(title)),
        (labels.get("publisher"), simplified(meta_value(page.meta, "publisher") or "")),
        page.site_name,
    ) or site_owner(page.site_name)
    cleaned = remove_spam(title, lines, agency.name if agency and agency.formal else None)
    return _Text(
        titles, printed_title, script, simplified, raw_number, parsed, placeholder, labels, agency, signature,
        cleaned,
    )


def _extracted(page: _Page, text: _Text, url: str) -> Extracted:
    """The Notice fields but its quality flags."""
    labels, parsed, cleaned = text.labels, text.number, text.cleaned
    return Extracted(
        title=cleaned.title,
        doc_number=parsed.normalised if parsed else None,
        doc_number_raw=text.raw_number,
        doc_number_parts=parsed.parts() if parsed else None,
        index_number=_value(labels, "index_number"),
        issuing_agency=text.agency.name if text.agency else None,
        doc_type=doc_type_of(cleaned.title, parsed.normalised if parsed else None)
        or doc_type_from_label(labels.get("doc_type")),
        genre=genre_of(cleaned.title),
        written_date=first_date(labels.get("written_date")) or text.signature.signed,
        published_date=first_date(labels.get("published_date"), meta_value(page.meta, "published_date"))
        or _date_under_title(page.above, text.printed_title),
        validity=validity_of(labels.get("validity")),
        topic=_clean(_value(labels, "topic") or "") or None,
        addressees=addressees_of(cleaned.lines),
        body_text="\n".join(cleaned.lines),
        attachments=[
            {**a, "title": _clean(text.simplified(a["title"])) or a["url"]}
            for a in attachments_of(page.root, url)
        ],
        script=text.script,
    )


DATES_APART = 7  # days between the shown and the meta 发布日期 past which the reader is told


def _dates_flag(shown: date | None, meta: date | None) -> Flag | None:
    """The shown 发布日期 wins over the meta date (often a re-publication stamp years later); when they
    are more than a few days apart, the record says so."""
    if shown is None or meta is None or abs((meta - shown).days) <= DATES_APART:
        return None
    return flag(FlagCode.DATES_DISAGREE, f"the page shows 发布日期 {shown.isoformat()}; its meta date says "
                f"{meta.isoformat()} (the shown date is given)")


def _flags(page: _Page, text: _Text, x: Extracted, url: str) -> list[Flag]:
    """What the page shows a reader should be warned of: a broken encoding, spam, a 文号 out of form, no
    body, no date."""
    titles, meta = text.titles, page.meta
    found = text.cleaned.found | vocabulary({
        "<title>": titles.page, "the meta title": titles.meta, "the heading": titles.heading,
        "the meta keywords": meta.get("keywords"), "the meta description": meta.get("description"),
        "the page's other text": " ".join(page.outside),
    })
    notes = [
        *text.cleaned.notes,
        hidden_link_finding(page.root, url),
        title_mismatch(titles.shown(), (page.site_name or "", meta.get("columnname") or "")),
    ]
    candidates = (
        encoding_flag(page.decoded.replacements, page.decoded.encoding),
        spam_flag(found, [note for note in notes if note]),
        doc_number_flag(text.raw_number, text.number, placeholder=text.placeholder),
        None if x.body_text else flag(FlagCode.EMPTY_BODY, "no body text found on the page"),
        flag(FlagCode.AGENCY_FROM_SITE, f"the page names no issuing agency; the site's owner "
             f"({x.issuing_agency}, its SiteName) is given") if text.agency and text.agency.assumed else None,
        _dates_flag(x.published_date, first_date(meta_value(meta, "published_date"))),
        flag(FlagCode.MARKUP_TRUNCATED, "the page's markup nests deeper than the parser reads: text after "
             "that depth may be missing") if page.root.get(TRUNCATED) else None,
        None if x.written_date or x.published_date else flag(
            FlagCode.MISSING_DATE, "the page shows neither a 成文日期 nor a 发布日期"),
    )
    return [f for f in candidates if f is not None]
