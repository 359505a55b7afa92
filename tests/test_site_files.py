"""Publishing files: feeds, sitemap, robots.txt, .nojekyll, CNAME, head meta, and the search index's build step."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from dossier import search, urls
from dossier.cli import main
from dossier.diagnostics import Location, Report
from dossier.pipeline import BuildOptions, Built, build_project
from dossier.render.site_files import feeds
from dossier.search import ENTRY_FILE, INDEX_FOLDER, index_site, pagefind_binary
from tests.conftest import copy_example
from tests.test_write import digest_tree

SITE = "https://editor.github.io/flynn-dossier/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def set_config(project: Path, **values: str) -> None:
    """Replace (or add) top-level keys of the project's dossier.yaml."""
    config = project / "dossier.yaml"
    text = config.read_text(encoding="utf-8")
    for key, value in values.items():
        line = f"{key}: {value}"
        text, found = re.subn(rf"(?m)^{key}:.*$", line, text)
        if not found:
            text += f"\n{line}\n"
    config.write_text(text, encoding="utf-8")


def build(project: Path, **options: Any) -> Built:
    built = build_project(project, BuildOptions(**options))
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    return built


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_example(tmp_path_factory.mktemp("published"))
    set_config(project, base_url=f'"{SITE}"', cname='"flynn.example.org"')
    built = build(project, search=False)
    assert built.output_dir is not None
    return built.output_dir


def test_github_pages_files(published: Path) -> None:
    assert (published / ".nojekyll").read_bytes() == b""
    assert (published / "CNAME").read_text() == "flynn.example.org\n"
    robots = (published / "robots.txt").read_text().splitlines()
    assert robots[:2] == ["User-agent: *", "Disallow:"]
    assert f"Sitemap: {SITE}sitemap.xml" in robots


def test_the_sitemap_lists_every_page_by_absolute_url_dated_only_by_the_content(published: Path) -> None:
    root = ElementTree.fromstring((published / "sitemap.xml").read_bytes())
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}
    pages = {p.relative_to(published).as_posix() for p in published.rglob("*.html")} - {"404.html"}
    assert set(entries) == {urls.absolute_url(SITE, page) for page in pages}
    assert entries[SITE] == "2026-11-25"  # the newest date in the content: the story's date of review
    assert entries[f"{SITE}stories/flynn-kislyak/the-moscow-times/"] == "2017-02-14"  # its publication date
    assert entries[f"{SITE}stories/flynn-kislyak/the-week/"] is None  # published: not given; never guessed
    assert entries[f"{SITE}people/michael-flynn/"] is None


def atom(path: Path) -> ElementTree.Element:
    return ElementTree.fromstring(path.read_bytes())


def test_the_site_feed_has_every_article_and_claim_newest_first(published: Path) -> None:
    feed = atom(published / "feed.xml")
    assert feed.findtext(f"{ATOM}id") == SITE
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}feed.xml"  # type: ignore[union-attr]
    entries = feed.findall(f"{ATOM}entry")
    kinds = [e.find(f"{ATOM}category").get("term") for e in entries]  # type: ignore[union-attr]
    assert kinds.count("article") == 2 and kinds.count("claim") == 12
    updated = [e.findtext(f"{ATOM}updated") or "" for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i and i.startswith(SITE) for i in ids)
    moscow = next(e for e in entries if e.findtext(f"{ATOM}title", "").startswith("Trump Security Advisor"))
    assert moscow.findtext(f"{ATOM}published") == "2017-02-14T00:00:00Z"
    # HTML summaries are escaped once into the XML and parse back to HTML.
    claim = next(e for e in entries if e.find(f"{ATOM}category[@term='claim']") is not None)
    summary = BeautifulSoup(claim.findtext(f"{ATOM}summary") or "", "html.parser")
    assert summary.find("strong") is not None and "Verdict:" in summary.get_text()


def test_the_site_feed_keeps_the_newest_entries_and_each_story_feed_all_of_its_own(example_build: Built) -> None:
    dossier = example_build.checked.dossier
    assert dossier is not None
    found = feeds(dossier, SITE, site_entries=5)
    site, story = found[urls.ATOM_FEED], found[urls.story_feed_path("flynn-kislyak")]
    assert len(story.entries) == 14 and site.entries == story.entries[:5]
    assert site.updated == story.updated == story.entries[0].updated


def test_each_story_has_its_feed_and_its_pages_link_to_it(published: Path) -> None:
    feed = atom(published / "stories" / "flynn-kislyak" / "feed.xml")
    assert feed.findtext(f"{ATOM}id") == f"{SITE}stories/flynn-kislyak/"
    assert len(feed.findall(f"{ATOM}entry")) == 14
    for page in ("stories/flynn-kislyak/index.html", "stories/flynn-kislyak/the-week/index.html"):
        soup = BeautifulSoup((published / page).read_text(encoding="utf-8"), "html.parser")
        links = soup.select('head link[rel="alternate"][type="application/atom+xml"]')
        feeds = {(published / page).parent.joinpath(str(link["href"])).resolve() for link in links}
        assert feeds == {(published / "feed.xml").resolve(), (published / "stories/flynn-kislyak/feed.xml").resolve()}


def test_every_page_has_sharing_meta_canonical_link_and_favicon(published: Path) -> None:
    for page in sorted(published.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        head = soup.head
        assert head is not None
        meta = {m.get("property") or m.get("name"): m.get("content") for m in head.find_all("meta")}
        shown = page.relative_to(published)
        for key in ("og:title", "og:description", "og:type", "og:site_name", "twitter:card"):
            assert meta.get(key), f"{shown}: no {key}"
        # X (Twitter) falls back to og:title and og:description: the page does not repeat them.
        assert "twitter:title" not in meta and "twitter:description" not in meta, shown
        icon = head.find("link", rel="icon")
        assert icon is not None and icon["type"] == "image/svg+xml", shown
        if page.name == "404.html":
            assert meta["robots"] == "noindex" and head.find("link", rel="canonical") is None
            continue
        canonical = head.find("link", rel="canonical")
        assert canonical is not None and meta["og:url"] == canonical["href"], shown
        assert canonical["href"] == urls.absolute_url(SITE, shown.as_posix())


def test_a_site_that_does_not_know_its_address_claims_none(example_site: Path) -> None:
    """base_url "/" (the example's): a canonical link or og:url at the domain's root would be wrong for a site
    served under https://USER.github.io/REPO/, so there is none (and no feed or sitemap)."""
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        head = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").head
        assert head is not None
        assert head.find("link", rel="canonical") is None, page
        assert head.find("meta", property="og:url") is None, page
    assert not (example_site / "feed.xml").exists() and not (example_site / "sitemap.xml").exists()


def test_search_markup_types_each_entity_page(published: Path, tmp_path: Path) -> None:
    def main_of(path: str) -> dict[str, object]:
        soup = BeautifulSoup((published / path).read_text(encoding="utf-8"), "html.parser")
        element = soup.find("main")
        assert element is not None
        return dict(element.attrs)

    assert main_of("people/michael-flynn/index.html")["data-pagefind-meta"] == "type:person"
    assert main_of("claims/flynn-denied-sanctions-talk/index.html")["data-pagefind-meta"] == "type:claim"
    assert "data-pagefind-body" not in main_of("people/index.html")  # lists are not search results
    # Built with search off: no box, no index.
    soup = BeautifulSoup((published / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find(id="site-search") is None and not (published / "pagefind").exists()


def test_without_an_absolute_url_there_are_no_feeds_or_sitemap(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, base_url='"/"')
    built = build(project, search=False)
    assert built.output_dir is not None
    site = built.output_dir
    assert not (site / "feed.xml").exists() and not (site / "sitemap.xml").exists()
    assert "Sitemap" not in (site / "robots.txt").read_text()
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("link", type="application/atom+xml") is None
    assert soup.find("meta", property="og:url") is None


def test_a_cname_gives_the_site_its_address(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, base_url='"/"', cname="Flynn.Example.org")
    site = build(project, search=False).output_dir
    assert site is not None
    assert (site / "CNAME").read_text() == "flynn.example.org\n"
    assert "Sitemap: https://flynn.example.org/sitemap.xml" in (site / "robots.txt").read_text()


@pytest.mark.parametrize("cname", ["https://flynn.example.org", "flynn.example.org/path", "localhost", "a b.org"])
def test_a_cname_must_be_a_bare_domain_name(cname: str, tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, cname=f'"{cname}"')
    report = build_project(project).report
    assert [str(d) for d in report.errors] == [
        f"dossier.yaml:{d.location.line}:{d.location.column}: error: cname must be a domain name such as "
        f"'dossier.example.org', without https:// or a path; not '{cname.lower()}'"
        for d in report.errors
    ]
    assert len(report.errors) == 1


def test_a_cname_that_disagrees_with_base_url_is_a_warning(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, base_url=f'"{SITE}"', cname="flynn.example.org")
    built = build(project, search=False)
    assert any("differs from base_url's host 'editor.github.io'" in str(w) for w in built.report.warnings)


def test_base_url_from_the_command_line_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_example(tmp_path)
    code = main(["build", "-C", str(project), "--base-url", "https://ci.example.org/repo", "--no-search", "-q"])
    assert code == 0, capsys.readouterr().err
    assert "Sitemap: https://ci.example.org/repo/sitemap.xml" in (project / "build" / "robots.txt").read_text()
    assert not (project / "build" / "pagefind").exists()
    assert main(["build", "-C", str(project), "--base-url", "ci.example.org"]) == 1
    assert "--base-url:1:1: error: base_url must be an absolute URL" in capsys.readouterr().err


# --- the search index ------------------------------------------------------------------------------------------


def test_search_indexes_the_site_and_a_rebuild_keeps_the_unchanged_index_files(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    site = build(project).output_dir
    assert site is not None
    index = site / "pagefind"
    assert (index / "pagefind-ui.js").is_file() and (index / "pagefind-entry.json").is_file()
    ui_inode = (index / "pagefind-ui.js").stat().st_ino
    story = project / "content" / "flynn-kislyak" / "story.yaml"
    story.write_text(story.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    rebuilt = build(project)
    assert rebuilt.written is not None and rebuilt.written.written > 0
    assert (index / "pagefind-ui.js").stat().st_ino == ui_inode  # the same bytes: hard-linked, not rewritten
    assert not [p for p in tmp_path.iterdir() if ".staging" in p.name or ".old" in p.name]


def test_articles_in_other_languages_are_indexed_with_the_rest_of_the_site(tmp_path: Path) -> None:
    """Pagefind makes an index for each `<html lang>` and searches only the page's own: an article page in its
    article's language would be found only from pages in that language. Pages are in the site's language; the
    article's words carry their own (`lang` on its title and passages)."""
    project = copy_example(tmp_path / "project")
    path = project / "content" / "flynn-kislyak" / "the-moscow-times.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\n", "---\nlanguage: de\n", 1), "utf-8")
    site = build(project, base_url=SITE).output_dir
    assert site is not None
    entry = json.loads((site / INDEX_FOLDER / ENTRY_FILE).read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["en"]
    assert entry["languages"]["en"]["page_count"] == len(search.indexed_pages(site))
    page = BeautifulSoup((site / "stories/flynn-kislyak/the-moscow-times/index.html").read_bytes(), "html.parser")
    assert page.html is not None and page.html["lang"] == "en"
    assert {p["lang"] for p in page.select(".passage-text")} == {"de"} and page.select_one("h1 span[lang=de]")
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    marked = [(t.text, t.get(xml_lang)) for t in atom(site / "feed.xml").iter(f"{ATOM}title") if t.get(xml_lang)]
    assert marked == [(page.h1.get_text(strip=True), "de")]  # type: ignore[union-attr]  # its title, and no other


def test_the_search_index_of_a_site_in_several_languages_is_the_same_every_time(tmp_path: Path) -> None:
    """Pagefind lists languages in hash-map order, random per run; the index must not differ between builds. Pages
    of several languages come from a theme that sets `<html lang>` by the article's (the default theme does not)."""
    project = copy_example(tmp_path / "project")
    site = build(project, search=False).output_dir
    binary = pagefind_binary()
    assert site is not None and binary is not None
    story = site / "stories" / "flynn-kislyak"
    for article, language in (("the-week", "en-US"), ("the-moscow-times", "de")):
        page = story / article / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace('<html lang="en"', f'<html lang="{language}"', 1))
    entries = set()
    for _ in range(4):
        shutil.rmtree(site / INDEX_FOLDER, ignore_errors=True)
        assert index_site(site, binary, Report(), Location("dossier.yaml"))
        entries.add((site / INDEX_FOLDER / ENTRY_FILE).read_bytes())
    (entry,) = entries
    assert list(json.loads(entry)["languages"]) == ["de", "en", "en-us"]


def test_search_false_and_no_search_skip_the_index(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, search="false")
    site = build(project).output_dir
    assert site is not None and not (site / "pagefind").exists()
    set_config(project, search="true")
    assert (build(project).output_dir / "pagefind").is_dir()  # type: ignore[operator]
    site = build(project, search=False).output_dir
    assert site is not None and not (site / "pagefind").exists()  # the stale index is removed


def test_without_pagefind_the_site_is_built_without_search_and_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    project = copy_example(tmp_path / "project")
    built = build(project)
    assert [str(w) for w in built.report.warnings if "Pagefind" in str(w)] == [
        "dossier.yaml:1:1: warning: Pagefind is not installed, so the site has no search; install it with "
        "`pip install 'pagefind[bin]'`, or set `search: false` in dossier.yaml"
    ]
    assert built.output_dir is not None and not (built.output_dir / "pagefind").exists()
    soup = BeautifulSoup((built.output_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find(id="site-search") is None


def test_a_failing_pagefind_is_a_warning_and_leaves_no_partial_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = tmp_path / "pagefind"
    failing.write_text("#!/bin/sh\necho 'out of cheese' >&2\nmkdir -p \"$2/pagefind\"\nexit 3\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    project = copy_example(tmp_path / "project")
    built = build(project)
    assert any("Pagefind failed: exit status 3: out of cheese" in str(w) for w in built.report.warnings)
    assert built.output_dir is not None and not (built.output_dir / "pagefind").exists()


def test_two_builds_with_search_are_byte_identical_index_included(tmp_path: Path) -> None:
    first, second = copy_example(tmp_path / "first"), copy_example(tmp_path / "second")
    build(first), build(second)
    first_files, second_files = digest_tree(first / "build"), digest_tree(second / "build")
    assert any(path.startswith("pagefind/") for path in first_files)
    assert first_files == second_files
