"""The read stage: from a crawl's captures to its notices, and each fetched URL's outcome.

``warc`` reads a crawl back (its ledger of fetches, the responses in its WARC files); ``validate``
reads one page into a Notice or quarantines it with a reason; ``batches`` reads pages in batches, with
the policy inside each notice and the signature of its text, in worker processes when there are many;
``readings`` keeps what was read beside the crawl so the next night reads only new pages; ``resolve``
puts these together for one crawl.
"""
