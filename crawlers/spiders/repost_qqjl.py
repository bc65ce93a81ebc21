from collections.abc import Iterable

from scrapy.http import Response

from gongwen.crawlers.spiders.base import NoticeSpider


class QiaoqiaoJianliSpider(NoticeSpider):
    """巧巧简历站, a content farm that reposts notices in traditional characters (kept to study reposts)."""

    name = "repost_qqjl"
    detail_links_css = "dl.list dt a::attr(href)"

    def next_pages(self, response: Response) -> Iterable[str]:
        return response.xpath("//div[@class='pages']/a[text()='下一頁']/@href").getall()
