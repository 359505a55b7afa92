"""The corrections log and its feed on a dossier with more corrections than they show: each outlet's newest on the
log with a link to the outlet's page that lists them all, the newest of all in the feed."""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from benchmarks.generate import generate
from dossier import urls
from dossier.model import Annotation, Dossier
from dossier.pipeline import BuildOptions, Built, build_project
from dossier.render.pages import CORRECTIONS_FEED_ENTRIES, CORRECTIONS_PER_OUTLET

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    # 150 generated articles, one correction each, over 20 outlets: more than the feed keeps, and outlets with
    # more than the log shows.
    project = generate(150, tmp_path_factory.mktemp("corrections") / "project")
    result = build_project(project, BuildOptions(search=False))
    assert result.output_dir is not None and not result.report.has_errors
    return result


def model(built: Built) -> Dossier:
    assert built.checked.dossier is not None
    return built.checked.dossier


def page(built: Built, path: str) -> BeautifulSoup:
    assert built.output_dir is not None
    return BeautifulSoup((built.output_dir / path).read_text(encoding="utf-8"), "html.parser")


def date_of(dossier: Dossier, correction: Annotation) -> dt.date | None:
    article = dossier.articles[correction.article_id]
    return article.updated or article.published


def corrections_by_outlet(dossier: Dossier) -> dict[str, list[Annotation]]:
    found: dict[str, list[Annotation]] = {}
    for correction in (a for a in dossier.annotations() if a.kind == "correction"):
        found.setdefault(dossier.articles[correction.article_id].outlet, []).append(correction)
    return found


def test_the_log_shows_each_outlets_newest_corrections_and_links_to_all_of_them(built: Built) -> None:
    dossier = model(built)
    by_outlet = corrections_by_outlet(dossier)
    assert max(map(len, by_outlet.values())) > CORRECTIONS_PER_OUTLET, "no outlet has more than the log shows"
    log = page(built, urls.CORRECTIONS_INDEX)
    ids = {a.id: a for a in dossier.annotations()}
    for outlet_id, corrections in by_outlet.items():
        section = log.select_one(f'section[aria-labelledby="outlet-{outlet_id}"]')
        assert section is not None, outlet_id
        assert section.select(".count")[0].get_text() == str(len(corrections))
        shown = [ids[str(a["href"]).split("#")[1]] for a in section.select(".corrections li > p > a:first-child")]
        newest = sorted(corrections, key=lambda c: date_of(dossier, c) or dt.date.min, reverse=True)
        assert len(shown) == min(len(corrections), CORRECTIONS_PER_OUTLET)
        assert [date_of(dossier, c) for c in shown] == [date_of(dossier, c) for c in newest[: len(shown)]]
        more = [a for a in section.select("a") if a.get_text().startswith("All ")]
        if len(corrections) <= CORRECTIONS_PER_OUTLET:
            assert not more, outlet_id
            continue
        assert len(more) == 1 and more[0].get_text().startswith(f"All {len(corrections)} corrections")
        target, _, fragment = str(more[0]["href"]).partition("#")
        outlet_page = page(built, posixpath.normpath(posixpath.join(posixpath.dirname(urls.CORRECTIONS_INDEX), target)))
        outlet_section = outlet_page.select(f"#{fragment}")[0].find_parent("section")
        assert outlet_section is not None
        listed = outlet_section.select(".corrections li")
        assert len(listed) == len(corrections), outlet_id


def test_the_feed_keeps_the_newest_corrections_of_all_outlets(built: Built) -> None:
    dossier = model(built)
    every = [c for found in corrections_by_outlet(dossier).values() for c in found]
    assert len(every) > CORRECTIONS_FEED_ENTRIES
    assert built.output_dir is not None
    feed = ElementTree.parse(built.output_dir / urls.CORRECTIONS_FEED).getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == CORRECTIONS_FEED_ENTRIES
    dates = [dt.date.fromisoformat(e.findtext(f"{ATOM}updated", "")[:10]) for e in entries]
    assert dates == sorted(dates, reverse=True)
    in_feed = {e.findtext(f"{ATOM}id", "").split("#")[1] for e in entries}
    assert len(in_feed) == len(entries)
    left_out = [date_of(dossier, c) for c in every if c.id not in in_feed]
    assert max(d for d in left_out if d) <= min(dates)


def test_the_feeds_entries_name_their_outlet_and_link_the_highlight(built: Built) -> None:
    dossier = model(built)
    assert built.output_dir is not None
    feed = ElementTree.parse(built.output_dir / urls.CORRECTIONS_FEED).getroot()
    ids = {a.id: a for a in dossier.annotations()}
    for entry in feed.findall(f"{ATOM}entry"):
        link = entry.findtext(f"{ATOM}id", "")
        correction = ids[link.split("#")[1]]
        article = dossier.articles[correction.article_id]
        assert dossier.config.site_url is not None
        assert link == urls.absolute_url(dossier.config.site_url, urls.path_for(correction, dossier.articles))
        assert entry.findtext(f"{ATOM}title", "").startswith(f"{dossier.sources[article.outlet].name}: ")
        assert Path(built.output_dir / urls.path_for(article)).is_file()
