"""The static site: pages generated from the latest release for mkdocs-material, and its search index.

``gen_pages.py`` is the mkdocs-gen-files entry script and ``generate`` writes the pages mkdocs builds;
``post_build`` (an mkdocs hook) writes the pages per notice and per browse value into shells mkdocs
built (``shells``; kept between builds by ``page_cache``), copies the downloads and writes the
search index from the release's records (``search_index``, reading text as ``search_text`` says).
``pages`` (home, shared helpers), ``notice_page``, ``browse``, ``downloads``, ``feed``, ``quality``
and ``reference`` (sources, schema) turn release data (``release_data``, whose notices ``listing``
reads and keeps, ``version_changes``, and ``policy_pages`` and ``provenance``, whose tables
``notice_rows`` reads by notice) into page text; ``markup`` is the only place that turns data into
HTML. Every string that came from a scraped page is treated as hostile: it is escaped into raw HTML
blocks, never put into Markdown.
"""
