"""How the site's search reads text: the index (search_index.py) and the search page
(site/javascripts/search.js) read it the same way, so a query matches what was indexed.

Chinese has no spaces, and a word segmenter cuts a title one way in a page and another way in a
query (so a whole title could find nothing). Search reads characters instead: each run of CJK
characters as its single characters and its pairs of neighbours (bigrams), each run of ASCII letters
and digits as one token. A query's bigrams are all found in a notice that contains the query, however
it would be segmented. Before that, text is *compacted*: NFKC (full-width digits and letters become
ASCII), lower case, traditional characters simplified one by one (the map is OpenCC's t2s applied to
each character, shipped to the browser as ``t2s.json``), and everything but CJK characters, ASCII
letters and digits dropped, with 第 before a digit: so every printed variant of a 文号 (〔〕 [] ()
【】, full-width digits, spaces, 第N号) compacts to one string, the key search looks it up by.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from gongwen.pipelines.normalise.text import CJK, to_simplified

_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_DROPPED = re.compile(f"[^{CJK}a-z0-9]+")
_ORDINAL = re.compile(r"第(?=[0-9])")
_RUNS = re.compile(f"([{CJK}]+)|([a-z0-9]+)")


@cache
def t2s_map() -> dict[str, str]:
    """Each traditional character that OpenCC's t2s turns into one other character, and that one."""
    pairs = {}
    for start, end in _CJK_RANGES:
        for code in range(start, end + 1):
            char = chr(code)
            simple = to_simplified(char)
            if simple != char and len(simple) == 1:
                pairs[char] = simple
    return pairs


@cache
def _t2s_table() -> dict[int, str]:
    return str.maketrans(t2s_map())


def compact(text: str) -> str:
    """The text as search compares it (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_t2s_table())
    return _ORDINAL.sub("", _DROPPED.sub("", text))


def tokens(compacted: str) -> Counter[str]:
    """The tokens of compacted text and how often each occurs: every CJK character and bigram, every
    run of ASCII letters and digits."""
    found: list[str] = []
    for cjk, word in _RUNS.findall(compacted):
        if word:
            found.append(word)
        else:
            found += cjk
            found += map(str.__add__, cjk, cjk[1:])
    return Counter(found)
