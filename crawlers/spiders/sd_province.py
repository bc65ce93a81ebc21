import re
from collections.abc import Iterable
from urllib.parse import urlencode

from scrapy.http import Response
from scrapy.selector import Selector

from gongwen.crawlers.spiders.base import NoticeSpider

_VAR = re.compile(r"var (totalRecord|perPage|columnid|unitid|webid) = \"?(\w+)\"?;")


class ShandongSpider(NoticeSpider):
    """山东省人民政府 政务要闻 (大汉 Hanweb JCMS): the column page carries the first records in a
    ``<datastore>`` block; the rest come from ``/module/web/jpage/dataproxy.jsp`` as XML records,
    asked for in slices of ``perPage`` as the column page's ``totalRecord`` says.
    """

    name = "sd_province"

    def detail_links(self, response: Response) -> Iterable[str]:
        records = re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", response.text, flags=re.DOTALL)
        return [href for record in records for href in Selector(text=record).css("a::attr(href)").getall()]

    def next_pages(self, response: Response) -> Iterable[str]:
        found = dict(_VAR.findall(response.text))
        if "totalRecord" not in found:  # a dataproxy answer: no further pages from here
            return []
        total, per_page = int(found["totalRecord"]), int(found["perPage"])
        ids = {"columnid": found["columnid"], "unitid": found["unitid"], "webid": found["webid"]}
        return [
            "/module/web/jpage/dataproxy.jsp?"
            + urlencode({"startrecord": start, "endrecord": start + per_page - 1, "perpage": per_page, **ids})
            for start in range(per_page + 1, total + 1, per_page)
        ]
