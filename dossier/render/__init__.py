"""Tokens + highlights + Jinja -> (path, bytes) pairs. Writes nothing."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier import __version__, urls
from dossier.diagnostics import Location, Report
from dossier.model import Dossier
from dossier.render.output import Output

# What rendering needs is imported when a site is rendered (in render_site): importing this package (for
# render.output, which a build that finds nothing changed uses) should not import Jinja, the comparison and numpy.
if TYPE_CHECKING:
    import jinja2

    from dossier.compare.align import Alignment
    from dossier.compare.stage import PairKey
    from dossier.link import Index
    from dossier.render.data import ComparisonJson
    from dossier.render.incremental import PageCache
    from dossier.render.pages import Page
    from dossier.render.translations import Translations
    from dossier.text import ArticleText
    from dossier.themes import Theme

STATIC_PREFIX = "static"


# Served for any missing path, so its links cannot be relative: they are absolute, from base_url.
NOT_FOUND_PAGE = "404.html"


def _install_helpers(env: jinja2.Environment, dossier: Dossier, md: Any, words: Translations) -> None:
    import jinja2
    from markupsafe import Markup

    from dossier.compare.language import is_right_to_left

    def link(context: jinja2.runtime.Context, path: str) -> str:
        page: Page = context["page"]
        if page.path == NOT_FOUND_PAGE:
            return urls.absolute_url(dossier.config.base_url, path)
        return urls.relative_url(page.path, path)

    @jinja2.pass_context
    def url(context: jinja2.runtime.Context, target: Any) -> str:
        """A link from the page being rendered to an entity or an output path."""
        return link(context, target if isinstance(target, str) else urls.path_for(target, dossier.articles))

    @jinja2.pass_context
    def asset(context: jinja2.runtime.Context, name: str) -> str:
        return link(context, f"{STATIC_PREFIX}/{name}")

    def markdown(text: str) -> Markup:
        return Markup(md.render(text or ""))  # markdown-it escapes text and refuses unsafe link schemes

    def markdown_inline(text: str) -> Markup:
        return Markup(md.renderInline(text or ""))

    env.globals.update(
        url=url,
        asset=asset,
        absolute_url=lambda path: urls.absolute_url(dossier.config.site_url or dossier.config.base_url, path),
        verdict=dossier.config.verdict,
        site=dossier.config,
        dossier=dossier,
        generator=f"dossier {__version__}",
        urls=urls,
        is_right_to_left=is_right_to_left,
        language_name=words.language_name,
        # A word of the model (a source's kind) in the site's language, escaped as text: `_()` gives its result
        # as HTML, which is right for the theme's own words, not for a value from the content.
        word=words.gettext,
    )
    env.globals.update(words.template_callables())
    env.filters.update(markdown=markdown, markdown_inline=markdown_inline, long_date=words.long_date)


HELPER_GLOBALS = (
    "url", "asset", "absolute_url", "verdict", "site", "dossier", "generator", "urls", "is_right_to_left",
    "language_name", "word", "_", "gettext", "ngettext",
)  # fmt: skip
HELPER_FILTERS = ("markdown", "markdown_inline", "long_date")


def _remove_helpers(env: jinja2.Environment) -> None:
    for name in HELPER_GLOBALS:
        env.globals.pop(name, None)
    for name in HELPER_FILTERS:
        env.filters.pop(name, None)


def compile_templates(themes: list[Theme]) -> None:
    """Compile every template of the theme search path into its environment (make_environment keeps it for the
    process), with stand-ins for the filters each build installs: Jinja checks at compile time that a filter
    exists, and a compiled template reads the build's own filters when it renders. The caller keeps builds out
    meanwhile (the stand-ins are removed with the helpers). A template that does not compile is left for the build
    to report."""
    import contextlib

    from dossier.themes import make_environment

    env = make_environment(themes)
    for name in HELPER_FILTERS:
        env.filters[name] = _stand_in
    try:
        for name in env.list_templates():
            if not name.startswith("@"):  # each template once, not again under its theme's prefix
                with contextlib.suppress(Exception):
                    env.get_template(name)
    finally:
        _remove_helpers(env)


def _stand_in(*_: object, **__: object) -> str:
    return ""


def _template_location(error: jinja2.TemplateError, themes: list[Theme]) -> Location:
    filename = getattr(error, "filename", None) or getattr(error, "name", None) or "templates"
    lineno = getattr(error, "lineno", None) or 1
    return Location(str(filename), lineno, 1)


def render_site(
    dossier: Dossier,
    texts: dict[str, ArticleText],
    index: Index,
    alignments: Mapping[PairKey, Alignment],
    themes: list[Theme],
    report: Report,
    sink: Callable[[Output], None],
    keep: Callable[[str], bool],
    cache: PageCache | None = None,
    alignment_keys: Mapping[PairKey, str] | None = None,
    article_keys: Mapping[str, str] | None = None,
    file_keys: Mapping[tuple[str, str], tuple[str, object]] | None = None,
) -> list[str]:
    """Every output file of the site, each passed to `sink` as soon as it is made (so the site is never held
    in memory whole), or to `keep` (keep the previous file) when the cache knows it is unchanged; returns
    their paths. Template errors become diagnostics.

    With a `cache`, a page none of whose inputs changed since the last build is not rendered again: its
    previous bytes are reused (see render/incremental.py). `alignment_keys` name each alignment's inputs,
    `article_keys` the inputs of each article's annotations and mentions, `file_keys` the story files each story,
    claim and article was made from (with the entity they gave).
    """
    import jinja2

    from dossier.render.data import dossier_json, web_annotations
    from dossier.render.incremental import Fingerprints, Recorder, recorded, recording_views, render_pages
    from dossier.render.pages import SiteBuilder
    from dossier.render.site_files import site_files, story_feed_plan
    from dossier.render.translations import load_translations
    from dossier.text import make_markdown
    from dossier.themes import make_environment, static_files

    md = make_markdown(dossier.config.raw_html)
    env = make_environment(themes)
    recorder = Recorder()
    views = recording_views(dossier, index, texts, alignments, recorder)
    words = load_translations(themes, dossier.config.language, report)
    _install_helpers(env, views.dossier, md, words)
    try:
        builder = SiteBuilder(views.dossier, views.texts, views.index, views.alignments, md, words)
        if cache is not None:
            fingerprints = Fingerprints(
                dossier, index, alignments, alignment_keys or {}, article_keys, views.dossier.articles, file_keys
            )
            cache.start(fingerprints)

        def render(page: Page) -> bytes | None:
            try:
                template = env.get_template(page.template)
                html = template.render(page=page, **page.context)
            except jinja2.TemplateError as error:
                report.error(_template_location(error, themes), f"template error rendering {page.path}: {error}")
                return None
            return html.encode("utf-8")

        paths: list[str] = []

        def emit(output: Output) -> None:
            sink(output)
            paths.append(output.path)

        paths += render_pages(
            builder.page_plan(), render, recorder, cache, report, lambda p, b: sink(Output(p, b)), keep
        )

        def comparison(pair: PairKey) -> ComparisonJson:
            assert cache is not None
            return cache.comparison_json(pair, alignments)

        if cache is not None:
            data = dossier_json(
                dossier, texts, index, alignments, comparison, functools.partial(cache.articles_json, texts=texts),
                functools.partial(cache.synopsis_json, alignments=alignments), cache.dossier_json_part,
                cache.story_comparisons_json,
            )  # fmt: skip
        else:
            data = dossier_json(dossier, texts, index, alignments)
        emit(Output(urls.DATA_FILE, data))
        if cache is not None:
            cache.data_file_written(urls.DATA_FILE)
        annotations = (
            functools.partial(cache.annotations_json, texts=texts, dossier=dossier) if cache is not None else None
        )
        emit(Output(urls.ANNOTATIONS_FILE, web_annotations(dossier, texts, annotations)))
        if cache is not None:
            cache.data_file_written(urls.ANNOTATIONS_FILE)
        for name, path in static_files(themes).items():
            emit(Output(f"{STATIC_PREFIX}/{name}", Path(path).read_bytes()))

        def rendered_once(path: str, inputs: object, make: Callable[[], bytes | None]) -> bytes | None:
            assert cache is not None
            return cache.rendered(path, inputs, lambda: recorded(make, recorder))

        # The stories' feeds, as pages are: with the cache, one that read nothing changed is kept.
        paths += render_pages(
            story_feed_plan(views.dossier), render, recorder, cache, report, lambda p, b: sink(Output(p, b)), keep
        )
        for output in site_files(
            dossier, env, paths, report, rendered_once if cache is not None else None, with_story_feeds=False
        ):
            emit(output)
        return paths
    finally:  # the environment outlives the build (themes.make_environment): let go of this model
        _remove_helpers(env)
