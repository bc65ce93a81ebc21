"""Build the site for 2,000 and 10,000 synthetic notices: seconds, peak memory and size of the site.

    .venv/bin/python bench/site_bench.py [COUNT ...]        (default: 2000 10000)

Each count gets a release of generated notices (realistic lengths: a title, a 文号, one of a few
hundred agencies, 15 years, the 15 文种 and a body of about 1,500 characters) in a temporary
dataset folder, published with the real ``publish``; then ``mkdocs build --strict`` runs as
``gongwen site`` runs it, pages plus the search index. Each build runs under ``/usr/bin/time -v``
for its peak memory (resident set of the largest process).
Target on the 2-core machine: 10,000 notices under 120 s, with size and time growing linearly.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from gongwen.pipelines.notice import DOC_TYPES, Notice, notice_id, sha256_text
from gongwen.pipelines.release import Dataset, publish

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["govcn", "sc_qingbaijiang", "sc_meishan", "ha_xinxiang_gxq", "sd_province", "repost_qqjl"]
PLACES = ["眉山市", "青白江区", "新乡市", "山东省", "成都市", "郑州市", "济南市", "乐山市", "南昌市",
          "赣州市"]
OFFICES = ["人民政府", "人民政府办公室", "发展和改革委员会", "财政局", "教育局", "生态环境局",
           "交通运输局", "农业农村局", "应急管理局", "市场监督管理局", "住房和城乡建设局", "卫生健康委员会",
           "科学技术局", "商务局", "文化广电旅游局", "自然资源局", "水利局", "民政局", "人力资源和社会保障局",
           "审计局"]
SUBJECTS = ["防汛抗旱", "安全生产", "营商环境", "乡村振兴", "大气污染防治", "城市更新", "数字政府",
            "科技创新", "冷链物流", "老旧小区改造", "义务教育", "医疗保障", "养老服务", "河湖长制",
            "森林防火", "招商引资"]
GENRES = [None, None, "实施方案", "工作要点", "行动计划", "办法", "规划"]
PHRASES = ["各有关单位要切实提高政治站位", "进一步压紧压实责任", "加强统筹协调和督促检查",
           "确保各项任务落到实处", "建立健全长效机制", "强化要素保障", "加大资金投入力度",
           "严格落实属地管理责任", "及时总结推广典型经验", "定期通报工作进展情况", "推动高质量发展",
           "坚持问题导向和目标导向", "完善考核评价体系", "营造良好社会氛围", "提升群众获得感和满意度"]
NUMERALS = "一二三四五六七八九十"


def synthetic_notice(rng: random.Random, n: int) -> Notice:
    place, office = rng.choice(PLACES), rng.choice(OFFICES)
    agency = place + office
    subject, genre = rng.choice(SUBJECTS), rng.choice(GENRES)
    doc_type = rng.choice(DOC_TYPES)
    year = rng.randint(2011, 2025)
    written = date(year, 1, 1) + timedelta(days=rng.randint(0, 360))
    serial = rng.randint(1, 300)
    code = place[:1] + office[:1] + "发"
    paragraphs = ["各有关单位："]
    for k in range(rng.randint(10, 24)):
        sentence = "，".join(rng.choice(PHRASES) for _ in range(rng.randint(4, 10)))
        paragraphs.append(f"{NUMERALS[k % 10]}、关于{subject}工作。{sentence}。")
    paragraphs += [agency, f"{written.year}年{written.month}月{written.day}日"]
    body = "\n".join(paragraphs)
    url = f"https://www.example{n % 50}.gov.cn/xxgk/{year}/{n}.html"
    flags = [{"code": "doc_number_nonstandard", "message": "printed with [] brackets"}] if n % 17 == 0 else []
    return Notice.model_validate({
        "id": notice_id(url),
        "source_id": SOURCES[n % len(SOURCES)],
        "url": url,
        "retrieved_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        "title": f"{agency}关于印发{subject}{genre or '工作'}的{doc_type}",
        "doc_number": f"{code}〔{year}〕{serial}号",
        "doc_number_raw": f"{code}[{year}]{serial}号",
        "doc_number_parts": {"issuer_code": code, "year": year, "serial": serial},
        "index_number": f"{1000 + n % 97}/{year}-{n:05d}",
        "issuing_agency": agency,
        "doc_type": doc_type,
        "genre": genre,
        "written_date": written,
        "published_date": written + timedelta(days=rng.randint(0, 10)),
        "validity": rng.choice([None, "有效", "失效"]),
        "topic": subject,
        "addressees": ["各县（区）人民政府", "市级各部门"],
        "body_text": body,
        "attachments": [],
        "script": "hans",
        "content_sha256": sha256_text(body),
        "quality_flags": flags,
    })


def released_dataset(count: int, folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "datasets" / "notices" / "dataset.toml", folder)
    rng = random.Random(count)
    publish(Dataset.load(folder), [synthetic_notice(rng, n) for n in range(count)])
    return folder


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def build(dataset: Path, out: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and peak resident memory (KiB) of
    ``mkdocs build --strict`` with the search index. CPU seconds hold steady when other work
    shares the machine; wall seconds do not."""
    env = {**os.environ, "GONGWEN_DATASET": str(dataset), "NO_MKDOCS_2_WARNING": "1",
           "DISABLE_MKDOCS_2_WARNING": "true"}
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
               "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(result.stderr[-4000:])
    def figure(label: str) -> float:
        found = re.search(rf"{label}: ([\d.]+)", result.stderr)
        return float(found.group(1)) if found else 0.0

    cpu = figure(r"User time \(seconds\)") + figure(r"System time \(seconds\)")
    return seconds, cpu, int(figure(r"Maximum resident set size \(kbytes\)"))


def main(counts: list[int]) -> None:
    print(f"{'notices':>8} {'release s':>9} {'site s':>7} {'CPU s':>6} {'ms/notice':>9} {'peak MB':>8} "
          f"{'files':>7} {'site MB':>8} {'index MB':>8} {'KB/notice':>9}")
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        for count in counts:
            started = time.perf_counter()
            dataset = released_dataset(count, Path(tmp) / f"notices-{count}")
            released = time.perf_counter() - started
            out = Path(tmp) / f"site-{count}"
            seconds, cpu, peak_kib = build(dataset, out)
            files, size = folder_size(out)
            _, index = folder_size(out / "searchindex")
            print(f"{count:>8} {released:>9.1f} {seconds:>7.1f} {cpu:>6.1f} {seconds / count * 1000:>9.2f} "
                  f"{peak_kib / 1024:>8.0f} {files:>7} {size / 2**20:>8.1f} {index / 2**20:>8.1f} "
                  f"{size / count / 1024:>9.1f}", flush=True)
            shutil.rmtree(out)
            shutil.rmtree(dataset)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 10000])
