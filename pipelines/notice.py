"""The Notice record, schema v1: the contract of DESIGN.md.

Field names here are published (JSON Schema, CSV columns); they may be added to, never renamed.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationInfo, model_validator

SCHEMA_VERSION = "1.2.0"

# Validation context for a notice that the same code validated before it wrote it (pipelines.read.readings,
# under a fingerprint of this code): the sha256 of its text is not computed again.
VALIDATED = {"validated": True}

# The 15 statutory 文种 of the 2012《党政机关公文处理工作条例》, article 8.
DocType = Literal[
    "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知",
    "通报", "报告", "请示", "批复", "议案", "函", "纪要",
]
DOC_TYPES: tuple[str, ...] = get_args(DocType)


class FlagCode(StrEnum):
    """Data-quality flags a notice may carry; the message says what was found."""

    SPAM_INJECTION = "spam_injection"
    EMPTY_BODY = "empty_body"
    MISSING_DATE = "missing_date"
    DOC_NUMBER_NONSTANDARD = "doc_number_nonstandard"
    ENCODING_REPLACEMENT = "encoding_replacement"
    REPOST = "repost"
    AGENCY_FROM_SITE = "agency_from_site"  # nothing on the page names the issuer: the site's owner is given
    MARKUP_TRUNCATED = "markup_truncated"  # nested deeper than the parser reads: text may be missing
    DATES_DISAGREE = "dates_disagree"  # the shown 发布日期 and the page's meta date are days apart


# A string with at least one visible character (a search pattern, the same in pydantic and JSON Schema).
NonBlank = Annotated[str, Field(min_length=1, pattern=r"\S")]


class QualityFlag(BaseModel):
    """A data-quality finding: a code from the list and a message a person can read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: FlagCode
    message: NonBlank


class DocNumberParts(BaseModel):
    """The parts of a 发文字号: 机关代字, year (absent for 令) and serial."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    issuer_code: NonBlank = Field(description="机关代字, e.g. 国办发")
    year: int | None = Field(ge=1949, le=2100, description="year in 〔〕; null for 令 numbers")
    serial: int = Field(ge=1, description="序号")


class Attachment(BaseModel):
    """A file attached to the notice (附件)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: NonBlank
    url: HttpUrl


class Notice(BaseModel):
    """One government notice (公文) as read from one page."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="Notice",
        json_schema_extra={"examples": []},
        # Fields with a default (set by the release, not read from the page) are in every record.
        json_schema_serialization_defaults_required=True,
    )

    id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$", description="stable id: see notice_id()")]
    source_id: Annotated[
        str,
        Field(
            pattern=r"^[a-z0-9_.-]+$",
            description="source in crawlers/sources.toml, or the host for a one-off parse",
        ),
    ]
    url: HttpUrl = Field(description="canonical URL of the page read")
    retrieved_at: datetime = Field(description="when that page was fetched (UTC)")
    title: NonBlank = Field(description="simplified Chinese, whitespace normalised, site suffixes removed")
    doc_number: str | None = Field(description="发文字号, normalised: 〔〕, ASCII digits, no 第 (except 令)")
    doc_number_raw: str | None = Field(description="发文字号 as printed")
    doc_number_parts: DocNumberParts | None = Field(description="parts of doc_number")
    index_number: str | None = Field(description="索引号 as printed")
    issuing_agency: str | None = Field(description="发文机关 / 发布机构")
    doc_type: DocType | None = Field(description="one of the 15 statutory 文种")
    genre: str | None = Field(
        description="实施方案, 工作要点, 行动计划, 办法, 规划 … when the title names one"
    )
    written_date: date | None = Field(description="成文日期")
    published_date: date | None = Field(description="发布/公开日期")
    validity: Literal["有效", "失效", "废止"] | None = Field(description="validity when the page says")
    topic: str | None = Field(description="主题分类")
    addressees: list[NonBlank] = Field(description="主送机关")
    body_text: str = Field(description="the notice text only; paragraphs separated by \\n")
    attachments: list[Attachment] = Field(description="附件: title and URL")
    script: Literal["hans", "hant"] = Field(description="script the page was published in")
    content_sha256: Annotated[
        str, Field(pattern=r"^[0-9a-f]{64}$", description="sha256 of body_text (UTF-8)")
    ]
    quality_flags: list[QualityFlag] = Field(description="data-quality findings")
    removed_from_source_at: datetime | None = Field(
        default=None,
        description="when a crawl found the page gone from its source (HTTP 404/410 or no longer listed),"
        " UTC; the notice stays published as it was last read; null while the page is there",
    )

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Notice:
        for name in ("retrieved_at", "removed_from_source_at"):
            when = getattr(self, name)
            if when is not None and when.utcoffset() != UTC.utcoffset(None):
                raise ValueError(f"{name} must be a UTC datetime")
        checked = info.context is VALIDATED
        if not checked and self.content_sha256 != sha256_text(self.body_text):
            raise ValueError("content_sha256 is not the sha256 of body_text")
        if (self.doc_number is None) != (self.doc_number_parts is None):
            raise ValueError("doc_number and doc_number_parts must be both set or both null")
        return self


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_TRACKING = re.compile(r"^(utm_[a-z]+|spm|from|share_token)=", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """The URL with the fragment and tracking parameters removed and the host lower-cased."""
    parts = urlsplit(url.strip())
    query = "&".join(p for p in parts.query.split("&") if p and not _TRACKING.match(p))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


@lru_cache(maxsize=1 << 18)  # a release asks for the id of each of 100,000 pages several times
def notice_id(url: str) -> str:
    """The first 16 hex digits of sha256 of the canonical URL without its scheme.

    The page a notice was read from is the one thing that does not change when the extractor
    improves: a 文号 may be read differently, or be reused across issuers. http and https copies of
    one page get the same id.
    """
    without_scheme = canonical_url(url).split("://", 1)[-1]
    return hashlib.sha256(without_scheme.encode("utf-8")).hexdigest()[:16]
