"""The sample web: an offline replica of the crawled sites, served on 127.0.0.1."""
