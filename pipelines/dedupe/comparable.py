"""Text as dedupe compares it, and its five-character shingles.

Copies of one notice differ in script (content farms convert to traditional), in injected pinyin
glosses (辦(ban)公廳), in full-width digits, spacing, line breaks and punctuation. None of that is a
difference in the text, so all of it is folded away before two texts are compared.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from gongwen.pipelines.normalise.text import strip_pinyin_glosses, to_simplified

SHINGLE = 5  # characters per shingle: long enough that unrelated notices share few
_NOT_WORD = re.compile(r"[\W_]+")
_GLOSS_HINT = re.compile(r"[(（]\s*[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]")
_MULTIPLIER = np.uint64(0x100000001B3)


def comparable(text: str) -> str:
    """The text with glosses stripped, in simplified script, NFKC-folded (full-width digits and
    letters), lower-cased, and without whitespace or punctuation."""
    if _GLOSS_HINT.search(text):  # a quick look first: most texts have no gloss to strip
        text = strip_pinyin_glosses(text)
    # Punctuation goes before NFKC, which takes its slow path on full-width punctuation.
    words = _NOT_WORD.sub("", to_simplified(text))
    if not unicodedata.is_normalized("NFKC", words):
        words = _NOT_WORD.sub("", unicodedata.normalize("NFKC", words))
    return words.lower()


def codepoints(text: str) -> NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def window_hashes(points: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """A 32-bit hash of every run of SHINGLE consecutive code points (len(points) - SHINGLE + 1 of
    them): a polynomial over the code points modulo 2**64, folded to 32 bits."""
    count = len(points) - SHINGLE + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint32)
    wide = points.astype(np.uint64)
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):
        hashes *= _MULTIPLIER
        hashes += wide[offset : offset + count]
    hashes ^= hashes >> np.uint64(32)
    return hashes.astype(np.uint32)


def shingles(text: str) -> NDArray[np.uint32]:
    """The distinct shingle hashes of an already comparable text; a text shorter than a shingle is
    one shingle of its own."""
    points = codepoints(text)
    if 0 < len(points) < SHINGLE:
        points = np.concatenate([points, np.zeros(SHINGLE - len(points), dtype=np.uint32)])
    return np.unique(window_hashes(points))


class Overlap(NamedTuple):
    """How two comparable texts differ: the Jaccard similarity of their shingle sets, and how many
    shingles are in one and not the other (one changed character changes up to 2 × SHINGLE)."""

    similarity: float
    changed: int


def overlap(a: str, b: str) -> Overlap:
    if a == b:
        return Overlap(1.0, 0)
    sa, sb = shingles(a), shingles(b)
    common = len(np.intersect1d(sa, sb, assume_unique=True))
    union = len(sa) + len(sb) - common
    return Overlap(common / union if union else 1.0, union - common)
