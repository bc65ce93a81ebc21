"""The source registry: crawlers/sources.toml, read into typed records."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SOURCES_FILE = Path(__file__).with_name("sources.toml")

Level = Literal["national", "provincial", "prefectural", "county", "zone", "none"]


class Source(BaseModel):
    """One site gongwen crawls; its id names its spider."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    publisher: str
    region: str
    level: Level
    family: str
    start_urls: list[str] = Field(min_length=1)
    allowed_hosts: list[str] = Field(min_length=1)
    expected_min: int = Field(ge=0)
    terms: str


@cache
def load_sources(path: Path = SOURCES_FILE) -> list[Source]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = [Source(**entry) for entry in data["source"]]
    ids = [s.id for s in sources]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate source ids in {path}")
    return sources


def get_source(source_id: str) -> Source:
    for source in load_sources():
        if source.id == source_id:
            return source
    raise KeyError(f"no source {source_id!r} in {SOURCES_FILE}")
