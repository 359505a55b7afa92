"""The search index covers each text once: Pagefind reads only the entity pages, and on them only what no other
page holds (dossier/search.py, the `data-pagefind-*` attributes of the default theme)."""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from dossier import search, write
from dossier.cache import cache_dir_for
from dossier.pipeline import SPARE_SITE, BuildOptions, build_project
from dossier.search import ENTRY_FILE, INDEX_FOLDER, pagefind_binary
from tests.conftest import copy_example
from tests.test_site_files import set_config


def built_site(project: Path, search: bool) -> Path:
    built = build_project(project, BuildOptions(search=search))
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    assert built.output_dir is not None
    return built.output_dir


def is_indexed(element: Tag) -> bool:
    """Inside a `data-pagefind-body` and outside every `data-pagefind-ignore`, as Pagefind reads a page."""
    ancestors = [element, *element.parents]
    in_body = any(a.has_attr("data-pagefind-body") for a in ancestors if isinstance(a, Tag))
    return in_body and not any(a.has_attr("data-pagefind-ignore") for a in ancestors if isinstance(a, Tag))


def elements(site: Path, pattern: str, selector: str) -> list[Tag]:
    found: list[Tag] = []
    for page in sorted(site.glob(pattern)):
        found += BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select(selector)
    return found


def test_text_that_another_page_holds_is_left_out_of_the_index(tmp_path: Path) -> None:
    site = built_site(copy_example(tmp_path), search=False)
    repeats = {
        "people/*/index.html": "a.snippet, ul.claims li, ul.co-mentions li",  # mentions in context, claim lines
        "claims/*/index.html": "ul.appearances blockquote",  # the quote, as each article has it
        "sources/*/index.html": "ul.claims li, ul.appearances li",
        "stories/*/index.html": "ul.cards h3, ul.claim-reports li",  # article titles, claim lines
        "*/*/index.html": "section.backlinks li",
    }
    for pattern, selector in repeats.items():
        found = elements(site, pattern, selector)
        assert found, f"nothing matches {selector!r} in {pattern}: the test no longer looks at anything"
        assert not [e for e in found if is_indexed(e)], f"{selector!r} in {pattern} is indexed"
    # What only these pages hold stays searchable: a person's name, a claim's words, an article's text.
    owned = {
        "people/*/index.html": "h1",
        "claims/*/index.html": "q.claim-quote",
        "stories/*/*/index.html": ".passage-text",
        "stories/*/index.html": "div.summary",
    }
    for pattern, selector in owned.items():
        found = elements(site, pattern, selector)
        assert found and all(is_indexed(e) for e in found), f"{selector!r} in {pattern} is not indexed"


def test_pagefind_reads_only_the_entity_pages(tmp_path: Path) -> None:
    """A page outside the entity pages is not indexed, even one marked `data-pagefind-body` (here a static
    file): Pagefind is given only the entity pages' paths, and never parses the comparisons and lists."""
    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    project = copy_example(tmp_path)
    (project / "static").mkdir(exist_ok=True)
    (project / "static" / "extra.html").write_text(
        "<!DOCTYPE html><html lang='en'><body><main data-pagefind-body>Not a dossier page</main></body></html>",
        encoding="utf-8",
    )
    site = built_site(project, search=True)
    assert (site / "extra.html").is_file()
    entry = json.loads((site / INDEX_FOLDER / ENTRY_FILE).read_text(encoding="utf-8"))
    indexed = sum(language["page_count"] for language in entry["languages"].values())
    entity_pages = [
        page
        for pattern in (
            "stories/*/index.html",
            "stories/*/*/index.html",
            "people/*/index.html",
            "claims/*/index.html",
            "sources/*/index.html",
        )
        for page in site.glob(pattern)
    ]
    assert indexed == len(entity_pages) > 0


FRAGMENT_SIGNATURE = b"pagefind_dcd"


def search_records(site: Path) -> dict[str, str]:
    """Each indexed page's words as Pagefind keeps them for its results and excerpts (a fragment: gzip, a
    signature, JSON), by the page's URL, white space collapsed."""
    records = {}
    for fragment in sorted((site / INDEX_FOLDER).rglob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(FRAGMENT_SIGNATURE), "Pagefind's fragments are no longer as this test reads them"
        record = json.loads(data[len(FRAGMENT_SIGNATURE) :])
        records[record["url"].strip("/")] = " ".join(record["content"].split())
    return records


def words_of(element: Tag, leaving_out: str = "[data-pagefind-ignore]") -> str:
    """An element's words as a reader sees them, without the elements `leaving_out` selects."""
    element = BeautifulSoup(str(element), "html.parser")
    for left_out in element.select(leaving_out):
        left_out.decompose()
    return " ".join(element.get_text().split())


def page_records(site: Path, pattern: str, records: dict[str, str]) -> list[tuple[BeautifulSoup, str]]:
    found = []
    for page in sorted(site.glob(pattern)):
        url = page.parent.relative_to(site).as_posix()
        assert url in records, f"{url} is not in the search index"
        found.append((BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser"), records[url]))
    assert found, f"no page matches {pattern}: the test no longer looks at anything"
    return found


def test_a_pages_search_record_holds_its_words_as_printed_and_not_the_themes(tmp_path: Path) -> None:
    """What a search matches and quotes in its excerpt is what the page says: an article's sentences whole (no
    highlight's label inside them, the words as the article printed them, not a correction's fix), a claim's
    facts with their labels apart, and none of the theme's furniture (keys, captions, links back)."""
    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    site = built_site(copy_example(tmp_path), search=True)
    records = search_records(site)
    furniture = {
        "stories/*/*/index.html": ".highlight-key, .annotation-toggle, .compare-link, .note-back",
        "claims/*/index.html": ".verdict-line",
        "sources/*/index.html": "figcaption",
        "stories/*/index.html": "figcaption, section[aria-labelledby=compare-heading]",
    }
    for pattern, selector in furniture.items():
        seen = 0
        for page, record in page_records(site, pattern, records):
            # Each run of text long enough not to be a word the page says elsewhere (a verdict's name).
            parts = [" ".join(text.split()) for part in page.select(selector) for text in part.stripped_strings]
            parts = [part for part in parts if len(part) >= 16]
            assert not [part for part in parts if part in record], f"{selector!r} of {pattern} is in its record"
            seen += len(parts)
        assert seen, f"nothing matches {selector!r} in {pattern}: the test no longer looks at anything"
    sentences = 0
    for page, record in page_records(site, "stories/*/*/index.html", records):
        assert page.select(".passage-text .hl-ref") and page.select(".passage-text ins.correction")
        for block in page.select(".passage-text :is(p, li, h2, h3, h4, blockquote)"):
            if block.select(":scope :is(p, li, blockquote)"):
                continue  # a list or quotation: its items are checked one by one
            assert words_of(block, leaving_out=".hl-ref, ins.correction") in record  # as the article printed it
            sentences += 1
        for note in page.select(".note-text > p:first-child"):  # in the record once: its gist above is not
            assert record.count(words_of(note)) == 1
    assert sentences >= 10
    for page, record in page_records(site, "claims/*/index.html", records):
        for term in page.select("dl.facts dt"):
            definition = term.find_next_sibling("dd")
            assert isinstance(definition, Tag)
            assert f"{words_of(term)} {words_of(definition)}" in record


# --- bundles: a large site's index in shards, remade only where pages changed ---


def index_files(site: Path, *, with_inodes: bool = True) -> dict[str, object]:
    """Each file of the index: a digest of its bytes, and its inode."""
    return {
        p.relative_to(site / INDEX_FOLDER).as_posix(): (
            (p.stat().st_ino if with_inodes else 0),
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted((site / INDEX_FOLDER).rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def small_bundles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bundles of a few pages, so that the example (some 40 indexed pages) is shared among several."""
    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    monkeypatch.setattr(search, "PAGES_PER_SHARD", 2)


def build_with_cache(project: Path) -> Path:
    built = build_project(project, BuildOptions(use_cache=True))
    assert not built.report.has_errors, "\n".join(map(str, built.report.sorted()))
    assert built.output_dir is not None
    return built.output_dir


@pytest.mark.usefixtures("small_bundles")
def test_a_large_index_is_in_bundles_each_page_in_one(tmp_path: Path) -> None:
    site = build_with_cache(copy_example(tmp_path))
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    pages = search.indexed_pages(site)
    assert shards["shards"] == search.shard_count(len(pages)) > 2
    merged = [entry["path"] for entry in shards["merged"]]
    assert len(merged) >= 2
    indexed = 0
    for folder in ["", *merged]:
        bundle = site / INDEX_FOLDER / folder
        entry = json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))
        indexed += sum(language["page_count"] for language in entry["languages"].values())
        # Only the first bundle has Pagefind's scripts: the search in the browser loads those once.
        assert (bundle / "pagefind-ui.js").is_file() == (folder == "")
    assert indexed == len(pages)
    # A story's pages share a bundle: an edit to one article re-indexes one bundle.
    story_pages = [page for page in pages if page.startswith("stories/")]
    assert len({search.shard_of(page, shards["shards"]) for page in story_pages}) == 1


def edit_a_note(project: Path, old: str, new: str) -> Path:
    sidecar = project / "content" / "flynn-kislyak" / "the-moscow-times.yaml"
    text = sidecar.read_text(encoding="utf-8")
    assert old in text
    sidecar.write_text(text.replace(old, new), encoding="utf-8")
    return sidecar


def clean_index(folder: Path, sidecar: Path) -> dict[str, object]:
    """The index of a clean build of the example with the edited sidecar: what every rebuild must give."""
    clean = copy_example(folder)
    shutil.copy(sidecar, clean / "content" / "flynn-kislyak" / "the-moscow-times.yaml")
    return index_files(build_with_cache(clean), with_inodes=False)


@pytest.fixture
def pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The shard of each Pagefind run, as it runs (its pages' folder is named for it)."""
    runs: list[str] = []
    run = search._run

    def recorded(command: list[str], in_background: search.Started | None, started: search.Started | None) -> Any:
        runs.append(Path(command[command.index("--site") + 1]).name.removeprefix("pages-"))
        return run(command, in_background, started)

    monkeypatch.setattr(search, "_run", recorded)
    return runs


@pytest.mark.usefixtures("small_bundles")
def test_an_edit_indexes_again_only_the_bundle_of_the_pages_it_changed(
    tmp_path: Path, pagefind_runs: list[str]
) -> None:
    project = copy_example(tmp_path / "project")
    site = build_with_cache(project)
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    assert len(pagefind_runs) == len(shards["merged"]) + 1
    pagefind_runs.clear()
    sidecar = edit_a_note(project, "note: A misplaced apostrophe.", "note: An apostrophe in the wrong place.")
    site = build_with_cache(project)
    assert pagefind_runs == [str(search.shard_of("stories/flynn-kislyak/index.html", shards["shards"]))]
    # ... and the index is the one a clean build of the edited dossier makes.
    assert index_files(site, with_inodes=False) == clean_index(tmp_path / "clean", sidecar)


@pytest.mark.usefixtures("small_bundles")
def test_the_files_of_a_kept_bundle_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle no page of which changed is linked from the live index: the write stage does not read its files
    to find them unchanged (a rebuild of a large site read every file of its index)."""
    project = copy_example(tmp_path)
    site = build_with_cache(project)
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    edited = f"shard-{search.shard_of('stories/flynn-kislyak/index.html', shards['shards'])}/"
    kept = [entry["path"] for entry in shards["merged"] if entry["path"] != edited]
    assert kept
    compared: list[str] = []
    same_bytes = write._same_bytes

    def recorded(folder: Path, path: str, data: bytes) -> bool:
        compared.append(path)
        return same_bytes(folder, path, data)

    monkeypatch.setattr(write, "_same_bytes", recorded)
    edit_a_note(project, "note: A misplaced apostrophe.", "note: An apostrophe in the wrong place.")
    site = build_with_cache(project)
    assert not [path for path in compared if any(path.startswith(f"{INDEX_FOLDER}/{folder}") for folder in kept)]
    assert any(path.startswith(f"{INDEX_FOLDER}/{edited}") for path in compared)  # the remade bundle's are


@pytest.mark.parametrize("at_once", [1, 2])
def test_an_interrupted_index_starts_no_other_pagefind_and_ends_those_that_run(tmp_path: Path, at_once: int) -> None:
    """Ctrl-C (or SIGTERM, as serve takes it) while bundles are made: a stopped build or serve left Pagefind
    running, and starting the bundles still to make, writing into a folder that was going away."""
    commands = {n: ["sh", "-c", f"sleep 1 && touch {tmp_path}/done-{n}"] for n in range(4)}

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        with pytest.raises(KeyboardInterrupt):
            search._run_all(commands, at_once, None)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    time.sleep(2.5)  # what was left running would be done by now
    assert not list(tmp_path.glob("done-*"))


@pytest.mark.usefixtures("small_bundles")
def test_bundles_shared_another_way_are_all_made_again(tmp_path: Path, pagefind_runs: list[str]) -> None:
    project = copy_example(tmp_path)
    site = build_with_cache(project)
    before = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    pagefind_runs.clear()
    search.PAGES_PER_SHARD = 4  # fewer, larger bundles (the fixture's monkeypatch puts it back)
    edit_a_note(project, "note: A misplaced apostrophe.", "note: An apostrophe in the wrong place.")
    site = build_with_cache(project)
    after = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    assert after["shards"] < before["shards"]
    assert len(pagefind_runs) == len(after["merged"]) + 1, "every bundle is made again"


@pytest.mark.usefixtures("small_bundles")
def test_search_index_single_makes_one_index_and_switching_remakes_it_all(
    tmp_path: Path, pagefind_runs: list[str]
) -> None:
    """`search_index: single` (readers first: a search fetches one index) makes one bundle however large the site;
    turned on or off, the next build makes every bundle of the new layout, which a clean build gives too."""
    project = copy_example(tmp_path / "project")
    set_config(project, search_index="single")
    site = build_with_cache(project)
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    assert (shards["shards"], shards["merged"], pagefind_runs) == (1, [], ["0"])
    assert not list((site / INDEX_FOLDER).glob("shard-*"))
    pages = sum(
        language["page_count"]
        for language in json.loads((site / INDEX_FOLDER / ENTRY_FILE).read_text(encoding="utf-8"))["languages"].values()
    )
    assert pages == len(search.indexed_pages(site)) > 2 * search.PAGES_PER_SHARD
    pagefind_runs.clear()
    set_config(project, search_index="bundled")
    site = build_with_cache(project)
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    assert shards["shards"] > 1 and len(pagefind_runs) == len(shards["merged"]) + 1
    clean = copy_example(tmp_path / "clean")
    assert index_files(site, with_inodes=False) == index_files(build_with_cache(clean), with_inodes=False)


def test_search_index_is_bundled_or_single(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    set_config(project, search_index="singel")
    report = build_project(project, BuildOptions(search=False)).report
    line = next(n for n, text in enumerate((project / "dossier.yaml").read_text().splitlines(), 1) if "singel" in text)
    assert [str(d) for d in report.errors] == [
        f"dossier.yaml:{line}:15: error: search_index must be 'bundled' or 'single', not 'singel';"
        " did you mean 'single'?"
    ]


@pytest.mark.usefixtures("small_bundles")
def test_a_bundle_missing_from_the_last_index_is_made_again(tmp_path: Path, pagefind_runs: list[str]) -> None:
    project = copy_example(tmp_path)
    site = build_with_cache(project)
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    gone = shards["merged"][-1]
    shutil.rmtree(site / INDEX_FOLDER / gone["path"])  # by hand, or a disk clean-up
    pagefind_runs.clear()
    edit_a_note(project, "note: A misplaced apostrophe.", "note: An apostrophe in the wrong place.")
    site = build_with_cache(project)
    story_shard = search.shard_of("stories/flynn-kislyak/index.html", shards["shards"])
    assert sorted(pagefind_runs) == sorted({str(story_shard), str(gone["shard"])})
    assert (site / INDEX_FOLDER / gone["path"] / ENTRY_FILE).is_file()


def test_a_site_with_no_page_to_index_says_so_and_has_no_index(tmp_path: Path) -> None:
    if pagefind_binary() is None:
        pytest.skip("Pagefind is not installed")
    (tmp_path / "content").mkdir()
    (tmp_path / "dossier.yaml").write_text("title: Nothing yet\n", encoding="utf-8")
    built = build_project(tmp_path, BuildOptions())
    assert not built.report.has_errors and built.output_dir is not None
    assert [d.message for d in built.report.warnings] == [
        "the site has no page to index (no story, person, claim or source): no search"
    ]
    assert not (built.output_dir / INDEX_FOLDER).exists()


# --- a rebuild staged into the spare site (the site before last) starts from the index that site held ---


def spare_index(site: Path) -> Path:
    return cache_dir_for(site) / SPARE_SITE / INDEX_FOLDER


def build_twice_with_edits(project: Path) -> tuple[Path, dict[str, object]]:
    """A build and a rebuild after an edit, so that the spare site holds the first build's index; the live
    index's files after the rebuild."""
    site = build_with_cache(project)
    edit_a_note(project, "note: A misplaced apostrophe.", "note: An apostrophe in the wrong place.")
    site = build_with_cache(project)
    assert (spare_index(site) / ENTRY_FILE).is_file()
    return site, index_files(site)


@pytest.mark.usefixtures("small_bundles")
def test_a_rebuild_into_the_spare_site_keeps_the_kept_bundles_files_unlinked_and_gives_the_clean_index(
    tmp_path: Path, links_made: list[str]
) -> None:
    project = copy_example(tmp_path / "project")
    site, live = build_twice_with_edits(project)
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    edited = search.shard_of("stories/flynn-kislyak/index.html", shards["shards"])
    kept = [entry["path"] for entry in shards["merged"] if entry["shard"] != edited]
    assert kept
    links_made.clear()
    sidecar = edit_a_note(project, "note: An apostrophe in the wrong place.", "note: An apostrophe out of place.")
    site = build_with_cache(project)
    after = index_files(site)
    # The kept bundles' files are the live ones (same inode), found in place in the spare: none linked again.
    for folder in kept:
        kept_files = {path: value for path, value in after.items() if path.startswith(folder)}
        assert kept_files and kept_files == {path: live[path] for path in kept_files}
        assert not [target for target in links_made if f"/{INDEX_FOLDER}/{folder}" in target]
    # ... and the index is the one a clean build of the edited dossier makes.
    assert index_files(site, with_inodes=False) == clean_index(tmp_path / "clean", sidecar)


@pytest.mark.usefixtures("small_bundles")
def test_what_the_spare_sites_index_holds_that_the_live_one_does_not_is_not_published(tmp_path: Path) -> None:
    """Nothing in the spare is trusted: a file changed by hand in a kept bundle, a file and a bundle folder of
    no index are replaced or removed, whatever changed."""
    project = copy_example(tmp_path / "project")
    site, _ = build_twice_with_edits(project)
    shards = json.loads((site / INDEX_FOLDER / search.SHARDS_FILE).read_text(encoding="utf-8"))
    edited = search.shard_of("stories/flynn-kislyak/index.html", shards["shards"])
    kept = next(entry["path"] for entry in shards["merged"] if entry["shard"] != edited)
    spare = spare_index(site)
    changed_by_hand = spare / kept / ENTRY_FILE
    changed_by_hand.unlink()  # a file of its own, not the live one
    changed_by_hand.write_text('{"languages": {}}', encoding="utf-8")
    (spare / "stray.txt").write_text("not Pagefind's", encoding="utf-8")
    (spare / kept / "stray.txt").write_text("not Pagefind's", encoding="utf-8")
    (spare / "shard-999").mkdir()
    (spare / "shard-999" / ENTRY_FILE).write_text("{}", encoding="utf-8")
    sidecar = edit_a_note(project, "note: An apostrophe in the wrong place.", "note: An apostrophe out of place.")
    site = build_with_cache(project)
    assert index_files(site, with_inodes=False) == clean_index(tmp_path / "clean", sidecar)


@pytest.mark.usefixtures("small_bundles")
def test_serves_kept_index_staged_into_the_spare_site_is_the_live_index_itself(tmp_path: Path) -> None:
    """`serve` keeps the last index while the pages reload: staged into the spare site, its files are the live
    ones (same inode) and nothing else, whatever the spare held."""
    project = copy_example(tmp_path)
    site, live = build_twice_with_edits(project)
    (spare_index(site) / "stray.txt").write_text("not Pagefind's", encoding="utf-8")
    edit_a_note(project, "note: An apostrophe in the wrong place.", "note: An apostrophe out of place.")
    built = build_project(project, BuildOptions(use_cache=True, keep_search_index=True))
    assert not built.report.has_errors
    assert index_files(site) == live


def test_a_snapshot_of_the_indexed_pages_holds_them_and_nothing_else_whatever_it_held(tmp_path: Path) -> None:
    """serve's search refresh keeps its snapshot from one run to the next (search.link_indexed_pages): what the
    last one left is brought in line, and a link in it is removed, never followed."""
    site, snapshot, outside = tmp_path / "site", tmp_path / "snapshot", tmp_path / "outside"
    indexed = ["people/anna/index.html", "stories/s/a/index.html", "stories/s/index.html"]
    for page in [*indexed, "stories/s/compare.html"]:
        (site / page).parent.mkdir(parents=True, exist_ok=True)
        (site / page).write_text(page, encoding="utf-8")
    (outside / "anna").mkdir(parents=True)
    (outside / "anna" / "index.html").write_text("not the site's", encoding="utf-8")
    (snapshot / "stories" / "s").mkdir(parents=True)
    (snapshot / "people").symlink_to(outside, target_is_directory=True)
    (snapshot / "stories" / "s" / "a").write_text("a file where a folder belongs", encoding="utf-8")
    (snapshot / "stories" / "s" / "index.html").write_text("an old copy", encoding="utf-8")
    (snapshot / "claims" / "gone").mkdir(parents=True)
    (snapshot / "claims" / "gone" / "index.html").write_text("a page the site no longer has", encoding="utf-8")
    (snapshot / "stray.txt").write_text("not a page", encoding="utf-8")

    def snapshot_files() -> list[str]:
        return sorted(p.relative_to(snapshot).as_posix() for p in snapshot.rglob("*") if not p.is_dir())

    assert search.link_indexed_pages(site, snapshot) == len(indexed)
    assert snapshot_files() == indexed
    assert all((snapshot / page).samefile(site / page) for page in indexed)
    assert (outside / "anna" / "index.html").read_text(encoding="utf-8") == "not the site's"
    assert not (snapshot / "claims").exists()
    # Again, after the site rewrote one page (a new file): that page is the new one, the others stay as they were.
    kept = {page: (snapshot / page).stat().st_ino for page in indexed}
    (site / "stories/s/index.html").unlink()
    (site / "stories/s/index.html").write_text("rewritten", encoding="utf-8")
    search.link_indexed_pages(site, snapshot)
    assert snapshot_files() == indexed
    assert (snapshot / "stories/s/index.html").read_text(encoding="utf-8") == "rewritten"
    assert all((snapshot / page).stat().st_ino == kept[page] for page in indexed if page != "stories/s/index.html")
