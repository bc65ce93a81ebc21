"""The ``gongwen`` command."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from gongwen.crawlers.registry import get_source, load_sources
from gongwen.pipelines.release import DATASETS

WORKDIR_HELP = "where captures, the ledger, logs and the built site go (default: build)"
# No default for --sample-pages here: the sample web is imported only by the commands that serve it.
PAGES_HELP = "the sample web's page files (default: crawlers/sampleweb/pages)"
DATASET_HELP = "the dataset folder, holding dataset.toml and its versions (default: datasets/notices)"
REDIS_HELP = (
    "share the crawl through this Redis server (redis://host:6379/0) with other processes given the same"
    " --crawl-id and each its own --workdir; merge their captures with merge-captures"
)
FORCE_HELP = "publish even when the publish gate is closed (a source below its minimum, too many failures)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gongwen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run_p = commands.add_parser("run", help="crawl → release → site, on the sample web unless --live")
    run_p.add_argument("--live", action="store_true", help="crawl the real sites instead of the sample web")
    run_p.add_argument("--sample-pages", type=Path, help=PAGES_HELP)
    run_p.add_argument("--workdir", type=Path, default=Path("build"), help=WORKDIR_HELP)
    run_p.add_argument("--dataset", type=Path, default=DATASETS / "notices", help=DATASET_HELP)
    run_p.add_argument("--force", action="store_true", help=FORCE_HELP)

    crawl_p = commands.add_parser("crawl", help="crawl sources (all unless named) into WARC captures")
    crawl_p.add_argument("sources", nargs="*", help="source ids from crawlers/sources.toml")
    crawl_p.add_argument("--live", action="store_true", help="crawl the real sites instead of the sample web")
    crawl_p.add_argument("--sample-pages", type=Path, help=PAGES_HELP)
    crawl_p.add_argument("--workdir", type=Path, default=Path("build"), help=WORKDIR_HELP)
    crawl_p.add_argument("--resume", action="store_true", help="go on with the latest crawl (after a kill)")
    crawl_p.add_argument("--crawl-id", default="", help="the crawl's id (default: now, UTC)")
    crawl_p.add_argument("--redis", default="", help=REDIS_HELP)
    previous_help = "earlier captures to compare with (default: the workdir's)"
    crawl_p.add_argument("--previous", default="", help=previous_help)

    merge_p = commands.add_parser("merge-captures", help="join a distributed crawl's captures")
    merge_p.add_argument("workers", nargs="+", type=Path, help="the processes' captures folders")
    merge_p.add_argument("--into", type=Path, default=Path("build/captures"), help="default: build/captures")

    release_help = "read the latest captures of the sources crawled in the workdir; publish a dataset version"
    release_p = commands.add_parser("release", help=release_help)
    release_p.add_argument("--workdir", type=Path, default=Path("build"), help=WORKDIR_HELP)
    release_p.add_argument("--dataset", type=Path, default=DATASETS / "notices", help=DATASET_HELP)
    release_p.add_argument("--force", action="store_true", help=FORCE_HELP)

    verify_help = "check published versions against their descriptors, like sha256sum -c (all unless named)"
    verify_p = commands.add_parser("verify", help=verify_help)
    verify_p.add_argument("versions", nargs="*", help="versions of index.json, e.g. 1.0.0")
    verify_p.add_argument("--dataset", type=Path, default=DATASETS / "notices", help=DATASET_HELP)

    site_p = commands.add_parser("site", help="build the static site from the latest release")
    site_p.add_argument("--workdir", type=Path, default=Path("build"), help=WORKDIR_HELP)
    site_p.add_argument("--dataset", type=Path, default=DATASETS / "notices", help=DATASET_HELP)

    _add_reading_commands(commands)
    _add_sources_command(commands)

    serve_p = commands.add_parser("sample-web", help="serve the sample web on 127.0.0.1 until interrupted")
    serve_p.add_argument("--port", type=int, default=8765)
    serve_p.add_argument("--sample-pages", type=Path, help=PAGES_HELP)

    commands.add_parser("schema", help="write schema/<version>/notice.schema.json from the model")

    validate_help = "check your own notices (JSON, NDJSON or CSV) against the published schema"
    validate_p = commands.add_parser("validate", help=validate_help)
    validate_p.add_argument("file", type=Path)
    validate_p.add_argument("--format", choices=["json", "ndjson", "csv"], help="default: from the file name")
    validate_p.add_argument("--schema-version", help="a published schema version (default: the current one)")

    args = parser.parse_args(argv)
    handler = {
        "run": _run,
        "crawl": _crawl,
        "merge-captures": _merge_captures,
        "release": _release,
        "verify": _verify,
        "site": _site,
        "parse": _parse,
        "list-page": _list_page,
        "sources": _sources_check,
        "sample-web": _sample_web,
        "schema": _schema,
        "validate": _validate,
    }[args.command]
    try:
        return handler(args)
    except BrokenPipeError:  # the reader went away (`gongwen parse page.html | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush at exit
        return 0


def _add_reading_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``parse`` and ``list-page``: what gongwen reads on one saved page."""
    parse_p = commands.add_parser("parse", help="read one saved HTML page and print its Notice as JSON")
    parse_p.add_argument("file", type=Path)
    parse_p.add_argument("--url", help="the page's URL (default: a placeholder under .invalid)")

    list_help = "read one saved list page or list API answer; print the notices and next pages it links to"
    list_p = commands.add_parser("list-page", help=list_help)
    list_p.add_argument("file", type=Path)
    list_p.add_argument("--url", required=True, help="the page's real URL (links are resolved against it)")
    list_p.add_argument("--family", help="the CMS family to read it as (default: detected, else generic)")


def _add_sources_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``sources check``: the canary an operator runs before the nightly crawl."""
    sources_p = commands.add_parser("sources", help="the source registry: check the sources before a crawl")
    sources_commands = sources_p.add_subparsers(dest="sources_command", required=True)
    check_help = "fetch each source's first list page and first notice page; say whether it still works"
    check_p = sources_commands.add_parser("check", help=check_help)
    check_p.add_argument("sources", nargs="*", help="source ids (default: all)")
    check_p.add_argument("--live", action="store_true", help="check the real sites instead of the sample web")
    check_p.add_argument("--json", action="store_true", help="print the rows as JSON")
    check_p.add_argument("--sample-pages", type=Path, help=PAGES_HELP)
    check_p.add_argument("--workdir", type=Path, default=Path("build"), help=WORKDIR_HELP)


def _run(args: argparse.Namespace) -> int:
    from gongwen.pipelines.run import Workdir, run

    run(
        Workdir(args.workdir),
        live=args.live,
        dataset_folder=args.dataset,
        pages_dir=args.sample_pages,
        force=args.force,
    )
    return 0


def _crawl(args: argparse.Namespace) -> int:
    from gongwen.pipelines.run import Job, Workdir, crawl_sources, latest_crawl_id

    sources = [get_source(s) for s in args.sources] if args.sources else load_sources()
    workdir = Workdir(args.workdir)
    crawl_id = latest_crawl_id(sources, workdir) if args.resume else args.crawl_id
    job = Job(crawl_id=crawl_id, redis=args.redis, previous=args.previous)
    crawl_sources(sources, workdir, live=args.live, pages_dir=args.sample_pages, job=job)
    return 0


def _merge_captures(args: argparse.Namespace) -> int:
    from gongwen.crawlers.merge import merge_captures

    try:
        merged = merge_captures(args.workers, args.into)
    except FileExistsError as exc:
        print(f"gongwen merge-captures: {exc}", file=sys.stderr)
        return 1
    for m in merged:
        duplicates = f", {m.duplicates} duplicate rows left out" if m.duplicates else ""
        print(f"{m.source_id}/{m.crawl_id}: {m.rows} URLs from {m.parts} processes{duplicates}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from gongwen.pipelines.release.dataset import DatasetError
    from gongwen.pipelines.run import Workdir, crawled_sources, release

    workdir = Workdir(args.workdir)
    sources = crawled_sources(workdir)
    if not sources:
        print(f"gongwen release: no crawl in {workdir.captures}, nothing to read: no version published",
              file=sys.stderr)
        return 1
    try:
        published, counts = release(sources, workdir, args.dataset, force=args.force)
    except DatasetError as exc:
        print(f"gongwen release: {exc}; no version published", file=sys.stderr)
        return 1
    print(f"{published.folder} ({published.version}{'' if published.new else ', unchanged'})")
    print(counts.summary())
    return 0


def _verify(args: argparse.Namespace) -> int:
    """0 when every file is as recorded, 1 when one is not (or index.json is unreadable), 2 when a
    version named is not published."""
    from gongwen.pipelines.release.dataset import Dataset, DatasetError
    from gongwen.pipelines.release.verify import verify_version

    dataset = Dataset.load(args.dataset)
    try:
        entries = {str(entry.get("version")): entry for entry in dataset.versions()}
    except DatasetError as exc:
        print(f"gongwen verify: {exc}", file=sys.stderr)
        return 1
    unknown = [v for v in args.versions if v not in entries]
    if unknown:
        said = f"not a published version of {dataset.folder}: {', '.join(unknown)}"
        print(f"gongwen verify: {said}", file=sys.stderr)
        return 2
    checks = [c for v in (args.versions or entries) for c in verify_version(dataset, entries[v])]
    for check in checks:
        print(f"{check.path}: {'OK' if check.problem is None else f'FAILED ({check.problem})'}")
    failed = sum(check.problem is not None for check in checks)
    print(f"{len(checks)} files checked, {failed} failed", file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _site(args: argparse.Namespace) -> int:
    from gongwen.pipelines.run import Workdir, build_site

    print(build_site(Workdir(args.workdir), args.dataset) / "index.html")
    return 0


def _parse(args: argparse.Namespace) -> int:
    from gongwen.crawlers.settings import DOWNLOAD_MAXSIZE
    from gongwen.pipelines.read.validate import Quarantined, build_notice

    path: Path = args.file
    try:
        if (size := path.stat().st_size) > DOWNLOAD_MAXSIZE:
            print(f"gongwen parse: {path}: {size / 2**20:.0f} MB, more than the "
                  f"{DOWNLOAD_MAXSIZE // 2**20} MB a crawl fetches", file=sys.stderr)
            return 2
        body = path.read_bytes()
        retrieved_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError as exc:
        print(f"gongwen parse: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    url = args.url or f"https://unknown.invalid/{quote(path.name)}"
    try:
        source_id = urlsplit(url).hostname or "unknown"
        notice = build_notice(body, url, source_id=source_id, retrieved_at=retrieved_at)
    except Quarantined as exc:
        message = str(exc)
        print(f"gongwen parse: {path}: {message}", file=sys.stderr)
        return 2 if message.startswith("not a notice page") else 1
    print(json.dumps(notice.model_dump(mode="json"), ensure_ascii=False, indent=2))
    return 0


def _list_page(args: argparse.Namespace) -> int:
    from gongwen.crawlers.navigation.families import FAMILIES, read_list_page
    from gongwen.crawlers.navigation.list_page import as_response

    def bad(message: str) -> int:
        print(f"gongwen list-page: {message}", file=sys.stderr)
        return 2

    if args.family and args.family not in FAMILIES:
        return bad(f"unknown family {args.family!r} (known: {', '.join(sorted(FAMILIES))})")
    if urlsplit(args.url).scheme not in ("http", "https") or not urlsplit(args.url).netloc:
        return bad(f"--url must be the page's http(s) URL, not {args.url!r}")
    try:
        body = args.file.read_bytes()
    except OSError as exc:
        return bad(f"cannot read {args.file}: {exc.strerror or exc}")
    try:
        page = read_list_page(as_response(body, args.url), args.family)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # JSON that is not the family's answer
        return bad(f"{args.file} is not a list page the {args.family or 'detected'} family reads ({exc!r})")
    print(json.dumps(page.as_json(), ensure_ascii=False, indent=2))
    return 0


def _sources_check(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from gongwen.pipelines.run import Workdir, replicated, sample_web
    from gongwen.pipelines.source_checks import check_sources, keep_checks, table

    try:
        sources = [get_source(s) for s in args.sources] if args.sources else load_sources()
    except KeyError as exc:
        print(f"gongwen sources check: {exc.args[0]}", file=sys.stderr)
        return 2
    workdir = Workdir(args.workdir)
    if args.live:
        rows = check_sources(sources, workdir, "")
    else:
        offline = replicated(sources, "check")
        with sample_web(pages_dir=args.sample_pages) as origin:
            rows = check_sources(offline, workdir, origin)
    keep_checks(rows, workdir.checks)
    print(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2) if args.json else table(rows))
    return 0 if all(r.verdict == "ok" for r in rows) else 1


def _sample_web(args: argparse.Namespace) -> int:
    from gongwen.crawlers.sampleweb.render import PAGES_DIR
    from gongwen.crawlers.sampleweb.server import SampleWebServer

    server = SampleWebServer(args.port, args.sample_pages or PAGES_DIR)
    print(f"sample web on {server.origin}; crawl it: GONGWEN_REPLAY={server.origin} scrapy crawl <source>")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
    return 0


def _schema(_args: argparse.Namespace) -> int:
    from gongwen.pipelines.schema import write_schema

    print(write_schema())
    return 0


def _validate(args: argparse.Namespace) -> int:
    from gongwen.pipelines.notice import SCHEMA_VERSION
    from gongwen.pipelines.schema import schema_id
    from gongwen.pipelines.userdata import UnreadableFile, check_file

    version = args.schema_version or SCHEMA_VERSION
    try:
        checked = check_file(args.file, args.format, version)
    except UnreadableFile as exc:
        print(f"gongwen validate: {exc}", file=sys.stderr)
        return 2
    problems = 0
    for problem in checked:  # said as found: a large file's first problems show at once
        problems += 1
        print(f"{args.file}: {problem}", file=sys.stderr)
    records = _counted(checked.count, "record")
    if problems:
        verdict = f"{_counted(problems, 'problem')} in {records}"
    else:
        verdict = f"{records} valid" if checked.count else "no records"
    ok = checked.count and not problems
    print(f"{args.file}: {verdict} against {schema_id(version)}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


if __name__ == "__main__":
    sys.exit(main())
