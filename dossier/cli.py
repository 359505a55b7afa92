"""The `dossier` command: parse arguments, call a stage runner, print the report, set the exit code.

Heavy modules are imported inside each command, so `dossier --help` stays instant.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dossier import __version__

if TYPE_CHECKING:
    from dossier.diagnostics import Report

EXIT_OK, EXIT_CONTENT_ERRORS, EXIT_FAILURE = 0, 1, 2


def _print_report(report: Report, quiet: bool) -> None:
    for diagnostic in report.sorted():
        if quiet and diagnostic.severity != "error":
            continue
        print(diagnostic, file=sys.stderr)
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or (warnings and not quiet):
        print(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from dossier.pipeline import check_project

    checked = check_project(args.project, include_drafts=args.drafts)
    _print_report(checked.report, args.quiet)
    if checked.report.has_errors:
        return EXIT_CONTENT_ERRORS
    if not args.quiet and checked.dossier:
        d = checked.dossier
        annotations = len(d.annotations())
        print(
            f"ok: {len(d.stories)} stories, {len(d.articles)} articles, {annotations} annotations, "
            f"{len(d.claims)} claims, {len(d.people)} people, {len(d.sources)} sources"
        )
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from dossier.pipeline import build_project
    from dossier.write import BuildLocked

    started = time.perf_counter()
    try:
        built = build_project(
            args.project,
            include_drafts=args.drafts,
            output_dir=args.output,
            base_url=args.base_url,
            search=not args.no_search,
            cache=True,
        )
    except BuildLocked as locked:
        print(f"error: {locked}", file=sys.stderr)
        return EXIT_FAILURE
    _print_report(built.report, args.quiet)
    if built.report.has_errors or built.written is None:
        print("build failed; the previous site was left as it was", file=sys.stderr)
        return EXIT_CONTENT_ERRORS
    if not args.quiet:
        w = built.written
        print(
            f"built {w.written + w.unchanged} files into {built.output_dir} in {time.perf_counter() - started:.2f} s "
            f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed)"
        )
        if args.verbose:
            for stage, seconds in built.checked.timings.items():
                print(f"  {stage}: {seconds * 1000:.0f} ms")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from dossier.importer import ImportFailed, ImportRequest, import_article

    request = ImportRequest(
        project_dir=args.project,
        story_id=args.story,
        source=args.source,
        slug=args.slug,
        from_text=args.from_text,
        title=args.title,
        outlet=args.outlet,
        force=args.force,
        keep_html=args.keep_html,
        timeout=args.timeout,
    )
    try:
        imported = import_article(request)
    except ImportFailed as problem:
        print(f"error: {problem}", file=sys.stderr)
        return problem.exit_code
    _print_report(imported.report, args.quiet)
    if not args.quiet:
        for line in imported.summary():
            print(line)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="Build a cross-linked static site from annotated news articles.",
    )
    parser.add_argument("--version", action="version", version=f"dossier {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-C", "--project", type=Path, default=Path("."), metavar="DIR",
        help="the dossier's folder, holding dossier.yaml (default: the current folder)",
    )  # fmt: skip
    common.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    common.add_argument("-v", "--verbose", action="store_true", help="print more: stage timings")
    common.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser("build", parents=[common], help="check the content and build the site")
    build.add_argument("--drafts", action="store_true", help="include stories and articles marked draft")
    build.add_argument("-o", "--output", type=Path, help="write the site here instead of dossier.yaml's output_dir")
    build.add_argument(
        "--base-url", metavar="URL", help="publish at this URL instead of dossier.yaml's base_url (as in CI)"
    )
    build.add_argument("--no-search", action="store_true", help="skip the search index (as `search: false` does)")
    build.set_defaults(run=cmd_build)

    check = commands.add_parser("check", parents=[common], help="check the content, write nothing")
    check.add_argument("--drafts", action="store_true", help="check drafts too")
    check.set_defaults(run=cmd_check)

    imports = commands.add_parser(
        "import", parents=[common], help="bring an article in from a web address, a saved page or pasted text"
    )
    imports.add_argument(
        "source", nargs="?", metavar="URL|FILE.html", help="the page: an http(s) address or a saved .html file"
    )
    imports.add_argument("--story", required=True, metavar="STORY", help="the story to add it to (its folder's name)")
    imports.add_argument("--slug", metavar="ID", help="the article's id (default: made from outlet, date and headline)")
    imports.add_argument(
        "--from-text",
        type=Path,
        metavar="FILE",
        help="take the text from this file (plain text, or Markdown if .md); the page, if given, supplies the metadata",
    )
    imports.add_argument("--title", help="the headline, when the page has none or a wrong one")
    imports.add_argument(
        "--outlet", metavar="ID", help="the outlet's source id, instead of the one found from the page"
    )
    imports.add_argument("--force", action="store_true", help="replace an article imported before")
    imports.add_argument("--keep-html", action="store_true", help="keep the page beside the article as ID.source.html")
    imports.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="give up a download after this long (default: 30)",
    )
    imports.set_defaults(run=cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted; the previous site was left as it was", file=sys.stderr)
        return 130
    except Exception as problem:  # a bug or an I/O failure, not a content error
        if args.debug:
            raise
        print(
            f"internal error: {type(problem).__name__}: {problem} (run with --debug for details)",
            file=sys.stderr,
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
