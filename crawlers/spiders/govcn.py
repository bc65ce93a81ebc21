import json
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from scrapy.http import Response

from gongwen.crawlers.spiders.base import NoticeSpider


class GovCnSpider(NoticeSpider):
    """中国政府网 政策文件库: a JSON search API paged by ``p``, detail pages on www.gov.cn.

    The API answers ``searchVO.catMap.gongwen.listVO`` (records with ``url``) and
    ``searchVO.totalpage``; the first page's answer gives the number of pages to ask for.
    """

    name = "govcn"

    def detail_links(self, response: Response) -> Iterable[str]:
        records = json.loads(response.body)["searchVO"]["catMap"]["gongwen"]["listVO"]
        return [record["url"] for record in records]

    def next_pages(self, response: Response) -> Iterable[str]:
        parts = urlsplit(response.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if query.get("p", "1") != "1":
            return []
        total = int(json.loads(response.body)["searchVO"]["totalpage"])
        return [parts._replace(query=urlencode({**query, "p": p})).geturl() for p in range(2, total + 1)]
