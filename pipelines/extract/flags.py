"""Data-quality findings: spam injection, empty bodies, missing dates, nonstandard 文号, bad encodings."""

from __future__ import annotations

from gongwen.pipelines.normalise.docnumber import DocNumber
from gongwen.pipelines.notice import FlagCode

Flag = dict[str, str]


def flag(code: FlagCode, message: str) -> Flag:
    return {"code": code.value, "message": message}


def spam_flag(found: dict[str, list[str]], notes: list[str]) -> Flag | None:
    """spam_injection, saying which words were found where, and what else was found or done."""
    words = list(dict.fromkeys(w for ws in found.values() for w in ws))
    where = [place for place, ws in found.items() if ws]
    parts = [f"gambling/porn words {', '.join(words)} in {', '.join(where)}"] if words else []
    parts += notes
    return flag(FlagCode.SPAM_INJECTION, "; ".join(parts)) if parts else None


def doc_number_flag(raw: str | None, parsed: DocNumber | None, *, placeholder: bool) -> Flag | None:
    """doc_number_nonstandard when the printed 文号 deviates from GB/T 9704 or cannot be read."""
    if raw is None or placeholder:
        return None
    if parsed is None:
        message = f"文号 {raw!r} could not be read as 代字〔YYYY〕N号 or a 令 number"
    elif not parsed.standard:
        message = f"文号 printed as {raw!r}; GB/T 9704 form is {parsed.normalised}"
    else:
        return None
    return flag(FlagCode.DOC_NUMBER_NONSTANDARD, message)


def encoding_flag(replacements: int, encoding: str) -> Flag | None:
    if replacements == 0:
        return None
    return flag(
        FlagCode.ENCODING_REPLACEMENT,
        f"{replacements} character(s) could not be decoded as {encoding} and were replaced by U+FFFD",
    )
