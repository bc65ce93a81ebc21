from gongwen.crawlers.spiders.base import NoticeSpider


class XinxiangGxqSpider(NoticeSpider):
    """新乡高新区管委会 政策文件 (TRS): relative t-date links, index_N.html pages, gb2312-declared."""

    name = "ha_xinxiang_gxq"
    detail_links_css = "ul.list li a::attr(href)"
    next_page_css = "div.page a::attr(href)"
