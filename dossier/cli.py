"""The `dossier` command: parse arguments, call a stage runner, print the report, set the exit code.

Heavy modules are imported inside each command, so `dossier --help` stays instant.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dossier import __version__
from dossier.diagnostics import Report, for_terminal

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
    from dossier.pipeline import BuildOptions, check_project

    checked = check_project(args.project, BuildOptions(include_drafts=args.drafts))
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
    from dossier.pipeline import BuildOptions, build_project
    from dossier.write import BuildLocked

    options = BuildOptions(
        include_drafts=args.drafts,
        output_dir=args.output,
        base_url=args.base_url,
        search=not args.no_search,
        use_cache=True,
        skip_unchanged=True,
    )
    started = time.perf_counter()
    try:
        built = build_project(args.project, options)
    except BuildLocked as locked:
        print(for_terminal(f"error: {locked}"), file=sys.stderr)
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
        config = built.checked.config
        if config is not None and config.site_url is None:
            print(
                f"note: no feeds, sitemap, canonical or share links: base_url '{config.base_url}' is a "
                "path; to publish, build with the site's address (--base-url https://USER.github.io/REPO/, as the "
                "Pages workflow does)"
            )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from dossier.pipeline import BuildOptions
    from dossier.serve import Terminal, serve_project

    options = BuildOptions(include_drafts=args.drafts, search=not args.no_search)
    terminal = Terminal(verbose=args.verbose, quiet=args.quiet, debug=args.debug)
    return serve_project(
        args.project, options, terminal, host=args.host, port=args.port, allowed_hosts=args.allowed_host
    )


def _run_scaffold(args: argparse.Namespace, make: Callable[[], Any]) -> int:
    """Run a scaffold command and print what it wrote; a refusal is an error line, not a traceback."""
    from dossier.scaffold import ScaffoldError

    try:
        written = make()
    except ScaffoldError as problem:
        print(for_terminal(f"error: {problem}"), file=sys.stderr)
        return EXIT_FAILURE
    if not args.quiet:
        for line in written.lines():
            print(for_terminal(line))
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from dossier.scaffold import init_project

    return _run_scaffold(args, lambda: init_project(args.folder or args.project, title=args.title, force=args.force))


def cmd_new(args: argparse.Namespace) -> int:
    from dossier.scaffold import new_entity

    return _run_scaffold(args, lambda: new_entity(args.project, args.kind, vars(args)))


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
        allow_private_addresses=args.allow_private_addresses,
    )
    try:
        imported = import_article(request)
    except ImportFailed as problem:
        print(for_terminal(f"error: {problem}"), file=sys.stderr)
        return problem.exit_code
    _print_report(imported.report, args.quiet)
    if not args.quiet:
        for line in imported.summary():
            print(for_terminal(line))
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
    imports.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="download from this machine or a private network too (an intranet page, a local server); "
        "refused by default, so that a page cannot lead the import there",
    )
    imports.set_defaults(run=cmd_import)

    serve = commands.add_parser("serve", parents=[common], help="serve the site, rebuild and reload on every save")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000; 0 picks a free one)")
    serve.add_argument(
        "--allowed-host", action="append", default=[], metavar="NAME",
        help="answer requests for this host name too (as well as localhost and the --host address); repeatable",
    )  # fmt: skip
    serve.add_argument(
        "--drafts", action=argparse.BooleanOptionalAction, default=True,
        help="show stories and articles marked draft (default: yes)",
    )  # fmt: skip
    serve.add_argument("--no-search", action="store_true", help="skip the search index: faster rebuilds")
    serve.set_defaults(run=cmd_serve)

    init = commands.add_parser("init", parents=[common], help="make a new dossier, with a sample story")
    init.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="where (default: the -C folder)")
    init.add_argument("--title", help="the site's title (default: made from the folder's name)")
    init.add_argument("--force", action="store_true", help="write into a folder that is not empty (never overwrites)")
    init.set_defaults(run=cmd_init)

    new = commands.add_parser("new", help="add a story, article, person, source or claim skeleton")
    kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)
    new_story = kinds.add_parser("story", parents=[common], help="content/STORY/story.yaml")
    new_story.add_argument("story", metavar="STORY", help="the story's id (a slug: flynn-kislyak)")
    new_story.add_argument("--title", help="its title")
    new_story.add_argument("--draft", action="store_true", help="mark it draft")
    new_article = kinds.add_parser("article", parents=[common], help="content/STORY/ARTICLE.md and its .yaml")
    new_article.add_argument("story", metavar="STORY", help="the story it belongs to")
    new_article.add_argument("article", metavar="ARTICLE", help="the article's id (a slug: the-week)")
    new_article.add_argument("--outlet", help="its outlet's source id (default: the article's id, if an outlet)")
    new_article.add_argument("--title", help="its headline")
    new_article.add_argument("--url", help="where it was published")
    new_article.add_argument("--draft", action="store_true", help="mark it draft")
    new_person = kinds.add_parser("person", parents=[common], help="an entry in content/people.yaml")
    new_person.add_argument("id", metavar="ID", help="the person's id (a slug: michael-flynn)")
    new_person.add_argument("name", metavar="NAME", help='the name as a reader knows it: "Michael Flynn"')
    new_source = kinds.add_parser("source", parents=[common], help="an entry in content/sources.yaml")
    new_source.add_argument("id", metavar="ID", help="the source's id (a slug: washington-post)")
    new_source.add_argument("name", metavar="NAME", help='its name: "The Washington Post"')
    new_source.add_argument("--kind", dest="source_kind", required=True, help="person, anonymous, document, ...")
    new_source.add_argument("--url", help="its address")
    new_claim = kinds.add_parser("claim", parents=[common], help="a claim in content/STORY/story.yaml")
    new_claim.add_argument("story", metavar="STORY", help="the story it belongs to")
    new_claim.add_argument("id", metavar="ID", help="the claim's id (a slug: flynn-denied-sanctions-talk)")
    new_claim.add_argument("--claimant", required=True, help="who made it: a person or source id")
    new_claim.add_argument("--verdict", help="a verdict id (default: unverified, or the scale's last)")
    new_claim.add_argument("--text", help="the claim in one sentence")
    new.set_defaults(run=cmd_new)
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
            for_terminal(f"internal error: {type(problem).__name__}: {problem} (run with --debug for details)"),
            file=sys.stderr,
        )
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
