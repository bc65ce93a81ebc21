from gongwen.crawlers.spiders.base import NoticeSpider


class QingbaijiangSpider(NoticeSpider):
    """成都市青白江区人民政府 信息公开 (easysite): paged lists of 决策公开 with a 下一页 link."""

    name = "sc_qingbaijiang"
    detail_links_css = "ul.infoList li a::attr(href)"
    next_page_css = "div.pagination a.next::attr(href)"
