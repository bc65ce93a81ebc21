"""Bytes → text: refuse what is not an HTML page, find the charset, decode it (gb2312/gbk as gb18030)."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass


class NotAPage(ValueError):  # noqa: N818 - the name the rest of the pipeline uses
    """The bytes are not an HTML page that can be read (empty, binary, JSON, undecodable)."""

    def __init__(self, message: str) -> None:
        message = " ".join(message.split())  # always one line
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    replacements: int  # U+FFFD characters in the decoded text


# Magic numbers of the binary files a crawl meets in place of pages.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (or docx/xlsx/ofd)"),
    (b"\xd0\xcf\x11\xe0", "an OLE file (doc/xls/wps)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7z archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF media file"),
)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/plain")
_NOT_HTML_TYPES = ("application/json", "application/pdf", "image/", "audio/", "video/", "font/")

# Labels Python does not know, and codecs that must be read as a superset: pages declaring gb2312
# carry GBK/GB18030 characters (WHATWG maps gb2312 to GBK; GB18030 is a superset of both).
_LABELS = {"x-gbk": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030", "x-euc-cn": "gb18030"}
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "iso8859-1": "cp1252", "ascii": "utf-8",
}
# Charsets a server sends by default, which a declaration in the page may overrule.
_WEAK_HEADER = frozenset({"cp1252", "utf-8"})

_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
# Inside any <meta …> (http-equiv typos such as httpequiv="ContentType" included) or an XML declaration.
_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"<\?xml[^>]{0,100}encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
_MARKUP = re.compile(
    r"<\s*(?:html|head|body|div|p|table|meta|title|span|td|a|br|h[1-6]|ul|li)\b", re.IGNORECASE
)

MAX_REPLACEMENT_SHARE = 0.2


def _codec(name: str | None) -> str | None:
    """The Python codec for a charset label, widened to its superset; None when unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _LABELS.get(label, label)
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def sniff_binary(body: bytes) -> str | None:
    """What the bytes are, when they are a known binary format; None otherwise."""
    head = body.lstrip()[:8]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    sample = body[:2048]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary data (NUL bytes)"
    return None


def _looks_like_json(body: bytes) -> bool:
    stripped = body.strip()
    if stripped[:1] not in (b"{", b"["):
        return False
    try:
        json.loads(stripped.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The codec to try first: BOM, then the header charset (unless a server default that the page
    overrules), then a <meta> or XML declaration in the first 4 KB."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    header = None
    if content_type and (m := _HEADER_CHARSET.search(content_type)):
        header = _codec(m.group(1))
    head = body[:4096]
    meta = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    in_page = _codec(meta.group(1).decode("ascii", errors="ignore")) if meta else None
    if header and (header not in _WEAK_HEADER or in_page is None):
        return header
    return in_page or header


def decode_page(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a fetched page, or raise NotAPage with a one-line reason."""
    if not body or not body.strip():
        raise NotAPage("empty response body")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime.startswith(_NOT_HTML_TYPES):
        raise NotAPage(f"not HTML: Content-Type is {mime}")
    if (what := sniff_binary(body)) is not None:
        raise NotAPage(f"not HTML: the bytes are {what}")
    if _looks_like_json(body):
        raise NotAPage("not HTML: the bytes are a JSON document")
    text, encoding = _decode(body, declared_charset(body, content_type))
    text = text.removeprefix("\ufeff")
    replacements = text.count("\ufffd")
    if replacements > MAX_REPLACEMENT_SHARE * len(text):
        raise NotAPage(f"undecodable: {replacements} of {len(text)} characters are not {encoding}")
    if not _MARKUP.search(text[:65536]):
        kind = mime or "text without HTML markup"
        raise NotAPage(f"not HTML: no HTML markup found ({kind})")
    return Decoded(text, encoding, replacements)


def _decode(body: bytes, declared: str | None) -> tuple[str, str]:
    """A BOM's codec; else UTF-8 when the bytes are valid UTF-8 (pages declaring gb2312 are served as
    UTF-8 often enough, and GBK or Big5 text of any length is never valid UTF-8); else the declared
    codec; else the likelier of GB18030 and Big5. Undecodable bytes become U+FFFD.

    A Western single-byte declaration (a server's ISO-8859-1 default) counts as none: on a Chinese
    page it is always wrong."""
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec = declared or "utf-8"
        return body.decode(codec, errors="replace"), codec
    if declared == "cp1252":
        declared = None
    for codec in dict.fromkeys(c for c in ("utf-8", declared) if c):
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    if declared in (None, "utf-8"):
        text = body.decode("utf-8", errors="replace")
        if text.count("\ufffd") <= max(3, len(text) // 1000):  # a UTF-8 page with a few broken bytes
            return text, "utf-8"
        declared = guess_chinese_codec(body)
    return body.decode(declared, errors="replace"), declared


# Where the commonest characters sit: GB2312 level 1 (lead bytes B0–D7) and Big5 常用字 (A4–C6).
_COMMON_LEADS = {"gb18030": (0xB0, 0xD7, "gb2312"), "big5hkscs": (0xA4, 0xC6, "big5")}
_SAMPLE_CHARS = 3000


def _common_share(text: str, codec: str) -> float:
    low, high, table = _COMMON_LEADS[codec]
    chars = [c for c in text[: _SAMPLE_CHARS * 4] if c >= "\u4e00"][:_SAMPLE_CHARS]
    if not chars:
        return 0.0
    common = 0
    for c in chars:
        try:
            encoded = c.encode(table)
        except UnicodeEncodeError:
            continue
        common += low <= encoded[0] <= high
    return common / len(chars)


def guess_chinese_codec(body: bytes) -> str:
    """GB18030 or Big5 for bytes that declare nothing and are not UTF-8: the reading in which more of
    the characters are common ones (misread bytes come out as rare characters or as U+FFFD)."""
    scores = {}
    for codec in _COMMON_LEADS:
        text = body[: _SAMPLE_CHARS * 8].decode(codec, errors="replace")
        scores[codec] = _common_share(text, codec) - text.count("\ufffd") / max(1, len(text)) * 10
    return max(scores, key=lambda codec: scores[codec])
