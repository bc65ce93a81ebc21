"""The static site: pages generated from the latest release for mkdocs-material, searched with Pagefind.

``gen_pages.py`` is the mkdocs-gen-files entry script and ``generate`` writes every generated page;
``post_build`` (an mkdocs hook) copies the downloads and indexes the notice pages with Pagefind.
``pages`` (home, shared helpers), ``notice_page``, ``browse``, ``downloads``, ``feed``, ``quality``
and ``reference`` (sources, schema) turn release data (``release_data``, ``history``) into page
text; ``markup`` is the only place that turns data into HTML. Every string that came from a
scraped page is treated as hostile: it is escaped into raw HTML blocks, never put into Markdown.
"""
