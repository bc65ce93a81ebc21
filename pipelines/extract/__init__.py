"""The extractor: read one saved HTML page into Notice fields (see page.read_page)."""

from gongwen.pipelines.extract.decode import NotAPage
from gongwen.pipelines.extract.page import Extracted, read_page

__all__ = ["Extracted", "NotAPage", "read_page"]
