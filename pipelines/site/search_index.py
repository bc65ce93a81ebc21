"""The site's search index: written here from the release's records, read by the search page
(site/javascripts/search.js), in shards that the next build reuses.

What a query needs is fetched, nothing else, so search stays fast however many notices there are.
Text is read as search_text.py says (characters and their pairs, after compacting). Each shard is a
folder of gzipped files (``.gz``: the page decompresses them itself, so any host serves them as they
are):

  table.gz      the shard's size, its bucket counts, and per notice the facts search filters and sorts
                by (date, region, source, agency, 文种, genre), as numbers into lists of names
  t/<b>.gz      the postings of the tokens that hash (FNV-1a, 32 bits, of the UTF-8 token) into bucket
                b: per token, the notices holding it, each with whether the title holds it and how often
                the text does (varints)
  k/<b>.gz      the exact keys (the compacted 文号, 索引号 and title) that hash into b: key -> notices
  d/<n>.gz      notice n: its id, title, facts and text, for the result list, its excerpt, and for
                checking that a result holds the query as written

A notice's shard follows from its place in the order the notices arrived (history.arrivals), which
a new version only extends: the places are cut into shards of ``sizes[0]`` notices while a whole one
fits, the rest into shards of the next size, and so on; the last size also makes the last, unfilled
shard. So a night's new notices go to the last shard, which is all that is indexed again. The
layout is a function of the dataset alone: a build from an empty cache makes the same shards.

The cache folder outlives the site folder (which mkdocs empties each build): it holds each shard's
files with the digests of the notices (what search reads of them) it was built from. A shard is
indexed again only when that set changed, and linked into the site's ``searchindex/`` (kept across
builds like the notice pages) only when it is new.
"""

from __future__ import annotations

import bisect
import gzip
import json
import logging
import math
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from gongwen.pipelines.site.search_text import compact, t2s_map, tokens

FORMAT = 1  # of the files below: a cache written in another format is built again
# Notices per shard. A query fetches a bucket per token and shard, so the shards are few and large
# (with small shards for the newest notices, 10,000 notices took 0.7 s a query, not 0.15 s); the
# last, unfilled one is indexed again each night (about 3 ms a notice).
SHARD_SIZES = (5_000,)
BUCKET_BYTES = 8_000  # postings per bucket file of a full shard, about (a smaller shard's are smaller)
KEYS_PER_BUCKET = 400
TITLE, MAX_TF = 16, 15  # a posting's value: TITLE when the title holds the token, plus its count (capped)
FOLDER = "searchindex/"  # in the site
SHARDS_FILE = "shards.json"  # in the site's searchindex/: the shard folders
T2S_FILE = "t2s.json"  # in the site's searchindex/: the traditional characters search simplifies
PAGES_FILE = "pages.json"  # in a cached shard: notice id -> digest of what search reads of it
TABLE = "table.gz"  # a shard's table: written last, so a shard with it is complete
SAFE_ID = re.compile(r"[0-9A-Za-z_-]+")  # notice ids are hex digests; anything else is not a path
FACETS = ("region", "source", "agency", "doc_type", "genre")

Shards = dict[str, dict[str, str]]  # shard name -> {notice id: digest of what search reads}
log = logging.getLogger("mkdocs.hooks.post_build")


@dataclass(frozen=True)
class Entry:
    """What search holds of one notice (strings are "" where the notice has no value)."""

    id: str
    title: str
    doc_number: str  # as printed
    doc_number_normalised: str
    index_number: str
    agency: str
    doc_type: str
    genre: str
    date: str  # published (YYYY-MM-DD)
    region: str  # the province of the source's government, or 中央
    source: str  # the source's name
    body: str


@dataclass(frozen=True)
class Notices:
    """The notices to index: id -> digest of what search reads of it, and what that is."""

    digests: Mapping[str, str]
    entry: Callable[[str], Entry]


def index_notices(
    site_dir: Path, notices: Notices, cache: Path, places: Mapping[str, int] | None = None,
    sizes: Sequence[int] = SHARD_SIZES,
) -> None:
    """Index the notices into ``site_dir/searchindex/``, in shards by their ``places``
    (history.arrivals; by default their order), indexing again only the shards whose notices changed
    since the cache."""
    pages = notices.digests
    target = site_dir / FOLDER
    if not pages:
        shutil.rmtree(target, ignore_errors=True)
        log.info("No notices: no search index (the search page says there is no release)")
        return
    unsafe = [i for i in pages if not SAFE_ID.fullmatch(i)]
    if unsafe:
        raise ValueError(f"not a notice id: {unsafe[0]!r}")
    shards_dir = _shards_dir(cache, sizes)
    built = _cached(shards_dir)
    wanted = layout(pages, places or {page: place for place, page in enumerate(pages)}, sizes)
    for name in built.keys() - wanted.keys():
        shutil.rmtree(shards_dir / name)
    started = time.perf_counter()
    changed = [name for name, members in wanted.items() if built.get(name) != members]
    for name in changed:
        _build(name, wanted[name], shards_dir, notices.entry)
    log.info("Search indexed %d of %d shards (%d notices) in %.1f s",
             len(changed), len(wanted), len(pages), time.perf_counter() - started)
    _link_shards(shards_dir, target, sorted(wanted, key=int))


def layout(pages: Mapping[str, str], places: Mapping[str, int], sizes: Sequence[int]) -> Shards:
    """Each page's shard, by its place: the places (up to the last one given) are cut into shards of
    ``sizes[0]`` while a whole one fits, the rest into shards of ``sizes[1]`` …; a shard is named by
    its first place. A place without a page (a notice withdrawn) leaves its shard one page short."""
    end = max(places.values(), default=-1) + 1
    starts: list[int] = []
    base = 0
    for size in sizes[:-1]:
        whole = (end - base) // size * size
        starts += range(base, base + whole, size)
        base += whole
    starts += range(base, end, sizes[-1])
    shards: Shards = {}
    for page, digest in pages.items():
        start = starts[bisect.bisect_right(starts, places[page]) - 1]
        shards.setdefault(f"{start:06d}", {})[page] = digest
    return shards


def _shards_dir(cache: Path, sizes: Sequence[int]) -> Path:
    """The cached shards, emptied when they were built in another format or to other shard sizes."""
    stamp = {"format": FORMAT, "shard_sizes": list(sizes)}
    stamp_file = cache / "format.json"
    shards_dir = cache / "shards"
    try:
        same = json.loads(stamp_file.read_text(encoding="utf-8")) == stamp
    except (OSError, ValueError):
        same = False
    if not same:
        shutil.rmtree(shards_dir, ignore_errors=True)
        cache.mkdir(parents=True, exist_ok=True)
        stamp_file.write_text(json.dumps(stamp), encoding="utf-8")
    shards_dir.mkdir(parents=True, exist_ok=True)
    return shards_dir


def _cached(shards_dir: Path) -> Shards:
    """The pages of each complete shard in the cache (a shard is renamed into place once written)."""
    cached: Shards = {}
    for shard in sorted(shards_dir.iterdir()):
        try:
            cached[shard.name] = json.loads((shard / PAGES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            shutil.rmtree(shard, ignore_errors=True)  # an interrupted build, or not ours
    return cached


def _build(name: str, members: Mapping[str, str], shards_dir: Path, entry: Callable[[str], Entry]) -> None:
    """Index one shard's notices into the cache (written aside, then renamed into place)."""
    work = shards_dir.parent / "building"
    shutil.rmtree(work, ignore_errors=True)
    write_shard(work / "index", [entry(notice) for notice in members])
    (work / PAGES_FILE).write_text(json.dumps(members), encoding="utf-8")
    shutil.rmtree(shards_dir / name, ignore_errors=True)
    work.rename(shards_dir / name)


def write_shard(folder: Path, entries: Sequence[Entry]) -> None:
    """The files of one shard (see the module's docstring); its table last."""
    postings: dict[str, list[int]] = {}  # token -> notice number, value, notice number, value …
    keys: dict[str, list[int]] = {}
    for number, notice in enumerate(entries):
        title = tokens(compact(notice.title))
        text = tokens(compact(f"{notice.title} {notice.doc_number} {notice.index_number} {notice.agency} "
                              f"{notice.body}"))
        for token, count in text.items():  # the hot loop of a build: kept plain
            value = (count if count < MAX_TF else MAX_TF) + (TITLE if token in title else 0)  # noqa: FURB136
            held = postings.get(token)
            if held is None:
                postings[token] = [number, value]
            else:
                held += (number, value)
        for field in (notice.doc_number, notice.doc_number_normalised, notice.index_number, notice.title):
            key = compact(field)
            if key and number not in keys.setdefault(key, []):
                keys[key].append(number)
        _write(folder / "d" / f"{number}.gz", json.dumps(asdict(notice), ensure_ascii=False).encode())
    # A query fetches a bucket per token and shard: a small shard's buckets are as much smaller.
    size = sum(len(p) for p in postings.values())  # two numbers a posting, about a byte each
    buckets = max(1, math.ceil(size / (BUCKET_BYTES * max(1, len(entries)) / SHARD_SIZES[0])))
    for bucket, chunk in _buckets(postings, buckets).items():
        _write(folder / "t" / f"{bucket}.gz", b"".join(_encoded(token, postings[token]) for token in chunk))
    key_buckets = max(1, math.ceil(len(keys) / KEYS_PER_BUCKET))
    for bucket, chunk in _buckets(keys, key_buckets).items():
        _write(folder / "k" / f"{bucket}.gz",
               json.dumps({key: keys[key] for key in chunk}, ensure_ascii=False).encode())
    _write(folder / TABLE, json.dumps(_table(entries, buckets, key_buckets), ensure_ascii=False).encode())


def _table(entries: Sequence[Entry], buckets: int, key_buckets: int) -> dict[str, object]:
    """The shard's counts and, per facet, the names and each notice's number into them (-1: none)."""
    table: dict[str, object] = {"notices": len(entries), "buckets": buckets, "key_buckets": key_buckets,
                                "date": [int(e.date.replace("-", "") or 0) for e in entries]}
    for facet in FACETS:
        names = sorted({getattr(e, facet) for e in entries} - {""})
        number = {name: n for n, name in enumerate(names)}
        table[facet] = {"names": names, "of": [number.get(getattr(e, facet), -1) for e in entries]}
    return table


def bucket_of(token: str, buckets: int) -> int:
    """FNV-1a (32 bits) of the token's UTF-8, modulo the shard's bucket count (as search.js computes)."""
    digest = 0x811C9DC5
    for byte in token.encode():
        digest = ((digest ^ byte) * 0x01000193) & 0xFFFFFFFF
    return digest % buckets


def _buckets(items: Mapping[str, object], buckets: int) -> dict[int, list[str]]:
    chunks: dict[int, list[str]] = {}
    for item in sorted(items):
        chunks.setdefault(bucket_of(item, buckets), []).append(item)
    return chunks


def _encoded(token: str, postings: Sequence[int]) -> bytes:
    """A token's entry in a bucket: its UTF-8 length and UTF-8, its posting count, the postings' byte
    length, then per posting the gap from the previous notice number and the value, as varints."""
    numbers = postings[0::2]
    gaps = [numbers[0], *map(int.__sub__, numbers[1:], numbers)]
    pairs = [number for pair in zip(gaps, postings[1::2], strict=True) for number in pair]
    body = b"".join(map(_VARINTS.__getitem__, pairs)) if max(pairs) < len(_VARINTS) else _varints(pairs)
    name = token.encode()
    head = bytearray()
    _varint(head, len(name))
    head += name
    _varint(head, len(postings) // 2)
    _varint(head, len(body))
    return bytes(head + body)


def _varints(numbers: Sequence[int]) -> bytes:
    out = bytearray()
    for number in numbers:
        _varint(out, number)
    return bytes(out)


def _varint(out: bytearray, number: int) -> None:
    while number >= 0x80:
        out.append(number & 0x7F | 0x80)
        number >>= 7
    out.append(number)


_VARINTS = [_varints([n]) for n in range(2**14)]  # what a shard's gaps and values nearly all are


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data, compresslevel=6, mtime=0))


def write_t2s(target: Path) -> None:
    """The traditional characters search simplifies, as one string of pairs (traditional, simplified)."""
    pairs = "".join(t + s for t, s in sorted(t2s_map().items()))
    (target / T2S_FILE).write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")


def _link_shards(shards_dir: Path, target: Path, names: Sequence[str]) -> None:
    """The site's ``searchindex/``: the shards ``names`` (linked from the cache, unless the shard
    linked is the cached one already), ``shards.json`` and ``t2s.json``; nothing else."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in target.iterdir():
        if entry.is_dir() and entry.name not in names:
            shutil.rmtree(entry)
    for name in names:
        built, linked = shards_dir / name / "index", target / name
        if not _same_file(built / TABLE, linked / TABLE):
            shutil.rmtree(linked, ignore_errors=True)
            _link_tree(built, linked)
    (target / SHARDS_FILE).write_text(json.dumps(list(names)), encoding="utf-8")
    write_t2s(target)


def _same_file(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other)
    except FileNotFoundError:
        return False


def _link_tree(source: Path, target: Path) -> None:
    """Every file of a shard, its table last (a shard whose table is linked is complete)."""
    for folder, _, files in os.walk(source):
        for file in files:
            path = Path(folder) / file
            if path != source / TABLE:
                _link(path, target / path.relative_to(source))
    _link(source / TABLE, target / TABLE)


def _link(source: Path, target: Path) -> None:
    """A hard link (no copy, no time), or a copy where the two folders are on different disks."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
