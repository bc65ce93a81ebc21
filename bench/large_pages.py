"""Large pages: seconds and peak memory of reading one page of 1, 4 and 16 MB (the crawl's cap), made
from a real page of ../shared/real-pages by repeating what makes real pages large.

    .venv/bin/python -m bench.large_pages [--megabytes 1 4 16]

Kinds, each grown from the Jiangxi 统计公报 page (jx_wanzai_xxgk_tjgb_2022_ucap.html, 125 KB), in its body
(``ucapcontent``):

  paragraphs  its body's paragraphs repeated (a long plan: text all the way)
  table       a table of data, row after row, in its body (a 行政处罚 or statistics annex)
  image       one picture pasted into the body as a data: URI (what Word pastes into a CMS)
  script      one inline script in the head (a bundled page library)

Each page is read by read_page in a process of its own (CPU seconds of the reading alone, and the
process's peak resident memory, interpreter and imports included); seconds per MB show whether the cost
grows linearly. The target (issue 20): a 16 MB page in ≤ 2 s and ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "real-pages" / "jx_wanzai_xxgk_tjgb_2022_ucap.html"
URL = "http://www.wanzai.gov.cn/wzxrmzf/tjgb/202303/1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d.shtml"
READ = """
import json, resource, sys, time
from gongwen.pipelines.extract import read_page
body = open(sys.argv[1], "rb").read()
started = time.process_time()
page = read_page(body, sys.argv[2])
print(json.dumps({"seconds": time.process_time() - started, "body": len(page.body_text),
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def grown(kind: str, size: int) -> str:
    """The seed page grown to about ``size`` bytes the way ``kind`` says."""
    page = SEED.read_text(encoding="utf-8")
    body = page[page.index("<ucapcontent>") : page.index("</ucapcontent>")]
    paragraphs = re.findall(r"<p[^>]*>.*?</p>", body, re.DOTALL)
    last = page.index("</ucapcontent>")  # grown inside the body, after its last paragraph
    room = size - len(page.encode())
    rng = random.Random(kind)
    if kind == "paragraphs":
        chunk = "".join(paragraphs)
        return page[:last] + chunk * (room // len(chunk.encode()) + 1) + page[last:]
    if kind == "table":
        row = ("<tr><td>{}</td><td>万载县某某有限公司</td><td>91360922MA3{}</td><td>{}</td>"
               "<td>2022年{}月{}日</td></tr>")
        rows, made = [], 0
        while made < room:
            n = len(rows)
            rows.append(row.format(n, rng.randrange(10**6), rng.choice(["警告", "罚款5000元", "责令改正"]),
                                   n % 12 + 1, n % 28 + 1))
            made += len(rows[-1].encode())
        head = "<tr><th>序号</th><th>名称</th><th>代码</th><th>处罚</th><th>日期</th></tr>"
        table = "<table>" + head + "".join(rows)
        return page[:last] + table + "</table>" + page[last:]
    if kind == "image":
        picture = base64.b64encode(rng.randbytes(room * 3 // 4)).decode()
        return page[:last] + f'<p><img src="data:image/png;base64,{picture}"></p>' + page[last:]
    script = "var data = [" + ",".join(str(rng.randrange(10**6)) for _ in range(room // 7)) + "];"
    return page.replace("</head>", f"<script>{script}</script></head>", 1)


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--megabytes", type=int, nargs="+", default=[1, 4, 16])
    args = parser.parse_args()
    if not SEED.is_file():
        sys.exit(f"no seed page: {SEED} (../shared/real-pages is not here)")
    print(f"{'kind':10} {'MB':>5} {'CPU s':>7} {'s/MB':>6} {'peak MB':>8} {'body chars':>11}")
    with tempfile.TemporaryDirectory() as scratch:
        for kind in ("paragraphs", "table", "image", "script"):
            for megabytes in args.megabytes:
                path = Path(scratch) / f"{kind}-{megabytes}.html"
                path.write_text(grown(kind, megabytes * 2**20), encoding="utf-8")
                size = path.stat().st_size / 2**20
                result = subprocess.run([sys.executable, "-c", READ, path, URL],
                                        capture_output=True, text=True, check=True)
                read = json.loads(result.stdout)
                print(f"{kind:10} {size:5.1f} {read['seconds']:7.2f} {read['seconds'] / size:6.2f}"
                      f" {read['peak'] / 1024:8.0f} {read['body']:11}")


if __name__ == "__main__":
    main()
