"""MinHash signatures of many texts at once, and LSH banding into candidate pairs.

The signatures are datasketch's: the same permutations (``MinHash(num_perm, seed).permutations``,
scheme affine32) over the 32-bit shingle hashes of comparable.window_hashes, so
``datasketch.MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)`` updated with those hashes holds
the same values. They are computed with numpy over thousands of texts per call instead of one
Python object per text: one pass over all shingles of a chunk per permutation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from datasketch import MinHash
from numpy.typing import NDArray

from gongwen.pipelines.dedupe.comparable import SHINGLE, codepoints, window_hashes

NUM_PERM = 128
SEED = 1
# 32 bands of 4 rows: a pair at Jaccard 0.5 becomes a candidate with probability 0.87, at 0.6 with
# 0.988, at 0.7 with 0.9995; a pair at 0.05 with 0.0002.
BANDS, ROWS = 32, 4
# A bucket larger than this is linked as overlapping runs of this many neighbours (still connected).
MAX_BUCKET = 32
CHUNK_CHARS = 4_000_000

_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
_A: NDArray[np.uint32] = np.asarray(_PERMUTATIONS[0], dtype=np.uint32)
_B: NDArray[np.uint32] = np.asarray(_PERMUTATIONS[1], dtype=np.uint32)
_BAND_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def _fmix32(h: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """The MurmurHash3 finalizer, as datasketch applies it before its affine permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def _chunks(lengths: Sequence[int]) -> Iterator[tuple[int, int]]:
    start, size = 0, 0
    for i, length in enumerate(lengths):
        size += length
        if size >= CHUNK_CHARS:
            yield start, i + 1
            start, size = i + 1, 0
    if start < len(lengths):
        yield start, len(lengths)


def _chunk_signatures(texts: Sequence[str]) -> NDArray[np.uint32]:
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    hashes = _fmix32(window_hashes(codepoints("".join(texts))))
    # Windows that start in the last SHINGLE - 1 characters of a text run into the next one.
    valid = np.ones(len(hashes), dtype=bool)
    ends = np.cumsum(lengths)[:-1]
    for j in range(1, SHINGLE):
        valid[ends - SHINGLE + j] = False
    hashes = hashes[valid]
    offsets = np.concatenate([[0], np.cumsum(lengths - SHINGLE + 1)[:-1]])
    signatures = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    permuted = np.empty_like(hashes)
    for p in range(NUM_PERM):
        np.multiply(hashes, _A[p], out=permuted)
        np.add(permuted, _B[p], out=permuted)
        signatures[:, p] = np.minimum.reduceat(permuted, offsets)
    return signatures


def signatures(texts: Sequence[str]) -> NDArray[np.uint32]:
    """One row of NUM_PERM MinHash values per text; every text needs at least SHINGLE characters."""
    if any(len(t) < SHINGLE for t in texts):
        raise ValueError(f"every text needs at least {SHINGLE} characters for a signature")
    result = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    for start, stop in _chunks([len(t) for t in texts]):
        result[start:stop] = _chunk_signatures(texts[start:stop])
    return result


def candidate_pairs(sigs: NDArray[np.uint32]) -> NDArray[np.int64]:
    """Row pairs (i < j, unique) that agree on all ROWS values of at least one band."""
    found = []
    for band in range(BANDS):
        columns = sigs[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
        keys = columns[:, 0].copy()
        for c in range(1, ROWS):
            keys = keys * _BAND_MULTIPLIER + columns[:, c]
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        for distance in range(1, MAX_BUCKET + 1):
            same = ordered[distance:] == ordered[:-distance]
            if not same.any():
                break
            found.append(np.stack([order[:-distance][same], order[distance:][same]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found).astype(np.int64), axis=1)
    codes = np.unique(pairs[:, 0] * len(sigs) + pairs[:, 1])
    return np.stack([codes // len(sigs), codes % len(sigs)], axis=1)


def estimated_similarity(sigs: NDArray[np.uint32], pairs: NDArray[np.int64]) -> NDArray[np.float64]:
    """The MinHash estimate of the Jaccard similarity of each pair: the share of equal values."""
    result = np.empty(len(pairs), dtype=np.float64)
    step = 100_000
    for start in range(0, len(pairs), step):
        chunk = pairs[start : start + step]
        result[start : start + step] = (sigs[chunk[:, 0]] == sigs[chunk[:, 1]]).mean(axis=1)
    return result
