"""An incremental build (with the build cache) gives exactly the bytes of a clean build, after any edits.

Random sequences of edits, additions and deletions of articles, annotations, people and the configuration are
applied to a copy of the example; after each, the project is rebuilt incrementally in place and built clean
(no cache, empty output folder) in another folder, and the two sites are compared byte for byte.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import operator
import os
import pickle
import re
import shutil
import tempfile
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate
from dossier import cache as cache_module
from dossier import urls, workers
from dossier import write as write_module
from dossier.anchor import stage as anchor_stage
from dossier.anchor.locate import locate_quote
from dossier.anchor.stage import ANCHORS_CACHE, TEXTS_CACHE
from dossier.cache import CACHE_FOLDER, CacheStore
from dossier.compare import stage as compare_stage
from dossier.compare.align import Alignment
from dossier.compare.language import detect_language
from dossier.compare.stage import compare_stories
from dossier.diagnostics import Location
from dossier.model import Article, Story
from dossier.pipeline import BuildOptions, Built, build_project, check_project
from dossier.render import data, incremental
from dossier.render.incremental import RECORDS_FILE, Recorder, RecordingTuple
from dossier.render.output import Output
from dossier.text import ArticleText, parse_article_text
from dossier.yaml_reader import LocatedDict, LocatedList
from tests.conftest import copy_example

STORY = Path("content") / "flynn-kislyak"
ARTICLES = ("the-week", "the-moscow-times")
# Phrases that occur once in the-week.md, for new annotations.
PHRASES = ("Logan Act", "by phone, and in person", "the Obama administration", "lieutenant general")
# Names that occur in the articles' text but belong to no registered person.
NEW_NAMES = ("Sean Spicer", "Catherine Garcia", "Logan")
CACHED = BuildOptions(use_cache=True)  # as `dossier build` builds


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _replace_in(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, replacement, text, count=1), encoding="utf-8")


# --- the edits: each takes the project and a number to vary what it writes -----------------------------


def edit_note(project: Path, n: int) -> None:
    sidecar = project / STORY / f"{ARTICLES[n % 2]}.yaml"
    _replace_in(sidecar, r"(\n    note: >-\n      )", rf"\g<1>Edited {n}: ")


def edit_article(project: Path, n: int) -> None:
    articles = sorted((project / STORY).glob("*.md"))
    article = articles[n % len(articles)]
    with article.open("a", encoding="utf-8") as out:
        out.write(f"\nA sentence added by edit {n}, naming Kislyak.\n")


def add_annotation(project: Path, n: int) -> None:
    sidecar = project / STORY / "the-week.yaml"
    phrase = PHRASES[n % len(PHRASES)]
    _replace_in(sidecar, r"\nnotes:\n", f'\nnotes:\n  - id: added-{n}\n    quote: "{phrase}"\n    note: Added {n}.\n')


def remove_annotation(project: Path, n: int) -> None:
    sidecar = project / STORY / "the-week.yaml"
    _replace_in(sidecar, r"  - id: added-\d+\n    quote: \"[^\"]*\"\n    note: Added \d+\.\n", "")


def add_article(project: Path, n: int) -> None:
    source = (project / STORY / "the-week.md").read_text(encoding="utf-8")
    text = source.replace("title: ", f"title: Copy {n} of ", 1).replace("Members of", f"In copy {n}, members of", 1)
    (project / STORY / f"copy-{n}.md").write_text(text, encoding="utf-8")
    (project / STORY / f"copy-{n}.yaml").write_text(
        f'notes:\n  - quote: "In copy {n}, members of"\n    note: The copy\'s own note.\n'
        "sources:\n  - source: washington-post\n    quote: The Washington Post\n",
        encoding="utf-8",
    )


def remove_article(project: Path, n: int) -> None:
    copies = sorted((project / STORY).glob("copy-*.md"))
    if copies:
        victim = copies[n % len(copies)]
        victim.unlink()
        victim.with_suffix(".yaml").unlink(missing_ok=True)


def edit_person(project: Path, n: int) -> None:
    _replace_in(project / "content" / "people.yaml", r"(\n  description: >-\n    )", rf"\g<1>Edited {n}. ")


def add_person(project: Path, n: int) -> None:
    name = NEW_NAMES[n % len(NEW_NAMES)]
    slug = name.lower().replace(" ", "-")
    people = project / "content" / "people.yaml"
    if f"id: added-{slug}\n" not in people.read_text(encoding="utf-8"):
        with people.open("a", encoding="utf-8") as out:
            out.write(f"\n- id: added-{slug}\n  name: {name}\n")


def remove_person(project: Path, n: int) -> None:
    _replace_in(project / "content" / "people.yaml", r"\n- id: added-[a-z-]+\n  name: [A-Za-z ]+\n", "\n")


def edit_config(project: Path, n: int) -> None:
    _replace_in(project / "dossier.yaml", r'\ntitle: "', f'\ntitle: "{n} ')


def edit_outlet(project: Path, n: int) -> None:
    """The Week's name, which pages and the feeds read from the sources registry."""
    _replace_in(project / "content" / "sources.yaml", r"\n  name: The Week[^\n]*", f"\n  name: The Week {n}")


def edit_claim(project: Path, n: int) -> None:
    _replace_in(project / STORY / "story.yaml", r'(\n    verdict: )"false"', r"\1misleading")


def edit_mention(project: Path, n: int) -> None:
    """Who an explicit mention names: a person's page gains or loses it, though only a sidecar changed."""
    people = ("michael-flynn", "sergey-kislyak")
    _replace_in(
        project / STORY / "the-moscow-times.yaml",
        r"(Russia's ambassador to Washington\n    person: )[a-z-]+",
        rf"\g<1>{people[n % 2]}",
    )


def edit_alias(project: Path, n: int) -> None:
    """An alias in people.yaml: the mentions found in every article's text change, not its annotations."""
    aliases = ("[Michael T. Flynn, Mike Flynn]", "[Flynn, General Flynn]", "[Flynn, Michael T. Flynn, Mike Flynn]")
    _replace_in(project / "content" / "people.yaml", r"(\n  aliases: )\[[^]]*Flynn[^]]*\]", rf"\g<1>{aliases[n % 3]}")


def move_quotes(project: Path, n: int) -> None:
    """A paragraph inserted at the top of an article's body: every quote and mention after it moves."""
    article = project / STORY / "the-week.md"
    _replace_in(article, r"\n---\n\n", f"\n---\n\nA paragraph inserted by edit {n}, before Flynn's name.\n\n")


def remove_sidecar(project: Path, n: int) -> None:
    """A copy's annotations file deleted: the article stays, with no annotations."""
    sidecars = sorted((project / STORY).glob("copy-*.yaml"))
    if sidecars:
        sidecars[n % len(sidecars)].unlink()


EDITS: list[Callable[[Path, int], None]] = [
    edit_note,
    edit_article,
    add_annotation,
    remove_annotation,
    add_article,
    remove_article,
    edit_person,
    add_person,
    remove_person,
    edit_config,
    edit_claim,
    edit_outlet,
    edit_mention,
    edit_alias,
    move_quotes,
    remove_sidecar,
]


def clean_build(project: Path, scratch: Path) -> tuple[Built, dict[str, bytes]]:
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(project, scratch, ignore=shutil.ignore_patterns("build", CACHE_FOLDER, ".build.lock"))
    built = build_project(scratch)
    return built, site_files(scratch / "build") if built.written else {}


def check_same(project: Path, scratch: Path) -> None:
    incremental = build_project(project, BuildOptions(use_cache=True, skip_unchanged=True))
    clean, clean_files = clean_build(project, scratch)
    assert sorted(map(str, incremental.report.errors)) == sorted(map(str, clean.report.errors))
    if incremental.written is None:
        return
    incremental_files = site_files(project / "build")
    assert sorted(incremental_files) == sorted(clean_files)
    differing = [path for path in clean_files if incremental_files[path] != clean_files[path]]
    assert differing == []


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 5)), min_size=1, max_size=5))
def test_an_incremental_build_equals_a_clean_build(edits: list[tuple[Callable[[Path, int], None], int]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = copy_example(Path(folder) / "project")
        # An absolute address, so that the feeds and the sitemap are built (and compared) too.
        _replace_in(project / "dossier.yaml", r'\nbase_url: "/"', '\nbase_url: "https://dossier.example.org/flynn/"')
        first = build_project(project, CACHED)
        assert first.written is not None
        for edit, n in edits:
            edit(project, n)
            check_same(project, Path(folder) / "clean")


def test_a_second_build_with_the_cache_renders_nothing_and_writes_nothing(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    again = build_project(project, CACHED)
    assert again.written is not None and not again.written.changed_anything


def test_an_edited_note_re_renders_only_the_pages_that_show_it(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    first = build_project(project, CACHED)
    assert first.written is not None
    before = site_files(project / "build")
    edit_note(project, 1)  # a note of the-moscow-times
    again = build_project(project, CACHED)
    assert again.written is not None
    after = site_files(project / "build")
    changed = sorted(path for path in after if before.get(path) != after[path])
    assert "stories/flynn-kislyak/the-moscow-times/index.html" in changed
    assert "stories/flynn-kislyak/the-week/index.html" not in changed
    assert not any(path.startswith("people/") for path in changed)


def rendered_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages Jinja renders from now on (a page the cache keeps is not rendered)."""
    paths: list[str] = []
    render = jinja2.Template.render

    def render_and_note(template: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        paths.append(kwargs["page"].path)
        return render(template, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", render_and_note)
    return paths


def test_an_edited_note_renders_the_pages_that_read_the_annotations_and_no_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other article's page names the edited article (its outlet, its link) but does not read its annotations;
    the people's pages read its mentions and title, not its notes: none of them is rendered again."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    rendered = rendered_pages(monkeypatch)
    edit_note(project, 1)  # a note of the-moscow-times
    build_project(project, CACHED)
    assert "stories/flynn-kislyak/the-moscow-times/index.html" in rendered
    assert "stories/flynn-kislyak/index.html" in rendered  # it counts each article's notes
    assert "stories/flynn-kislyak/the-week/index.html" not in rendered
    assert not [path for path in rendered if path.startswith(("people/", "claims/"))]
    check_same(project, tmp_path / "clean")


def append_to_body(project: Path, article: str, sentence: str) -> None:
    with (project / STORY / f"{article}.md").open("a", encoding="utf-8") as out:
        out.write(f"\n{sentence}\n")


def test_an_edited_body_does_not_render_the_pages_that_only_name_the_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Week's page names The Moscow Times' article (its outlet, title and link) and shows none of its text."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    rendered = rendered_pages(monkeypatch)
    append_to_body(project, "the-moscow-times", "A sentence added at the end.")
    build_project(project, CACHED)
    assert "stories/flynn-kislyak/the-moscow-times/index.html" in rendered
    assert "stories/flynn-kislyak/the-week/index.html" not in rendered
    check_same(project, tmp_path / "clean")


def test_a_theme_that_reads_an_articles_body_is_rendered_again_when_it_changes(tmp_path: Path) -> None:
    """A site's template may read `article.body` itself: the page is made again when the body changes."""
    project = copy_example(tmp_path / "project")
    templates = project / "themes" / "default" / "templates"
    templates.mkdir(parents=True)
    (templates / "article.html").write_text(
        '{% extends "@default/article.html" %}\n'
        '{% block head %}<meta name="bodies" content="{% for other in dossier.articles.values() %}'
        '{{ other.id }}={{ other.body | length }} {% endfor %}">{% endblock %}\n',
        encoding="utf-8",
    )
    build_project(project, CACHED)
    append_to_body(project, "the-moscow-times", "A sentence added at the end.")
    check_same(project, tmp_path / "clean")
    the_week = (project / "build" / "stories" / "flynn-kislyak" / "the-week" / "index.html").read_text("utf-8")
    length = len(clean_body(project / STORY / "the-moscow-times.md"))
    assert f"the-moscow-times={length} " in the_week


def clean_body(path: Path) -> str:
    """An article's body as the model holds it: the Markdown after its front matter."""
    return check_project(path.parents[2]).dossier.articles[path.stem].body  # type: ignore[union-attr]


def test_reading_a_shown_articles_body_is_noted_and_a_replaced_one_notes_nothing() -> None:
    recorder = Recorder()
    article = Article(
        "a", "s", "Title", "outlet", None, None, None, (), "en", (), False, "The body.", 1, Location("a.md")
    )
    (shown,) = incremental.recording_articles({"a": article}, recorder).values()
    recorder.deps = set()
    assert shown.title == "Title" and recorder.deps == set()
    assert shown.body == "The body." and recorder.deps == {(incremental.BODY_TABLE, "a")}
    replaced = dataclasses.replace(shown, body="Another body.")
    recorder.deps = set()
    assert replaced.body == "Another body." and recorder.deps == set()
    recorder.deps = None


def test_every_way_of_reading_an_articles_annotations_is_noted() -> None:
    recorder = Recorder()
    annotations = RecordingTuple((1, 2, 3), "articles.annotations", "a", recorder)
    reads: list[Callable[[], object]] = [
        lambda: list(annotations), lambda: len(annotations), lambda: annotations[0], lambda: 2 in annotations,
        lambda: annotations == (1, 2, 3), lambda: hash(annotations), lambda: operator.add(annotations, (4,)),
        lambda: operator.add((0,), annotations), lambda: annotations * 2, lambda: bool(annotations),
        lambda: [*annotations], lambda: sorted(annotations), lambda: list(reversed(annotations)),
        lambda: annotations.index(2),
    ]  # fmt: skip
    for read in reads:
        recorder.deps = set()
        read()
        assert recorder.deps == {("articles.annotations", "a")}
    recorder.deps = None
    assert pickle.loads(pickle.dumps(annotations)) == (1, 2, 3)
    assert type(pickle.loads(pickle.dumps(annotations))) is tuple


def test_a_damaged_output_file_is_rendered_again(tmp_path: Path) -> None:
    """The cache trusts the previous output only when its bytes are what the cache recorded."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    page = project / "build" / "people" / "michael-flynn" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"damaged")
    build_project(project, CACHED)
    assert page.read_bytes() == original


def test_a_damaged_alignment_in_the_cache_is_aligned_again(tmp_path: Path) -> None:
    """Alignments are read from the cache only when asked for; one that cannot be read is made again."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    expected = site_files(project / "build")
    shards = sorted((project / CACHE_FOLDER).rglob("compare-*.pickle"))
    assert shards
    for shard in shards:
        entries = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps({key: b"not a pickle" for key in entries}))
    for shard in (project / CACHE_FOLDER).rglob("json-*.pickle"):
        shard.unlink()  # so that dossier.json needs the alignment itself
    (project / "build" / "stories/flynn-kislyak/compare.html").unlink()
    again = build_project(project, CACHED)
    assert again.written is not None
    assert site_files(project / "build") == expected


# --- the spare site: the next build stages into the site the last one replaced ----------------------------

WEEK_PAGE = "stories/flynn-kislyak/the-week/index.html"


def spare_of(project: Path) -> Path:
    return project / CACHE_FOLDER / "build" / "spare-site"


def test_a_file_the_live_site_shares_with_the_spare_is_never_written_through(tmp_path: Path) -> None:
    """Unchanged files are hard links between the live site and the spare; a change must replace, not edit."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    edit_article(project, 0)  # the-moscow-times: its page changes, the-week's does not
    build_project(project, CACHED)
    live = (project / "build" / WEEK_PAGE).read_bytes()
    assert (spare_of(project) / WEEK_PAGE).samefile(project / "build" / WEEK_PAGE)
    _replace_in(project / STORY / "the-week.md", r"\n\n", "\n\nA new first paragraph for the test.\n\n")
    build_project(project, CACHED)
    assert b"A new first paragraph" in (project / "build" / WEEK_PAGE).read_bytes()
    assert (spare_of(project) / WEEK_PAGE).read_bytes() == live  # the site it replaced kept its bytes


def test_a_spare_with_leftovers_and_clashing_paths_still_gives_the_clean_site(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    build_project(project, BuildOptions(use_cache=True, output_dir=project / "clean"))  # no spare is made for it yet
    expected = site_files(project / "clean")
    spare = spare_of(project)
    shutil.copytree(project / "build", spare)
    (spare / "stale" / "index.html").parent.mkdir()
    (spare / "stale" / "index.html").write_text("stale", encoding="utf-8")
    (spare / "people").rename(spare / "people-moved")
    (spare / "people").write_text("a file where the people folder belongs", encoding="utf-8")
    shutil.rmtree(spare / "claims")
    (spare / "robots.txt").unlink()
    (spare / "robots.txt").mkdir()  # a folder where a file belongs
    (project / "build" / "index.html").unlink()  # so that the build does not stop early
    edit_note(project, 2)
    build_project(project, CACHED)
    build_project(project, BuildOptions(use_cache=False, output_dir=project / "clean"))
    assert site_files(project / "build") == site_files(project / "clean")
    assert site_files(project / "build") != expected  # the note changed


def test_a_spare_made_for_a_site_built_into_an_empty_folder_is_its_files_linked_and_the_next_build_uses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """make_spare gives a site built into an empty folder (which has no spare) one: its folders, each file linked
    to the live one, links and other files left out. The next build stages into it and makes no folder, and its
    site is a clean build's; a spare (or anything) already in its place is left alone."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    live = project / "build"
    (live / "a-link").symlink_to(tmp_path)  # not the build's: the spare must not follow or keep it
    spare = spare_of(project)
    assert not spare.exists()
    assert write_module.make_spare(live, spare)
    (live / "a-link").unlink()
    assert sorted(p.relative_to(spare).as_posix() for p in spare.rglob("*") if p.is_file()) == sorted(site_files(live))
    assert all((spare / path).samefile(live / path) for path in site_files(live))
    assert not (spare / "a-link").exists() and not (spare / "a-link").is_symlink()
    assert not write_module.make_spare(live, spare)  # one is there already
    folders: list[Path] = []
    make_folder = write_module.StagedSite._make_folder

    def noting(site: write_module.StagedSite, folder: Path) -> None:
        folders.append(folder)
        make_folder(site, folder)

    monkeypatch.setattr(write_module.StagedSite, "_make_folder", noting)
    edit_note(project, 3)
    build_project(project, CACHED)
    assert folders == []
    check_same(project, tmp_path / "clean")


def test_no_spare_is_made_through_a_link_in_the_cache_folders_place(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    build_project(project, BuildOptions(use_cache=False))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / CACHE_FOLDER).mkdir()
    (project / CACHE_FOLDER / "build").symlink_to(elsewhere)
    assert not write_module.make_spare(project / "build", spare_of(project))
    assert list(elsewhere.iterdir()) == []
    assert [p.name for p in project.iterdir() if p.name.startswith(".build.spare")] == []  # no temporary folder left


def test_a_cached_feed_follows_an_edit_to_a_registry_it_reads(tmp_path: Path) -> None:
    """Feeds are cached with what their templates read (the outlet's name comes from the sources registry)."""
    project = copy_example(tmp_path / "project")
    _replace_in(project / "dossier.yaml", r'\nbase_url: "/"', '\nbase_url: "https://dossier.example.org/flynn/"')
    build_project(project, CACHED)
    feed = project / "build" / "stories" / "flynn-kislyak" / "feed.xml"
    assert "The Week," in feed.read_text(encoding="utf-8")
    edit_outlet(project, 7)
    build_project(project, CACHED)
    assert "The Week 7," in feed.read_text(encoding="utf-8")
    check_same(project, tmp_path / "clean")


def test_a_claims_new_verdict_reaches_the_web_annotations_of_the_articles_that_quote_it(tmp_path: Path) -> None:
    """An article's Web Annotations are kept with the claims they name: a verdict edited in story.yaml (no
    sidecar changed) is in data/annotations.jsonld as in a clean build."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    before = (project / "build" / urls.ANNOTATIONS_FILE).read_bytes()
    edit_claim(project, 0)
    check_same(project, tmp_path / "clean")
    assert (project / "build" / urls.ANNOTATIONS_FILE).read_bytes() != before


def test_dossier_json_follows_an_edit_to_a_registry_that_no_article_changes_with(tmp_path: Path) -> None:
    """dossier.json's records of people, sources and claims are kept with what they read: a person's edited
    description and a claim's verdict are in it as in a clean build."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    for edit in (edit_person, edit_claim):
        before = (project / "build" / urls.DATA_FILE).read_bytes()
        edit(project, 0)
        check_same(project, tmp_path / "clean")
        assert (project / "build" / urls.DATA_FILE).read_bytes() != before


def test_a_build_collects_garbage_less_often_and_gives_the_callers_thresholds_back(tmp_path: Path) -> None:
    """A build of the example makes 20-odd collections at low thresholds, a few at the build's own; the
    caller's thresholds are back after it, also after a build that fails."""
    project = copy_example(tmp_path / "project")
    collections: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    callers = (500, 7, 9)
    previous = gc.get_threshold()
    gc.set_threshold(*callers)
    gc.callbacks.append(note)
    try:
        build_project(project, CACHED)
        assert len(collections) <= 5
        assert gc.get_threshold() == callers
        (project / "dossier.yaml").write_text("title: [", encoding="utf-8")
        assert build_project(project, CACHED).report.has_errors
        assert gc.get_threshold() == callers
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*previous)


def test_rendering_frees_the_cycles_pages_leave_though_the_caller_holds_the_collector_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dossier build` holds the collector back (cli.py); each page leaves cycles (Jinja's contexts, Markdown's
    renderers) that only it frees. Rendering runs it over the objects made meanwhile, so most of that garbage is
    freed as the pages are made, not left to the end (held back, some 50,000 objects here, growing with the
    pages); the caller's collector is as it was after."""
    project = generate(60, tmp_path / "project")
    monkeypatch.setattr(workers, "may_fork", lambda: False)  # every page rendered in this process
    thresholds = gc.get_threshold()
    freed: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            freed.append(info["collected"])

    gc.disable()
    gc.collect()
    gc.callbacks.append(note)
    try:
        assert not build_project(project, BuildOptions(search=False)).report.has_errors
        assert (gc.isenabled(), gc.get_freeze_count(), gc.get_threshold()) == (False, 0, thresholds)
        gc.callbacks.remove(note)
        left = gc.collect()
    finally:
        gc.enable()
        if note in gc.callbacks:
            gc.callbacks.remove(note)
    assert sum(freed) > left


def test_objects_the_caller_froze_stay_frozen_through_a_build(tmp_path: Path) -> None:
    """A program that embeds dossier and froze its own objects (to fork) finds them frozen after a build."""
    project = copy_example(tmp_path / "project")
    mine = [["the caller's"]]
    gc.freeze()
    try:
        assert not build_project(project, BuildOptions(search=False)).report.has_errors
        assert gc.get_freeze_count() > 0
        assert not any(found is mine for found in gc.get_objects())  # the permanent generation is not listed
    finally:
        gc.unfreeze()
    assert any(found is mine for found in gc.get_objects())


@pytest.mark.parametrize("options", [BuildOptions(search=False), CACHED], ids=["without the cache", "with it"])
def test_the_yaml_as_read_is_let_go_before_the_comparison(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: BuildOptions
) -> None:
    """The YAML trees, a location for every value, are not held through the comparison and render (at 5,000
    articles, about 170 MB): the model keeps the locations it reports."""
    project = copy_example(tmp_path / "project")
    alive: list[int] = []

    def count_then_compare(*args: Any, **kwargs: Any) -> Any:
        gc.collect()
        alive.append(sum(isinstance(o, LocatedDict | LocatedList) for o in gc.get_objects()))
        return compare_stories(*args, **kwargs)

    monkeypatch.setattr(compare_stage, "compare_stories", count_then_compare)
    assert not build_project(project, options).report.has_errors
    assert alive == [0]


def test_only_the_edited_articles_quotes_are_anchored_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edited note changes one article's annotations: the other article's anchors come from the cache."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    anchored_on: list[str] = []

    def locate_and_note(text: str, *args: Any, **kwargs: Any) -> Any:
        anchored_on.append(text)
        return locate_quote(text, *args, **kwargs)

    monkeypatch.setattr(anchor_stage, "locate_quote", locate_and_note)
    edit_note(project, 1)  # a note of the-moscow-times
    build_project(project, CACHED)
    assert len(set(anchored_on)) == 1
    opening = anchored_on[0][:60]
    assert opening in (project / STORY / "the-moscow-times.md").read_text(encoding="utf-8")
    assert opening not in (project / STORY / "the-week.md").read_text(encoding="utf-8")
    assert len(anchored_on) == (project / STORY / "the-moscow-times.yaml").read_text(encoding="utf-8").count("quote:")
    check_same(project, tmp_path / "clean")


def test_anchoring_messages_come_back_with_the_anchors_kept(tmp_path: Path) -> None:
    """A quote placed by fuzzy search warns in every build, also when its article's anchors come from the cache."""
    project = copy_example(tmp_path / "project")
    _replace_in(project / STORY / "the-week.yaml", "twice told the Post", "twice told The Post")
    first = build_project(project, CACHED)
    assert first.written is not None and first.report.warnings
    edit_note(project, 1)  # the-moscow-times, anchored again; the-week's anchors are kept
    again = build_project(project, CACHED)
    clean, _ = clean_build(project, tmp_path / "clean")
    assert list(map(str, again.report.diagnostics)) == list(map(str, clean.report.diagnostics))
    assert any("the-week.yaml" in str(warning) for warning in again.report.warnings)


def test_a_drafts_anchoring_messages_say_so_also_when_kept(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    _replace_in(project / STORY / "the-week.yaml", "twice told the Post", "twice told The Post")
    _replace_in(project / STORY / "the-week.md", "\ntitle:", "\ndraft: true\ntitle:")
    with_drafts = BuildOptions(use_cache=True, include_drafts=True)
    build_project(project, with_drafts)
    edit_note(project, 1)  # the-moscow-times, anchored again; the draft's anchors are kept
    again = build_project(project, with_drafts)
    warnings = [str(warning) for warning in again.report.warnings if "the-week.yaml" in str(warning)]
    assert warnings and all("warning: in a draft: " in warning for warning in warnings)


def damage_entries(project: Path, namespace: str, damaged: tuple[Any, ...]) -> None:
    """Replace every entry of a namespace of the build cache by one of `damaged`, in turn."""
    shards = sorted((project / CACHE_FOLDER / "build").glob(f"{namespace}-*.pickle"))
    assert shards
    for shard in shards:
        entries = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps({key: pickle.dumps(damaged[n % 3]) for n, key in enumerate(entries)}))


def test_damaged_anchors_in_the_cache_are_anchored_again(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    # A wrong type, a wrong count, no entry at all.
    damage_entries(project, ANCHORS_CACHE, (((None,), (), "x", 0), ((), (), 0, 0), "x"))
    edit_config(project, 3)  # so that the build does not stop early; anchors do not depend on it
    check_same(project, tmp_path / "clean")


def test_only_the_edited_articles_language_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The language read from each text is kept in the build cache: a rebuild reads only an edited text's."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    read: list[str] = []

    def detect_and_note(text: str) -> str | None:
        read.append(text)
        return detect_language(text)

    monkeypatch.setattr(compare_stage, "detect_language", detect_and_note)
    edit_article(project, 0)
    build_project(project, CACHED)
    assert len(read) == 1 and read[0].endswith("A sentence added by edit 0, naming Kislyak.")
    check_same(project, tmp_path / "clean")


def test_only_the_edited_articles_body_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged body's text comes from the build cache; its tokens are parsed only for a page that shows it, and
    the pages are those of a clean build."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    parsed: list[str] = []

    def parse_and_note(md: Any, body: str, first_line: int = 1) -> Any:
        parsed.append(body)
        return parse_article_text(md, body, first_line)

    monkeypatch.setattr(anchor_stage, "parse_article_text", parse_and_note)
    edit_note(project, 1)  # the-moscow-times' pages are rendered again, the-week's are kept
    checked = check_project(project, CACHED)
    assert parsed == [] and all(isinstance(text, anchor_stage.KeptText) for text in checked.texts.values())
    built = build_project(project, CACHED)
    assert built.written is not None and parsed  # the pages that show a body (its article's, the comparison)
    check_same(project, tmp_path / "clean")


def test_a_first_build_with_the_cache_lets_the_markdown_tokens_go_and_gives_the_clean_site(tmp_path: Path) -> None:
    """The tokens of every article, held from anchoring to render, were a fifth of a large build's memory: only the
    article's page reads them, and it parses them again."""
    project = copy_example(tmp_path / "project")
    checked = check_project(project, CACHED)
    assert checked.texts and all("tokens" not in vars(text) for text in checked.texts.values())
    assert all(text.tokens for text in checked.texts.values())  # parsed again when asked for
    # ... and not kept once read: each worker that rendered the article pages held every one it had parsed.
    assert all("tokens" not in vars(text) for text in checked.texts.values())
    shutil.rmtree(project / CACHE_FOLDER)
    check_same(project, tmp_path / "clean")


def test_damaged_texts_in_the_cache_are_parsed_again(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    damage_entries(project, TEXTS_CACHE, (("text", ((0, 0, 1, 0, "x", 1),), ()), ("text", (), ((0, 1.5),)), None))
    edit_note(project, 1)
    check_same(project, tmp_path / "clean")


def test_an_edited_mention_changes_the_persons_page_as_a_clean_build_does(tmp_path: Path) -> None:
    """Only a sidecar changes, yet the pages of the person the mention names now and named before change too."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    before = site_files(project / "build")
    edit_mention(project, 0)  # Russia's ambassador to Washington: sergey-kislyak -> michael-flynn
    check_same(project, tmp_path / "clean")
    after = site_files(project / "build")
    changed = {path for path in after if after[path] != before.get(path)}
    assert {"people/michael-flynn/index.html", "people/sergey-kislyak/index.html"} <= changed


@pytest.mark.parametrize("edit", [edit_alias, move_quotes], ids=lambda edit: edit.__name__)
def test_edits_that_move_mentions_and_quotes_give_the_clean_site(
    edit: Callable[[Path, int], None], tmp_path: Path
) -> None:
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    for n in range(3):
        edit(project, n)
        check_same(project, tmp_path / "clean")


def _kept_records(project: Path) -> tuple[Any, ...]:
    """The pages' records the last build kept (CacheStore.put_whole)."""
    records = CacheStore(project / CACHE_FOLDER / "build").get_whole(RECORDS_FILE)
    assert records is not None
    return records


def _keep_records(project: Path, records: tuple[Any, ...]) -> None:
    CacheStore(project / CACHE_FOLDER / "build").put_whole(RECORDS_FILE, records)


def test_pages_records_of_another_shape_are_not_used(tmp_path: Path) -> None:
    """The records as an older dossier stored them (no fingerprints), or damaged: every page is rendered again."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    global_key, dependencies, fingerprints, records, stand_ins = _kept_records(project)
    shapes = (
        (global_key, records, dict(zip(dependencies, fingerprints, strict=True))),  # as dossier kept them before
        (global_key, dependencies, fingerprints, records),  # as it kept them before the stand-ins
        (global_key, dependencies, fingerprints, None, stand_ins),
        (global_key, dependencies, fingerprints[1:], records, stand_ins),
        (global_key, dependencies, fingerprints, {"x": "y"}, stand_ins),
        (global_key, dependencies, fingerprints, records, [*stand_ins]),
        (global_key, dependencies, fingerprints, records, tuple(kept[:3] for kept in stand_ins)),
    )
    for n, damaged in enumerate(shapes):
        _keep_records(project, damaged)
        edit_note(project, n)
        check_same(project, tmp_path / "clean")


def test_a_spilled_namespaces_new_entries_wait_on_disk_and_are_stored_as_any(tmp_path: Path) -> None:
    """spill: a namespace's new entries are not held in memory until its shards are written, yet are read, kept
    and written back as any entry: replacing what was stored, beside what is kept, without what is unused."""
    first = CacheStore(tmp_path / "cache")
    for key in ("a1", "a2", "b1"):
        first.put("data", key, f"old {key}")
    first.finish("data")
    store = CacheStore(tmp_path / "cache")
    store.spill("data")
    store.put("data", "a1", "new a1" * 1000)  # replaces the stored a1
    store.put("data", "c1", "new c1")
    assert store.keep("data", "b1") and store.keep("data", "c1")
    held = [data for shard in store._shards.values() for data in shard.values()]
    assert not any(pickle.loads(data).startswith("new") for data in held)  # the new ones are not in memory
    assert store.get("data", "a1") == "new a1" * 1000 and store.get("data", "c1") == "new c1"
    store.write_back("data")
    assert store._spill is None  # the temporary file is closed once every spilled shard is written
    again = CacheStore(tmp_path / "cache")
    assert [again.get("data", key) for key in ("a1", "a2", "b1", "c1")] == ["new a1" * 1000, None, "old b1", "new c1"]


def test_a_namespace_written_back_is_in_memory_one_shard_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_back lets each shard go as soon as it is written: its spilled entries come back from the temporary
    file for that long, never the whole namespace's at once (dossier.json's parts at 5,000 articles: +15 MiB)."""
    store = CacheStore(tmp_path / "cache")
    store.spill("data")
    for first in "0123456789abcdef":
        store.put("data", f"{first}1", f"entry {first}")
    held_while_writing: list[int] = []
    write = store._write

    def counting_write(name: str, pickled: Callable[[BinaryIO], object]) -> None:
        held_while_writing.append(sum(len(entries) for shard, entries in store._shards.items() if shard[0] == "data"))
        write(name, pickled)

    monkeypatch.setattr(store, "_write", counting_write)
    store.write_back("data")
    assert held_while_writing == [1] * 16  # the entry being written: those written before are gone
    again = CacheStore(tmp_path / "cache")
    assert [again.get("data", f"{first}1") for first in "0f"] == ["entry 0", "entry f"]


def test_a_cache_another_dossier_wrote_is_not_read_and_its_shards_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every key holds the version_key(), so no entry of another dossier's cache can be used: its shards are not
    even read (they were all loaded into memory for nothing: the first build after an upgrade peaked at 806 MiB
    against a cold build's 647 at 5,000 articles), and finish deletes them; the same dossier reads its own."""
    older = CacheStore(tmp_path / "cache")
    older.put("compare", "a1", ("old",))
    older.finish("compare")
    assert (tmp_path / "cache" / cache_module.VERSION_FILE).read_text() == cache_module.version_key()
    assert CacheStore(tmp_path / "cache").get("compare", "a1") == ("old",)  # the same dossier: read
    read: list[str] = []
    monkeypatch.setattr(cache_module, "version_key", lambda: "another dossier")
    newer = CacheStore(tmp_path / "cache")

    def noting(_: object, name: str, **__: object) -> bytes:
        read.append(name)
        return b""

    with monkeypatch.context() as reading:
        reading.setattr(type(newer._kept), "read", noting)
        assert newer.get("compare", "a1") is None and not newer.keep("compare", "a1")
    assert read == []  # not a shard of it read
    newer.put("compare", "b1", ("new",))
    newer.finish("compare")
    assert sorted(p.name for p in (tmp_path / "cache").glob("*.pickle")) == ["compare-b.pickle"]
    assert (tmp_path / "cache" / cache_module.VERSION_FILE).read_text() == "another dossier"
    assert CacheStore(tmp_path / "cache").get("compare", "b1") == ("new",)


def test_a_value_kept_whole_is_pickled_as_it_is_written_and_read_back_only_by_its_own_dossier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """put_whole writes one large value (the pages' records) to a file of its own as it pickles it, never holding
    its pickle as bytes (pickle.dumps here fails), each of its parts apart (the pickler's memo of one part at a
    time); get_whole reads it back, and gives None for a missing, damaged or refused file, or for another
    dossier's (another version), as shards are."""
    records = ("key", (("articles", "a"),), ("print",), {"page/index.html": (b"\0\0\0\0", "digest", None)}, ())
    damaged = (b"not a pickle", pickle.dumps(os.system))
    store = CacheStore(tmp_path / "cache")
    with monkeypatch.context() as pickling:
        pickling.setattr(pickle, "dumps", _refuse)  # pickle.dump to the file is what may run
        store.put_whole("page-records", records)
    assert store.get_whole("page-records") == records
    assert CacheStore(tmp_path / "cache").get_whole("page-records") == records
    with (tmp_path / "cache" / "page-records.whole.pickle").open("rb") as kept:  # a pickle (and memo) a part
        assert tuple(pickle.load(kept) for _ in records) == records and not kept.read()
    assert CacheStore(tmp_path / "cache").get_whole("other") is None
    assert (tmp_path / "cache" / cache_module.VERSION_FILE).read_text() == cache_module.version_key()
    monkeypatch.setattr(cache_module, "version_key", lambda: "another dossier")
    newer = CacheStore(tmp_path / "cache")
    assert newer.get_whole("page-records") is None  # another dossier's
    newer.put_whole("page-records", ("new",))
    assert newer.get_whole("page-records") == ("new",)  # its own, read back
    path = tmp_path / "cache" / "page-records.whole.pickle"
    for bad in damaged:
        path.write_bytes(bad)
        assert newer.get_whole("page-records") is None


def _refuse(*_: object, **__: object) -> bytes:
    raise AssertionError("pickled into memory whole")


def test_the_pages_records_are_a_file_of_their_own_and_an_older_dossiers_shard_goes(tmp_path: Path) -> None:
    """A build keeps the pages' records with put_whole; the shard an older dossier kept them in is removed."""
    project = copy_example(tmp_path / "project")
    cache = project / CACHE_FOLDER / "build"
    cache.mkdir(parents=True)
    (cache / "pages-r.pickle").write_bytes(pickle.dumps({"records": pickle.dumps(("older",))}))
    build_project(project, CACHED)
    assert not (cache / "pages-r.pickle").exists()
    assert isinstance(CacheStore(cache).get_whole(RECORDS_FILE), tuple)
    edit_note(project, 0)
    check_same(project, tmp_path / "clean")


def test_a_namespace_written_back_early_is_read_again_and_kept(tmp_path: Path) -> None:
    """write_back writes a namespace and lets it go from memory: a later get reads it from disk, a put after it
    is written at finish, and finish does not take the shards it no longer holds for unused ones."""
    store = CacheStore(tmp_path / "cache")
    store.put("compare", "a1", ("first",))
    store.put("compare", "b2", ("second",))
    store.write_back("compare")
    files = sorted(p.name for p in (tmp_path / "cache").glob("*.pickle"))
    assert files == ["compare-a.pickle", "compare-b.pickle"]
    assert store.get("compare", "a1") == ("first",)  # read from disk again
    store.put("compare", "c3", ("third",))  # after write_back (an alignment made again)
    store.finish("compare")
    assert sorted(p.name for p in (tmp_path / "cache").glob("*.pickle")) == [*files, "compare-c.pickle"]
    again = CacheStore(tmp_path / "cache")
    assert [again.get("compare", key) for key in ("a1", "b2", "c3")] == [("first",), ("second",), ("third",)]


def test_entries_put_and_written_back_a_shard_at_a_time_are_kept_with_the_kept_ones(tmp_path: Path) -> None:
    """put_and_write_back: the new entries and those the build kept are on disk, an unused one is gone, and the
    namespace is no longer held in memory (each shard is let go once written)."""
    first = CacheStore(tmp_path / "cache")
    first.put_and_write_back("compare", {"a1": ("old a1",), "a2": ("unused",), "b1": ("old b1",)})
    store = CacheStore(tmp_path / "cache")
    assert store.keep("compare", "a1") and store.keep("compare", "b1")
    store.put_and_write_back("compare", {"a3": ("new a3",), "c1": ("new c1",)})
    assert not [shard for shard in store._shards if shard[0] == "compare"]
    assert sorted(p.name for p in (tmp_path / "cache").glob("*.pickle")) == [f"compare-{s}.pickle" for s in "abc"]
    again = CacheStore(tmp_path / "cache")
    found = {key: again.get("compare", key) for key in ("a1", "a2", "a3", "b1", "c1")}
    assert found == {"a1": ("old a1",), "a2": None, "a3": ("new a3",), "b1": ("old b1",), "c1": ("new c1",)}


def test_an_alignment_made_again_after_the_write_back_is_kept_for_the_next_build(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    for shard in sorted((project / CACHE_FOLDER).rglob("compare-*.pickle")):
        entries = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps({key: b"not a pickle" for key in entries}))
    for shard in (project / CACHE_FOLDER).rglob("json-*.pickle"):
        shard.unlink()  # so that dossier.json needs the alignment itself
    (project / "build" / "stories/flynn-kislyak/compare.html").unlink()
    build_project(project, CACHED)  # aligns the pair again, after the comparison wrote its namespace back
    stored = [
        pickle.loads(data)
        for shard in sorted((project / CACHE_FOLDER).rglob("compare-*.pickle"))
        for data in pickle.loads(shard.read_bytes()).values()
    ]
    assert stored and all(type(value).__name__ == "Alignment" for value in stored)


def test_a_page_whose_record_names_no_dependency_in_the_table_is_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A damaged record (reads past the end of the table, or bytes that are no whole number of reads) is
    taken as missing: the page is rendered, never reused and never a crash."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    global_key, dependencies, fingerprints, records, stand_ins = _kept_records(project)
    person, source = "people/michael-flynn/index.html", "sources/the-week/index.html"
    records[person] = (array("I", [len(dependencies)]).tobytes(), *records[person][1:])
    records[source] = (records[source][0] + b"\0", *records[source][1:])
    damaged = (global_key, dependencies, fingerprints, records, stand_ins)
    _keep_records(project, damaged)
    rendered = rendered_pages(monkeypatch)
    build_project(project, CACHED)
    assert person in rendered and source in rendered
    assert "people/sergey-kislyak/index.html" not in rendered
    check_same(project, tmp_path / "clean")


def test_a_page_kept_unread_is_not_looked_at_again_and_its_record_says_how_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept page is its previous file, linked: its size, time and inode are those `reuse` found, so the build
    takes no second look at it after the swap, and the record it keeps still matches the file."""
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    looked: list[Path] = []
    on_disk = incremental._on_disk

    def noting(path: Path) -> tuple[int, int, int] | None:
        looked.append(path)
        return on_disk(path)

    monkeypatch.setattr(incremental, "_on_disk", noting)
    edit_note(project, 1)
    build_project(project, CACHED)
    pages = [path.relative_to(project / "build").as_posix() for path in looked]
    assert len(pages) == len(set(pages))  # each page looked at once: before it is kept, or once written
    records = _kept_records(project)[3]
    assert records and all(on_disk(project / "build" / path) == record[2] for path, record in records.items())
    check_same(project, tmp_path / "clean")


def _data_files(project: Path) -> list[bytes]:
    return [(project / "build" / path).read_bytes() for path in (urls.DATA_FILE, urls.ANNOTATIONS_FILE)]


def test_dossier_json_and_the_web_annotations_are_the_same_in_runs_of_any_length(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The articles' records and Web Annotations are encoded (and cached) a run of articles at a time: the bytes
    are those of encoding each file whole, whatever the runs, and a rebuild encodes again only the edited
    article's run."""
    whole = copy_example(tmp_path / "whole")
    build_project(whole)
    monkeypatch.setattr(data, "ARTICLES_PER_RUN", 1)
    project = copy_example(tmp_path / "project")
    build_project(project, CACHED)
    assert _data_files(project) == _data_files(whole)
    encoded: list[str] = []
    article_json = data.article_json

    def noting(article: Article, text: ArticleText) -> str:
        encoded.append(article.id)
        return article_json(article, text)

    monkeypatch.setattr(data, "article_json", noting)
    edit_note(project, 1)  # a note of the-moscow-times
    build_project(project, CACHED)
    assert encoded == ["the-moscow-times"]
    check_same(project, tmp_path / "clean")


def test_dossier_jsons_comparisons_are_made_and_kept_a_story_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparisons part of dossier.json (12 MB at 5,000 articles, once held whole and cached as one entry) is
    encoded and cached a story at a time: an article edit makes again only its own story's, and the bytes are
    those of a clean build."""
    project = generate(15, tmp_path / "project")  # three stories of five articles
    options = BuildOptions(use_cache=True, search=False)
    assert build_project(project, options).written is not None
    made: list[str] = []
    real = data.comparisons_json

    def noting(story: Story, comparison: Any) -> str:
        made.append(story.id)
        return real(story, comparison)

    monkeypatch.setattr(incremental, "comparisons_json", noting)  # the name render/incremental.py calls
    article = project / "content" / "story-0001" / "article-00007.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added at the end.\n", encoding="utf-8")
    assert build_project(project, options).written is not None
    assert made == ["story-0001"]
    check_same(project, tmp_path / "clean")


def _published(project: Path) -> Path:
    """The project with an absolute base_url: its site has feeds and a sitemap."""
    _replace_in(project / "dossier.yaml", r'\nbase_url: "/"', '\nbase_url: "https://dossier.example.org/flynn/"')
    return project


def test_a_story_feed_is_kept_as_a_page_is_and_every_edit_gives_the_clean_feeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A story's feed is a page to the cache (what it read is noted): a rebuild keeps it, unread, unless what it
    read changed; only the site feed, the sitemap and robots.txt are cached by their inputs."""
    project = _published(copy_example(tmp_path / "project"))
    build_project(project, CACHED)
    by_inputs: list[str] = []
    rendered = incremental.PageCache.rendered

    def noting(cache: incremental.PageCache, path: str, *args: Any) -> bytes | None:
        by_inputs.append(path)
        return rendered(cache, path, *args)

    monkeypatch.setattr(incremental.PageCache, "rendered", noting)
    pages = rendered_pages(monkeypatch)
    build_project(project, CACHED)  # nothing changed, but every stage runs
    assert sorted(by_inputs) == ["feed.xml", "robots.txt", "sitemap.xml"]
    assert "stories/flynn-kislyak/feed.xml" not in pages
    for n, edit in enumerate(EDITS):
        edit(project, n)
        check_same(project, tmp_path / "clean")
    assert "stories/flynn-kislyak/feed.xml" in pages


def test_every_entry_a_build_stores_reads_back_through_the_caches_safe_unpickler(tmp_path: Path) -> None:
    """The cache refuses an entry that names a class outside ALLOWED_CLASSES, and then makes it again: a class of
    the model missing there (the comparison's Conflict was) silently costs a realignment on every read. Every
    entry of every namespace a build of a generated dossier stores, conflicts among them, must read back."""
    project = generate(40, tmp_path / "project")
    assert build_project(project, BuildOptions(use_cache=True, search=False)).written is not None
    cache = project / CACHE_FOLDER / "build"
    shards = sorted(set(cache.glob("*.pickle")) - set(cache.glob("*.whole.pickle")))
    assert {shard.name.split("-")[0] for shard in shards} >= {"compare", "parts", "yaml", "story", "data"}
    assert CacheStore(cache).get_whole(RECORDS_FILE)  # a file of its own (put_whole), read through it too
    conflicts = 0
    for shard in shards:
        for stored in pickle.loads(shard.read_bytes()).values():
            value = cache_module._SafeUnpickler(io.BytesIO(stored)).load()  # raises for a refused class
            if isinstance(value, Alignment):
                conflicts += sum(1 for pair in value.pairs if pair.conflict)
    assert conflicts, "the generated dossier has no conflicting figures to check"


@pytest.mark.parametrize("defers", [False, True])
def test_a_data_files_parts_are_written_back_once_it_is_written_unless_the_build_defers_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defers: bool
) -> None:
    """A cold build writes the parts of dossier.json back to the cache (and lets them go from memory) as soon as
    the file is written, and those of annotations.jsonld as soon as it is: held to the end of the build, they
    were its peak of memory. A build that writes its cache after the reload (`serve`) leaves them for then."""
    project = generate(12, tmp_path / "project")
    cache_folder = project / CACHE_FOLDER / "build"
    on_disk_when_added: dict[str, set[str]] = {}
    add = write_module.StagedSite.add

    def noting(site: write_module.StagedSite, output: Output) -> None:
        if output.path in (urls.ANNOTATIONS_FILE, "feed.xml"):
            names = {shard.name.rsplit("-", 1)[0] for shard in cache_folder.glob("data-*.pickle")}
            on_disk_when_added[output.path] = names
        add(site, output)

    monkeypatch.setattr(write_module.StagedSite, "add", noting)
    built = build_project(project, BuildOptions(use_cache=True, search=False, defer_cache_write=defers))
    assert built.written is not None
    if defers:
        assert on_disk_when_added == {urls.ANNOTATIONS_FILE: set(), "feed.xml": set()}
        assert built.keep_for_next_build is not None
        built.keep_for_next_build()
    else:
        assert on_disk_when_added == {
            urls.ANNOTATIONS_FILE: {"data-json"},
            "feed.xml": {"data-json", "data-annotations"},
        }
    assert {shard.name.rsplit("-", 1)[0] for shard in cache_folder.glob("data-*.pickle")} == {
        "data-json", "data-annotations"
    }  # fmt: skip
    # The next build (every stage run) takes every part from the cache: nothing of either file is encoded again.
    monkeypatch.setattr(data, "article_json", _never_called)
    monkeypatch.setattr(data, "annotation_items", _never_called)
    rebuilt = build_project(project, BuildOptions(use_cache=True, search=False))
    assert rebuilt.written is not None and rebuilt.written.changed == ()


def _never_called(*_: object) -> Any:
    raise AssertionError("made again, not taken from the cache")


def test_an_article_edit_after_other_rebuilds_makes_again_only_its_own_comparisons_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dossier.json's comparison parts are taken whole while no alignment changed; the parts of each comparison
    they are made from stay in the cache meanwhile, so an article edit later makes again only its own pairs'."""
    project = generate(15, tmp_path / "project")
    options = BuildOptions(use_cache=True, search=False)
    assert build_project(project, options).written is not None
    sidecar = project / "content" / "story-0001" / "article-00005.yaml"
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace('note: "', 'note: "Edited. ', 1), encoding="utf-8")
    assert build_project(project, options).written is not None  # took the comparison parts whole
    made: list[Alignment] = []
    real = data.comparison_json

    def counted(alignment: Alignment) -> Any:
        made.append(alignment)
        return real(alignment)

    monkeypatch.setattr(incremental, "comparison_json", counted)  # the name render/incremental.py calls
    article = project / "content" / "story-0000" / "article-00004.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added at the end.\n", encoding="utf-8")
    assert build_project(project, options).written is not None
    assert 0 < len(made) <= 4  # the edited article's pairs in its story of five
