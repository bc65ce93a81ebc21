"""One notice, many copies: group the pages read into documents.

``dedupe(notices, sources, previous)`` returns one NoticeGroup per document: its stable id
(identity), its copies with the canonical one first (canonical), flags on copies whose text differs
materially from the canonical one, and links to the notices it forwards (match).
"""

from gongwen.pipelines.dedupe.groups import dedupe
from gongwen.pipelines.dedupe.model import Copy, CopyRecord, DedupeResult, KnownCopy, NoticeGroup

__all__ = ["Copy", "CopyRecord", "DedupeResult", "KnownCopy", "NoticeGroup", "dedupe"]
