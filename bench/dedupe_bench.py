"""Dedupe 100,000 synthetic notices with 10% planted copies: seconds, peak memory, precision, recall.

    .venv/bin/python bench/dedupe_bench.py [--notices 100000] [--seed 7]

Originals are government notices with bodies built from a vocabulary of a few hundred policy words
(1 to 30 numbered paragraphs: 80 to about 5,000 characters, median 700), 60% with a 文号. A tenth
of the notices are planted copies of originals, in four kinds: exact (another government site),
reformatted (spacing, blank lines, full-width digits, ASCII commas), traditional (a content farm:
traditional script and pinyin glosses) and altered (one paragraph, or one sentence of a short
notice, rewritten); 30% of the copies of a numbered original drop the 文号. Hard negatives that
must stay apart are planted too: the same 文号 from another issuer (half of them with the same
generic title), the next year's edition of a yearly notice, and 转发 notices that quote the whole
original.

Precision and recall are over pairs: a pair is predicted when both notices land in one group, and
true when one is a planted copy of the other or both are copies of one original. Targets: under
60 s, under 2 GB, precision and recall above 0.98. Wall seconds depend on what else the machine
runs, so CPU seconds and the load average are printed beside them.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import opencc

from gongwen.crawlers.registry import load_sources
from gongwen.pipelines.dedupe import DedupeResult, dedupe
from gongwen.pipelines.notice import Notice, notice_id, sha256_text

PLACES = [
    "眉山市", "乐山市", "成都市", "德阳市", "绵阳市", "南充市", "宜宾市", "泸州市", "达州市", "遂宁市",
    "新乡市", "郑州市", "洛阳市", "开封市", "安阳市", "济南市", "青岛市", "烟台市", "潍坊市", "临沂市",
    "南昌市", "赣州市", "九江市", "上饶市", "吉安市", "长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市",
    "东坡区", "青白江区", "郫都区", "双流区", "仁寿县", "彭山区", "洪雅县", "丹棱县", "青神县", "夹江县",
]
OFFICES = [
    "人民政府", "人民政府办公室", "发展和改革委员会", "财政局", "教育局", "生态环境局", "交通运输局",
    "农业农村局", "应急管理局", "市场监督管理局", "住房和城乡建设局", "卫生健康委员会", "科学技术局",
    "商务局", "文化广电旅游局", "自然资源局", "水利局", "民政局", "人力资源和社会保障局", "审计局",
]
ADDRESSEES = [
    "各有关单位：", "各县（区）人民政府，市级各部门：", "各乡镇人民政府、街道办事处：", "各园区管委会：",
]
MODIFIERS = [
    "全面", "持续", "深入", "积极", "稳妥", "有序", "精准", "高效", "系统", "扎实", "切实", "大力",
    "进一步", "统筹", "分类", "因地制宜", "依法", "严格", "加快", "不断",
]
VERBS = [
    "推进", "深化", "完善", "健全", "落实", "加强", "强化", "提升", "优化", "规范", "推动", "建立",
    "构建", "实施", "开展", "组织", "保障", "支持", "引导", "鼓励", "培育", "发展", "促进", "巩固",
    "拓展", "整治", "治理", "防范", "化解", "监管", "督促", "指导", "协调", "保护", "修复", "改造",
    "建设", "打造", "壮大", "提高", "降低", "简化", "压缩", "清理", "排查", "整改", "考核", "评估",
    "监测", "宣传", "培训", "扶持", "补助", "奖励", "调度", "衔接", "服务", "审批", "备案", "公示",
]
NOUNS = [
    "体制机制", "政务服务", "营商环境", "市场主体", "中小企业", "民营经济", "产业链", "供应链", "人才队伍",
    "基础设施", "交通网络", "水利工程", "能源保障", "粮食安全", "耕地保护", "生态环境", "大气污染",
    "水污染", "土壤污染", "固体废物", "城乡规划", "老旧小区", "城市更新", "乡村振兴", "人居环境",
    "农民收入", "就业创业", "社会保障", "养老服务", "托育服务", "医疗卫生", "公共卫生", "疾病防控",
    "食品安全", "药品监管", "安全生产", "应急管理", "防灾减灾", "森林防火", "防汛抗旱", "消防救援",
    "社会治安", "矛盾纠纷", "基层治理", "网格化管理", "数字政府", "数据共享", "政务公开", "信用体系",
    "知识产权", "科技成果", "研发投入", "高新技术企业", "数字经济", "现代服务业", "先进制造业",
    "文化旅游", "体育事业", "教育资源", "义务教育", "职业教育", "住房保障", "物业管理", "物流配送",
    "冷链物流", "电子商务", "对外开放", "招商引资", "重大项目", "财政资金", "专项债券", "税费优惠",
    "普惠金融", "统计监测", "审计监督", "行政执法", "法治政府", "民生实事", "河湖长制", "污水处理",
    "垃圾分类", "充电设施", "停车设施", "背街小巷", "农贸市场", "校园安全", "燃气管道", "危险化学品",
    "建筑工地", "道路运输", "农田水利", "种业振兴", "高标准农田", "畜禽养殖", "林业草原", "文物保护",
]
LINKS = ["的", "和", "与", "及", "中的", "领域", "方面的", "相关"]
NUMERALS = "一二三四五六七八九十"
PINYIN = ["ban", "gong", "zheng", "fu", "shi", "zhi", "guan", "li", "fa", "zhan", "yu", "fang"]
GOVERNMENT = ["govcn", "sc_qingbaijiang", "sc_meishan", "ha_xinxiang_gxq", "sd_province"]
HOSTS = {s.id: s.allowed_hosts[0] for s in load_sources()}
KINDS = ("exact", "reformatted", "traditional", "altered")
RETRIEVED = datetime(2026, 3, 1, tzinfo=UTC)


class Generator:
    """Synthetic originals, planted copies and hard negatives, with the truth of which is which."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.s2t = opencc.OpenCC("s2t")
        self.serials: Counter[tuple[str, int]] = Counter()
        self.notices: list[Notice] = []
        self.truth: list[int] = []  # the original each notice is (a copy of)
        self.kind: list[str] = []
        self.forwarded: dict[int, int] = {}  # 转发 notice → the original it forwards

    def sentence(self) -> str:
        rng = self.rng
        clauses = []
        for _ in range(rng.randint(2, 5)):
            words = [rng.choice(MODIFIERS), rng.choice(VERBS), rng.choice(NOUNS)]
            if rng.random() < 0.5:
                words += [rng.choice(LINKS), rng.choice(NOUNS)]
            if rng.random() < 0.2:
                words.append(f"，到{rng.randint(2021, 2030)}年达到{rng.randint(2, 98)}%以上")
            clauses.append("".join(words))
        return "，".join(clauses) + "。"

    def paragraph(self, k: int) -> str:
        return f"{NUMERALS[k % 10]}、" + "".join(self.sentence() for _ in range(self.rng.randint(1, 4)))

    def original(
        self, *, numbered: bool, agency: str | None = None, year: int | None = None
    ) -> dict[str, Any]:
        rng = self.rng
        place, office = rng.choice(PLACES), rng.choice(OFFICES)
        agency = agency or place + office
        year = year or rng.randint(2012, 2025)
        subject = rng.choice(VERBS) + rng.choice(NOUNS)
        paragraphs = [rng.choice(ADDRESSEES), f"为{subject}，现将{year}年有关工作通知如下。"]
        paragraphs += [self.paragraph(k) for k in range(min(30, 1 + int(rng.lognormvariate(1.4, 0.7))))]
        paragraphs += [agency, f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日"]
        fields: dict[str, Any] = {
            "title": f"{agency}关于做好{year}年{subject}工作的通知",
            "issuing_agency": agency,
            "published_date": date(year, 1, 1) + timedelta(days=rng.randint(0, 360)),
            "paragraphs": paragraphs,
            "doc_number": None,
        }
        if numbered:
            code = agency[:1] + office[:1] + "发"
            self.serials[code, year] += 1
            fields["doc_number"] = f"{code}〔{year}〕{self.serials[code, year]}号"
            fields["paragraphs"] = [fields["doc_number"], *paragraphs]
        return fields

    def add(self, fields: dict[str, Any], source_id: str, truth: int | None, kind: str) -> int:
        index = len(self.notices)
        url = f"https://{HOSTS[source_id]}/bench/{index}.html"
        body = "\n".join(fields["paragraphs"])
        number = fields["doc_number"]
        parts = None
        if number:
            code, rest = number.split("〔")
            year, serial = rest.removesuffix("号").split("〕")
            parts = {"issuer_code": code, "year": int(year), "serial": int(serial)}
        record = {
            "id": notice_id(url), "source_id": source_id, "url": url, "retrieved_at": RETRIEVED,
            "title": fields["title"], "doc_number": number, "doc_number_raw": number,
            "doc_number_parts": parts, "index_number": None, "issuing_agency": fields["issuing_agency"],
            "doc_type": "通知", "genre": None, "written_date": None,
            "published_date": fields["published_date"], "validity": None, "topic": None,
            "addressees": [], "body_text": body, "attachments": [],
            "script": fields.get("script", "hans"), "content_sha256": sha256_text(body), "quality_flags": [],
        }
        self.notices.append(Notice.model_validate(record))
        self.truth.append(index if truth is None else truth)
        self.kind.append(kind)
        return index

    def copy(self, fields: dict[str, Any], kind: str) -> tuple[dict[str, Any], str]:
        rng = self.rng
        copied = dict(fields)
        paragraphs = list(fields["paragraphs"])
        if fields["doc_number"] and rng.random() < 0.3:  # a repost without the 文号
            copied["doc_number"] = None
            paragraphs = paragraphs[1:]
        source = rng.choice(GOVERNMENT)
        if kind == "reformatted":
            paragraphs = ["\u3000\u3000" + p.replace("，", ", ").translate(_FULL_WIDTH) for p in paragraphs]
            paragraphs = [p for para in paragraphs for p in (para, "")]
        elif kind == "traditional":
            source = "repost_qqjl"
            copied["title"] = self.traditional(fields["title"])
            copied["issuing_agency"] = "巧巧简历站"
            copied["script"] = "hant"
            paragraphs = [self.traditional(p) for p in paragraphs]
        elif kind == "altered":
            content = [k for k, p in enumerate(paragraphs) if p[:1] in NUMERALS and p[1:2] == "、"]
            k = rng.choice(content)
            if len(content) >= 4:
                paragraphs[k] = self.paragraph(k)
            else:
                sentences = paragraphs[k].split("。")
                sentences[0] = self.sentence().removesuffix("。")
                paragraphs[k] = "。".join(sentences)
        copied["paragraphs"] = paragraphs
        return copied, source

    def traditional(self, text: str) -> str:
        converted = list(str(self.s2t.convert(text)))
        glossed = self.rng.sample(range(1, len(converted)), max(1, len(converted) // 80))
        for k in sorted(glossed, reverse=True):
            if "\u4e00" <= converted[k - 1] <= "\u9fff" and "\u4e00" <= converted[k] <= "\u9fff":
                converted.insert(k, f"({self.rng.choice(PINYIN)})")
        return "".join(converted)


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def generate(total: int, seed: int) -> Generator:
    g = Generator(seed)
    rng = g.rng
    copies = total // 10
    negatives = total // 400  # of each of the three kinds of hard negative
    twice = copies // 10  # originals copied twice; the other copies are of originals copied once
    originals: list[tuple[int, dict[str, Any]]] = []
    while len(g.notices) < total - copies - 4 * negatives:
        fields = g.original(numbered=rng.random() < 0.6)
        originals.append((g.add(fields, rng.choice(GOVERNMENT), None, "original"), fields))
    for _ in range(negatives):  # two issuers, one 文号
        first = g.original(numbered=True)
        other = g.original(numbered=False, year=first["published_date"].year)
        other["doc_number"] = first["doc_number"]
        other["paragraphs"] = [first["doc_number"], *other["paragraphs"]]
        if rng.random() < 0.5:  # both pages print one generic title, without the issuer
            first["title"] = other["title"] = "关于" + first["title"].split("关于", 1)[1]
        for fields in (first, other):
            g.add(fields, rng.choice(GOVERNMENT), None, "same-number")
    for _index, fields in rng.sample(originals, negatives):
        year = fields["published_date"].year
        has_number = fields["doc_number"] is not None
        nxt = g.original(numbered=has_number, agency=fields["issuing_agency"], year=year + 1)
        nxt["title"] = fields["title"].replace(f"{year}年", f"{year + 1}年")
        paragraphs = [p.replace(str(year), str(year + 1)) for p in fields["paragraphs"]]
        if nxt["doc_number"]:
            paragraphs[0] = nxt["doc_number"]
        content = [k for k, p in enumerate(paragraphs) if p[:1] in NUMERALS and p[1:2] == "、"]
        paragraphs[content[-1]] = g.paragraph(content[-1])
        nxt["paragraphs"] = paragraphs
        g.add(nxt, rng.choice(GOVERNMENT), None, "next-year")
    for index, fields in rng.sample(originals, negatives):
        county = rng.choice(PLACES[-10:]) + "人民政府办公室"
        forward = g.original(numbered=rng.random() < 0.5, agency=county)
        forward["title"] = f"{county}关于转发《{fields['title']}》的通知"
        preamble = [rng.choice(ADDRESSEES), f"现将《{fields['title']}》转发给你们，请结合实际认真贯彻落实。"]
        forward["paragraphs"] = preamble + fields["paragraphs"] + [county]
        g.forwarded[g.add(forward, rng.choice(GOVERNMENT), None, "forward")] = index
    planted = 0
    for k, (index, fields) in enumerate(rng.sample(originals, copies - twice)):
        for _ in range(2 if k < twice else 1):
            kind = KINDS[planted % len(KINDS)]
            copied, source = g.copy(fields, kind)
            g.add(copied, source, index, kind)
            planted += 1
    return g


def pair_scores(result: DedupeResult, truth: list[int], index_of: dict[str, int]) -> tuple[float, float]:
    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    predicted = sum(pairs(len(g.copies)) for g in result.groups)
    correct = sum(
        pairs(count)
        for g in result.groups
        for count in Counter(truth[index_of[c.url]] for c in g.copies).values()
    )
    actual = sum(pairs(count) for count in Counter(truth).values())
    return correct / predicted if predicted else 1.0, correct / actual if actual else 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--notices", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    load_before = os.getloadavg()
    start = time.perf_counter()
    g = generate(args.notices, args.seed)
    generated = time.perf_counter() - start
    rss_generated = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kinds = Counter(g.kind)

    start, cpu_start = time.perf_counter(), time.process_time()
    result = dedupe(g.notices, load_sources())
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    index_of = {str(n.url): i for i, n in enumerate(g.notices)}
    precision, recall = pair_scores(result, g.truth, index_of)
    group_of = {c.url: group for group in result.groups for c in group.copies}
    url_of = [str(n.url) for n in g.notices]
    linked = sum(group_of[url_of[i]].forwards == (group_of[url_of[j]].id,) for i, j in g.forwarded.items())
    # An altered copy in its original's group makes the group show a flag (on the copy, or on the
    # original when the copy is canonical); a group of exact, reformatted and traditional copies none.
    altered = {
        group_of[url_of[i]].id
        for i, kind in enumerate(g.kind)
        if kind == "altered" and group_of[url_of[i]] is group_of[url_of[g.truth[i]]]
    }
    flagged = {group.id for group in result.groups if any(c.differs for c in group.copies)}
    unaltered = {group_of[url_of[i]].id for i, kind in enumerate(g.kind) if kind in KINDS} - altered

    counts = ", ".join(f"{kind} {n:,}" for kind, n in sorted(kinds.items()))
    print(f"notices            {len(g.notices):,}: {counts}")
    print(f"body characters    {sum(len(n.body_text) for n in g.notices):,}")
    print(f"generated in       {generated:.1f} s (peak RSS {rss_generated:,.0f} MB)")
    print(f"dedupe seconds     {seconds:.1f} wall, {cpu:.1f} CPU (one process, one thread)")
    print(f"peak memory        {peak:,.0f} MB (ru_maxrss of the process, generation included)")
    print(f"groups             {len(result.groups):,}")
    print(f"precision          {precision:.4f}")
    print(f"recall             {recall:.4f}")
    print(f"flags              {len(altered & flagged):,} of {len(altered):,} groups with an altered copy; "
          f"{len(unaltered & flagged):,} of {len(unaltered):,} groups with only unaltered copies")
    print(f"forwards linked    {linked:,} of {len(g.forwarded):,}")
    print(f"load average       {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"({os.cpu_count()} cores)")
    met = seconds < 60 and peak < 2048 and precision > 0.98 and recall > 0.98
    print(f"targets            {'met' if met else 'NOT met'} (< 60 s, < 2 GB, precision and recall > 0.98)")


if __name__ == "__main__":
    main()
