"""The static site: pages generated from the latest release for mkdocs-material.

``gen_pages.py`` is the mkdocs-gen-files entry script; ``generate`` writes every generated page
and copies the downloads and schema files; ``pages`` and ``reference`` turn release data into
page text; ``markup`` is the only place that turns data into HTML. Every string that came from a
scraped page is treated as hostile: it is escaped into raw HTML blocks, never put into Markdown.
"""
