"""The `dossier` command: parse arguments, call a stage runner, print the report, set the exit code.

Heavy modules are imported inside each command, so `dossier --help` stays instant.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dossier import __version__
from dossier.diagnostics import Report, for_terminal, github_command, report_json

EXIT_OK, EXIT_CONTENT_ERRORS, EXIT_FAILURE = 0, 1, 2
REPORT_FORMATS = ("text", "github", "json")


def _print_report(report: Report, quiet: bool, strict: bool = False) -> None:
    """Each diagnostic as `file:line:column: severity: message` on stderr, then the counts."""
    for diagnostic in report.sorted():
        if quiet and diagnostic.severity != "error" and not strict:
            continue
        print(diagnostic, file=sys.stderr)
    _print_counts(report, quiet, strict)


def _print_counts(report: Report, quiet: bool, strict: bool) -> None:
    errors, warnings = len(report.errors), len(report.warnings)
    if errors or (warnings and (strict or not quiet)):
        counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        print(counts + (" (--strict: warnings are errors)" if strict and warnings else ""), file=sys.stderr)


def _path_from_here(project: Path, path: str) -> str:
    """A diagnostic's file as seen from the working folder (ours are relative to the project): GitHub finds the
    line of a pull request by the file's path in the repository, whose root is a workflow's working folder."""
    in_project = project / path
    return os.path.normpath(in_project) if in_project.exists() else path


def _show_report(report: Report, args: argparse.Namespace, strict: bool = False) -> None:
    """The report in the `--format` asked for: text on stderr, or workflow commands or JSON on stdout."""
    if args.format == "json":
        print(report_json(report, strict))
    elif args.format == "github":
        shown = [d for d in report.sorted() if strict or d.severity == "error" or not args.quiet]
        for diagnostic in shown:
            print(github_command(diagnostic, _path_from_here(args.project, diagnostic.location.path), strict))
        _print_counts(report, args.quiet, strict)
    else:
        _print_report(report, args.quiet, strict)


def _say(args: argparse.Namespace, line: str) -> None:
    """A line for people: on stdout, unless stdout carries JSON for a program."""
    print(line, file=sys.stderr if args.format == "json" else sys.stdout)


def cmd_check(args: argparse.Namespace) -> int:
    from dossier.pipeline import BuildOptions, check_project

    checked = check_project(args.project, BuildOptions(include_drafts=args.drafts))
    _show_report(checked.report, args, args.strict)
    if checked.report.fails(args.strict):
        return EXIT_CONTENT_ERRORS
    if not args.quiet and checked.dossier:
        d = checked.dossier
        annotations = len(d.annotations())
        counts = (
            (len(d.stories), "story", "stories"),
            (len(d.articles), "article", "articles"),
            (annotations, "annotation", "annotations"),
            (len(d.claims), "claim", "claims"),
            (len(d.people), "person", "people"),
            (len(d.sources), "source", "sources"),
        )
        _say(args, "ok: " + ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts))
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
    _show_report(built.report, args)
    if built.report.has_errors or built.written is None:
        print("build failed; the previous site was left as it was", file=sys.stderr)
        return EXIT_CONTENT_ERRORS
    if not args.quiet:
        w = built.written
        _say(
            args,
            f"built {w.written + w.unchanged} files into {built.output_dir} in {time.perf_counter() - started:.2f} s "
            f"({w.written} written, {w.unchanged} unchanged, {w.removed} removed)",
        )
        if args.verbose:
            for stage, seconds in built.checked.timings.items():
                _say(args, f"  {stage}: {seconds * 1000:.0f} ms")
        config = built.checked.config
        if config is not None and config.site_url is None:
            _say(
                args,
                f"note: no feeds, sitemap, canonical or share links: base_url '{config.base_url}' is a "
                "path; to publish, build with the site's address (--base-url https://USER.github.io/REPO/, as the "
                "Pages workflow does)",
            )
        if config is not None:
            from dossier.render.translations import untranslated_note

            untranslated = untranslated_note(args.project, config.theme, config.language)
            if untranslated:
                _say(args, untranslated)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from dossier.pipeline import BuildOptions
    from dossier.serve import Terminal, serve_project

    options = BuildOptions(include_drafts=args.drafts, search=not args.no_search)
    terminal = Terminal(verbose=args.verbose, quiet=args.quiet, debug=args.debug)
    return serve_project(
        args.project, options, terminal, host=args.host, port=args.port, allowed_hosts=args.allowed_host
    )


def cmd_status(args: argparse.Namespace) -> int:
    from dossier.worklist import worklist_of

    worklist = worklist_of(args.project)
    if args.format == "json":
        print(worklist.as_json())
    else:
        for line in worklist.lines():
            print(line)
    return EXIT_CONTENT_ERRORS if worklist.has_errors else EXIT_OK


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


def cmd_schemas(args: argparse.Namespace) -> int:
    from dossier.editor_schemas import write_editor_schemas

    return _run_scaffold(args, lambda: write_editor_schemas(args.project))


def cmd_import(args: argparse.Namespace) -> int:
    """Import each page given, reporting each as it goes; the exit code is the worst of them."""
    from dossier.importer import ImportFailed, ImportRequest, import_article, one_request_per_page

    request = ImportRequest(
        project_dir=args.project,
        story_id=args.story,
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
        requests = one_request_per_page(request, args.sources)
    except ImportFailed as problem:
        print(for_terminal(f"error: {problem}"), file=sys.stderr)
        return problem.exit_code
    worst, imported_count = EXIT_OK, 0
    for one in requests:
        try:
            imported = import_article(one)
        except ImportFailed as problem:
            print(
                for_terminal(f"error: {problem.about(one.source) if len(requests) > 1 else problem}"), file=sys.stderr
            )
            worst = max(worst, problem.exit_code)
            continue
        imported_count += 1
        _print_report(imported.report, args.quiet)
        if not args.quiet:
            for line in imported.summary():
                print(for_terminal(line))
    if len(requests) > 1 and not args.quiet:
        print(f"imported {imported_count} of {len(requests)} pages")
    return worst


PROJECT_HELP = "the dossier's folder, holding dossier.yaml (default: the nearest one from here upward)"


def _add_report_format(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help="how to show the problems: text (default); github: workflow commands, so each one shows on its line "
        "of a pull request; json: one object on stdout (docs/editing.md)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="Build a cross-linked static site from annotated news articles.",
    )
    parser.add_argument("--version", action="version", version=f"dossier {__version__}")
    # -C before the command (`dossier -C DIR build`, as git takes it) or after it; None: search (see _project).
    parser.add_argument("-C", "--project", type=Path, default=None, metavar="DIR", help=PROJECT_HELP)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-C", "--project", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=PROJECT_HELP
    )  # SUPPRESS: a command without -C keeps the one given before it
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
    _add_report_format(build)
    build.set_defaults(run=cmd_build, builds_once=True)

    check = commands.add_parser("check", parents=[common], help="check the content, write nothing")
    check.add_argument(
        "--drafts", action=argparse.BooleanOptionalAction, default=True,
        help="check drafts too, as serve shows them (default: yes; --no-drafts checks what build publishes)",
    )  # fmt: skip
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too: quotes anchored only roughly, annotations that moved, placeholder text (as CI)",
    )
    _add_report_format(check)
    check.set_defaults(run=cmd_check, builds_once=True)

    status = commands.add_parser(
        "status", parents=[common], help="what is left to do, story by story, what to do first at the top"
    )
    status.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    status.set_defaults(run=cmd_status)

    imports = commands.add_parser(
        "import", parents=[common], help="bring an article in from a web address, a saved page or pasted text"
    )
    imports.add_argument(
        "sources", nargs="*", metavar="URL|FILE.html",
        help="the pages: http(s) addresses or saved .html files, each imported in turn",
    )  # fmt: skip
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
    serve.add_argument("-p", "--port", type=int, default=8000, help="the port (default: 8000; 0 picks a free one)")
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

    schemas = commands.add_parser(
        "schemas",
        parents=[common],
        help="write the JSON Schemas editors check the YAML with, offering this dossier's ids",
    )
    schemas.set_defaults(run=cmd_schemas)

    new = commands.add_parser("new", help="add a story, article, person, source or claim skeleton")
    kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)
    new_story = kinds.add_parser("story", parents=[common], help="content/STORY/story.yaml")
    new_story.add_argument("story", metavar="STORY", help="the story's id (a slug: flynn-kislyak)")
    new_story.add_argument("--title", help="its title")
    new_story.add_argument(
        "--draft", action=argparse.BooleanOptionalAction, default=True,
        help="mark it draft, so that only `serve` shows it until it is ready (default: yes)",
    )  # fmt: skip
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


def _project(args: argparse.Namespace) -> Path | None:
    """The project a command works on: -C, else (but for `init`, which makes one) the nearest folder from here
    upward holding dossier.yaml, said when it is not this one; else this folder (whose check says what is
    missing). None, with the reason printed, when the dossier found belongs to another user."""
    if args.project is not None or args.command == "init":
        return args.project or Path(".")
    from dossier.config import find_config_file

    here = Path.cwd()
    config = find_config_file(here)
    if config is None or config.parent == here.resolve():
        return Path(".")
    found = config.parent
    if hasattr(os, "getuid") and config.stat().st_uid != os.getuid():  # as git's safe.directory: not ours to use
        print(
            for_terminal(f"error: {config} belongs to another user; to use that dossier, name it: dossier -C {found}"),
            file=sys.stderr,
        )
        return None
    if not args.quiet:
        levels = len(here.resolve().relative_to(found).parts)
        print(for_terminal(f"using the dossier in {found} ({levels} folder{'s' * (levels != 1)} up)"), file=sys.stderr)
    return found


def _collector_off_while(builds_once: bool) -> contextlib.AbstractContextManager[None]:
    """For a command that checks or builds once (not `serve`): the cyclic garbage collector is off for the whole
    command, not only while the build runs (pipeline.no_collections). It comes back once the command has
    returned and let its model go, so its first pass walks what is left, not the whole model."""
    if not builds_once:
        return contextlib.nullcontext()
    from dossier.pipeline import no_collections

    return no_collections()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.project = _project(args)
        if args.project is None:
            return EXIT_FAILURE
        with _collector_off_while(getattr(args, "builds_once", False)):
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
