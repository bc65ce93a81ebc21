"""Pages mutated at random (cut short, bytes flipped, tags repeated, encodings swapped) through `gongwen
parse` and `gongwen list-page`: a page is read, or refused in one line with status 1 or 2; never a
traceback, and never more than 2 CPU seconds a page.

The pages are the sample web's notice and list pages, and the real pages of ../shared/real-pages when
it is here. The mutations are drawn from a fixed seed, so a failure is the same on every run.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gongwen.crawlers.sampleweb.render import SampleWeb
from gongwen.pipelines.cli import main
from tests.conftest import ROOT

MUTATIONS_PER_PAGE = 3
MAX_CPU_SECONDS = 2.0


def _cut(page: bytes, rng: random.Random) -> bytes:
    return page[: rng.randrange(len(page) + 1)]


def _flipped(page: bytes, rng: random.Random) -> bytes:
    flipped = bytearray(page)
    for _ in range(rng.randrange(1, 64)):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    return bytes(flipped)


def _tags_repeated(page: bytes, rng: random.Random) -> bytes:
    """An opening tag of the page repeated many times where it stands (deep or endless nesting)."""
    starts = [i for i in range(len(page)) if page[i : i + 1] == b"<" and page[i + 1 : i + 2].isalpha()]
    start = rng.choice(starts)
    end = page.find(b">", start) + 1 or len(page)
    return page[:end] + page[start:end] * rng.choice([2, 300, 5000]) + page[end:]


def _encoding_swapped(page: bytes, rng: random.Random) -> bytes:
    """The text in another encoding than the page declares (or the bytes read as another one)."""
    text = page.decode("utf-8", errors="replace")
    if rng.random() < 0.5:
        return text.encode(rng.choice(["gb18030", "utf-16", "big5"]), errors="replace")
    return page.decode("latin-1").encode("utf-8")


MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [_cut, _flipped, _tags_repeated, _encoding_swapped]


def _pages() -> list[tuple[str, bytes]]:
    """(url, body) of every sample-web notice and list page, and of the real pages here."""
    served = sorted(SampleWeb().resources.items())
    pages = [(f"http://{host}{path}", resource.body) for (host, path), resource in served
             if resource.status == 200 and resource.content_type.startswith("text/html")]
    real = ROOT.parent / "shared" / "real-pages"
    pages += [(f"https://www.example.gov.cn/{path.stem}.html", path.read_bytes())
              for path in (sorted(real.glob("*.html")) if real.is_dir() else [])]
    return pages


def test_mutated_pages_are_read_or_refused_in_one_line_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = random.Random(20261208)
    tried = 0
    slowest = (0.0, "")
    for url, body in _pages():
        for _ in range(MUTATIONS_PER_PAGE):
            mutation = rng.choice(MUTATIONS)
            path = tmp_path / "page.html"
            path.write_bytes(mutation(body, rng))
            what = f"{mutation.__name__} of {url}"
            for command in (["parse", str(path), "--url", url], ["list-page", str(path), "--url", url]):
                started = time.process_time()
                status = main(command)  # an exception here is the traceback a user would see
                seconds = time.process_time() - started
                slowest = max(slowest, (seconds, f"{command[0]} of the {what}"))
                assert status in (0, 1, 2), what
                err = capsys.readouterr().err
                if status:
                    assert len(err.strip().splitlines()) == 1, (what, err)
                    assert err.startswith(f"gongwen {command[0]}: "), (what, err)
            tried += 1
    assert tried >= 3 * 80, tried  # the sample web alone has more than 80 pages
    assert slowest[0] <= MAX_CPU_SECONDS, slowest
