from gongwen.crawlers.spiders.base import NoticeSpider


class MeishanSpider(NoticeSpider):
    """眉山市人民政府 市政府办文件 (信息公开 pages with a metadata table): a table list paged by 下页."""

    name = "sc_meishan"
    detail_links_css = "table.zcwj-list td a::attr(href)"
    next_page_css = "div.pb_sys_common a.Next::attr(href)"
