"""Entity pages of the example: people, claims, sources, outlets, corrections, cross-linked both ways."""

from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

from bs4 import BeautifulSoup

from dossier import urls
from dossier.compare.score import Signals
from dossier.model import Mention
from dossier.pipeline import BuildOptions, Built, build_project, check_project
from dossier.render.pages import MENTION_CONTEXT_CHARS, nearby_mentions, spans_snippet
from dossier.render.pictures import network_picture
from tests.conftest import copy_example
from tests.data_export import read_export

SVG = "{http://www.w3.org/2000/svg}"


def dossier_of(built: Built):  # type: ignore[no-untyped-def]
    assert built.checked.dossier is not None
    return built.checked.dossier


def test_each_claim_page_shows_every_appearance(
    example_build: Built, parse_page: Callable[[str], BeautifulSoup]
) -> None:
    dossier = dossier_of(example_build)
    for claim in dossier.claims.values():
        soup = parse_page(urls.claim_path(claim.id))
        appearances = [a for a in dossier.annotations() if a.kind == "claim" and a.target == claim.id]
        listed = soup.select(".appearances blockquote a.snippet")
        assert len(listed) == len(appearances), claim.id
        for annotation, link in zip(appearances, listed, strict=True):
            assert str(link["href"]).endswith(f"index.html#{annotation.id}")
            assert " ".join(link.select_one("mark").get_text().split()) == " ".join(annotation.selector.exact.split())  # type: ignore[union-attr]


def test_a_claim_page_leads_with_the_verdict_and_who_said_it_never_with_the_claim_as_its_own_words(
    example_build: Built, parse_page: Callable[[str], BeautifulSoup]
) -> None:
    dossier = dossier_of(example_build)
    for claim in dossier.claims.values():
        soup = parse_page(urls.claim_path(claim.id))
        verdict = dossier.config.verdict(claim.verdict).label
        claimant = (dossier.people.get(claim.claimant) or dossier.sources[claim.claimant]).name
        said = f"{verdict}: {claimant} said “{claim.text}”"
        title = soup.select_one("title")
        assert title is not None and title.get_text().startswith(said), title
        tag = soup.select_one('meta[property="og:title"]')  # X (Twitter) shares read it too
        assert tag is not None and tag["content"] == said
        headline = soup.select_one("h1")
        assert headline is not None
        assert " ".join(headline.get_text().split()) == f"{verdict}: {claimant} said {claim.text}"
        quoted = headline.select_one("q")  # the claim is in quotation marks
        assert quoted is not None and quoted.get_text() == claim.text
        description = soup.select_one('meta[name="description"]')
        assert description is not None and str(description["content"]).startswith(f"Verdict: {verdict}.")


def test_a_feed_entry_for_a_claim_leads_with_the_verdict_and_who_said_it(tmp_path: Path) -> None:
    built = build_project(
        copy_example(tmp_path), BuildOptions(base_url="https://example.org/dossier/", search=False)
    )  # a feed needs the site's address
    assert built.output_dir is not None
    dossier = dossier_of(built)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.parse(built.output_dir / "feed.xml").getroot().findall(f"{atom}entry")
    titles = [e.findtext(f"{atom}title") for e in entries if e.find(f"{atom}category[@term='claim']") is not None]
    expected = []
    for claim in dossier.claims.values():
        claimant = (dossier.people.get(claim.claimant) or dossier.sources[claim.claimant]).name
        expected.append(f"{dossier.config.verdict(claim.verdict).label}: {claimant} said “{claim.text}”")
    assert sorted(titles) == sorted(expected)  # type: ignore[type-var]


def test_claim_review_json_ld_parses_and_has_the_required_fields(
    example_build: Built, parse_page: Callable[[str], BeautifulSoup]
) -> None:
    dossier = dossier_of(example_build)
    for claim in dossier.claims.values():
        soup = parse_page(urls.claim_path(claim.id))
        script = soup.select_one('script[type="application/ld+json"]')
        assert script is not None
        review = json.loads(script.get_text())
        assert review["@type"] == "ClaimReview" and review["claimReviewed"] == claim.text
        assert review["url"].endswith(f"claims/{claim.id}/")
        rating = review["reviewRating"]
        assert rating["alternateName"] == dossier.config.verdict(claim.verdict).label
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert review["author"]["name"] and review["datePublished"]
        item = review["itemReviewed"]
        assert item["@type"] == "Claim" and item["author"]["name"]
        if any(a.target == claim.id for a in dossier.annotations()):
            assert item["appearance"] and all(w["url"] for w in item["appearance"])


def test_an_archived_copy_is_linked_beside_the_original_and_named_in_the_data(tmp_path: Path) -> None:
    """A web archive's copy of an article (of a document), should the page at its address change or go: linked on
    its page, in dossier.json, as the ClaimReview appearance's archivedAt and the Web Annotations' TimeState."""
    project = copy_example(tmp_path / "project")
    copy = "https://web.archive.org/web/20170210000000/https://theweek.com/speedreads/flynn"  # made up for the test
    letter = "https://web.archive.org/web/20170214000000/https://www.cnn.com/flynn-letter"
    article = project / "content" / "flynn-kislyak" / "the-week.md"
    article.write_text(article.read_text(encoding="utf-8").replace("\noutlet:", f"\narchived: {copy}\noutlet:", 1))
    sources = project / "content" / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace(
            "  kind: document\n  person: michael-flynn\n",
            f"  kind: document\n  person: michael-flynn\n  archived: {letter}\n",
        ),
        encoding="utf-8",
    )
    built = build_project(project, BuildOptions(search=False))
    site = built.output_dir
    assert site is not None and not built.report.has_errors, built.report.sorted()

    def page(path: str) -> BeautifulSoup:
        return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")

    meta = page(urls.article_path("flynn-kislyak", "the-week")).select_one(".article-header > .meta")
    assert meta is not None
    link = meta.find("a", string="archived copy")
    assert link is not None and link["href"] == copy and "external" in link["rel"]
    other = page(urls.article_path("flynn-kislyak", "the-moscow-times"))
    assert other.find("a", string="archived copy") is None
    document = page(urls.source_path("flynn-resignation-letter")).find("a", string="Archived copy")
    assert document is not None and document["href"] == letter

    export = read_export(site)
    articles = {a["id"]: a for a in export["articles"]}
    assert articles["the-week"]["archived"] == copy and articles["the-moscow-times"]["archived"] is None
    assert {s["id"]: s["archived"] for s in export["sources"]}["flynn-resignation-letter"] == letter
    annotations = json.loads((site / urls.ANNOTATIONS_FILE).read_text(encoding="utf-8"))["first"]["items"]
    states = {item["target"].get("state", {}).get("cached") for item in annotations}
    assert states == {copy, None}
    on_the_week = [item for item in annotations if item["target"].get("state")]
    assert on_the_week and all("/the-week/" in item["id"] for item in on_the_week)
    for claim_id in dossier_of(built).claims:
        script = page(urls.claim_path(claim_id)).select_one('script[type="application/ld+json"]')
        assert script is not None
        for work in json.loads(script.get_text()).get("itemReviewed", {}).get("appearance", []):
            assert work.get("archivedAt") == (copy if work["publisher"]["name"] == "The Week" else None)


def test_an_archived_copy_must_be_a_web_address(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    article = project / "content" / "flynn-kislyak" / "the-week.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("\noutlet:", "\narchived: javascript:alert(1)\noutlet:", 1)
    )
    checked = check_project(project)
    (error,) = [str(d) for d in checked.report.errors]
    assert error.startswith("content/flynn-kislyak/the-week.md:3:11: ")
    assert "expected an http(s):// or mailto: URL, found 'javascript:alert(1)'" in error


def test_every_entity_is_in_the_json_export_and_has_a_page(example_build: Built, example_site: Path) -> None:
    dossier = dossier_of(example_build)
    data = json.loads((example_site / urls.DATA_FILE).read_text(encoding="utf-8"))
    for kind, entities in (("people", dossier.people), ("sources", dossier.sources), ("claims", dossier.claims),
                           ("stories", dossier.stories), ("articles", dossier.articles)):  # fmt: skip
        assert sorted(e["id"] for e in data[kind]) == sorted(entities), kind
        for entity in entities.values():
            assert (example_site / urls.path_for(entity)).is_file()
    exported = {a["id"] for article in data["articles"] for a in article["annotations"]}
    assert exported == {a.id for a in dossier.annotations()}


def test_the_json_exports_repeated_records_are_arrays_whose_fields_are_named_once(example_site: Path) -> None:
    """Mentions, comparison pairs and synopsis rows are arrays (schema 4); `fields` names the model's fields."""
    data = json.loads((example_site / urls.DATA_FILE).read_text(encoding="utf-8"))
    fields = data["fields"]
    assert fields["mentions"] == [f.name for f in dataclasses.fields(Mention) if f.name != "article_id"]
    assert fields["signals"] == [f.name for f in dataclasses.fields(Signals)]
    records = [m for a in data["articles"] for m in a["mentions"]] + [
        p for c in data["comparisons"] for p in c["pairs"]
    ]
    records += [row for synopsis in data["synopses"] for row in synopsis["rows"]]
    assert records and all(isinstance(record, list) for record in records)
    for comparison in data["comparisons"]:
        for pair in comparison["pairs"]:
            assert len(pair) == len(fields["pairs"]) and len(pair[fields["pairs"].index("signals")]) == 6
    for synopsis in data["synopses"]:
        assert all(len(row) == len(fields["rows"]) for row in synopsis["rows"])


def test_every_offset_in_the_json_export_counts_in_the_articles_text_given_once(
    example_build: Built, example_site: Path
) -> None:
    dossier = dossier_of(example_build)
    data = read_export(example_site)
    assert data["schema_version"] == 4
    for article in data["articles"]:
        text = article["text"]
        for annotation in article["annotations"]:
            if annotation["anchor"]:
                assert text[annotation["anchor"]["start"] : annotation["anchor"]["end"]] == annotation["exact_text"]
        quoted = {annotation["id"]: annotation["exact_text"] for annotation in article["annotations"]}
        for mention in article["mentions"]:
            person = dossier.people[mention["person_id"]]
            explicit = mention["annotation_id"]
            said = (quoted[explicit],) if explicit else (person.name, *person.aliases)
            assert text[mention["start"] : mention["end"]] in said
        assert all("article_id" not in record for record in article["mentions"] + article["annotations"])
    compared = data["sentences"]
    assert compared
    for article_id, spans in compared.items():
        (text,) = [article["text"] for article in data["articles"] if article["id"] == article_id]
        sentences = [text[start:end] for start, end in spans]
        assert all(sentence.strip() == sentence != "" for sentence in sentences)
        assert "".join(sentences).replace(" ", "") == "".join(text.split())  # every word, once, in order


def test_annotations_are_w3c_web_annotations(example_build: Built, example_site: Path) -> None:
    dossier = dossier_of(example_build)
    collection = json.loads((example_site / urls.ANNOTATIONS_FILE).read_text(encoding="utf-8"))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    items = collection["first"]["items"]
    assert collection["total"] == len(items) == len(dossier.annotations())
    for item in items:
        assert item["type"] == "Annotation" and item["motivation"]
        quote = next(s for s in item["target"]["selector"] if s["type"] == "TextQuoteSelector")
        position = next(s for s in item["target"]["selector"] if s["type"] == "TextPositionSelector")
        article_id = item["id"].split("/")[-2]
        text = example_build.checked.texts[article_id].text
        assert text[position["start"] : position["end"]] == quote["exact"]
        assert text[: position["start"]].endswith(quote["prefix"]) and text[position["end"] :].startswith(
            quote["suffix"]
        )


def test_the_pictures_are_well_formed_svg_and_name_what_they_draw(example_build: Built, example_site: Path) -> None:
    dossier = dossier_of(example_build)
    pages = {
        urls.person_path("michael-flynn"): "network",
        urls.story_path("flynn-kislyak"): "timeline-picture",
        urls.source_path("nine-officials"): "chain",
    }
    for path, kind in pages.items():
        soup = BeautifulSoup((example_site / path).read_text(encoding="utf-8"), "html.parser")
        svg = soup.select_one(f"svg.{kind}")
        assert svg is not None, path
        tree = ElementTree.fromstring(str(svg).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))
        title = tree.find(f"{SVG}title")
        desc = tree.find(f"{SVG}desc")
        assert title is not None and title.text and desc is not None and desc.text
        labels = [t.text for t in tree.iter(f"{SVG}text") if t.text]
        if kind == "network":
            co_mentioned = [name for name in ("Sergey Kislyak", "Mike Pence", "Donald Trump") if name in desc.text]
            assert co_mentioned and all(name in labels for name in co_mentioned)
            assert "Michael Flynn" in labels
        if kind == "chain":
            assert "Nine current and former US officials" in desc.text and "The Washington Post" in desc.text
    people = {p.name for p in dossier.people.values()}
    assert people


def test_a_persons_picture_says_one_mention_in_the_singular() -> None:
    picture = network_picture("ana-ruiz", "Ana Ruiz", 1, [("tom-becker", "Tom Becker", 1)])
    assert [node.detail for node in picture.nodes] == ["1 mention", "1"]
    assert network_picture("ana-ruiz", "Ana Ruiz", 2, []).nodes[0].detail == "2 mentions"


def test_a_reader_reaches_every_mention_from_the_person_and_back(
    example_build: Built, parse_page: Callable[[str], BeautifulSoup]
) -> None:
    person_page = urls.person_path("michael-flynn")
    soup = parse_page(person_page)
    for link in soup.select(".mentions a.snippet"):
        target, _, fragment = str(link["href"]).partition("#")
        article_page = str(Path(person_page).parent.joinpath(target)).replace("people/michael-flynn/../../", "")
        article = parse_page(article_page)
        assert article.find(id=fragment) is not None
        assert article.select(f'#{fragment} a[href$="people/michael-flynn/index.html"]')


def test_the_story_says_when_outlets_rest_on_the_same_source(parse_page: Callable[[str], BeautifulSoup]) -> None:
    soup = parse_page(urls.story_path("flynn-kislyak"))
    shared = [li.get_text(" ", strip=True) for li in soup.select(".shared li")]
    assert any("Nine current and former US officials" in s and "The Washington Post" in s for s in shared)
    assert any(s.startswith("The Washington Post") for s in shared)


def test_the_story_says_for_each_claim_what_every_article_does_with_it(
    example_build: Built, parse_page: Callable[[str], BeautifulSoup]
) -> None:
    dossier = dossier_of(example_build)
    story = dossier.stories["flynn-kislyak"]
    soup = parse_page(urls.story_path(story.id))
    assert not soup.select("table"), "a claim-by-article table does not fit a phone"
    reports = soup.select(".claim-reports > li")
    assert len(reports) == len(story.claim_ids)
    for report in reports:
        assert len(report.select(".reported-by > li")) == len(story.article_ids)
    no_recollection = next(r for r in reports if "no recollection" in r.get_text())
    assert len(no_recollection.select(".reported-by a")) >= 4 and "does not report" not in no_recollection.get_text()
    claims_listed = [a for a in soup.select('a[href*="claims/"]') if a.find_parent(class_="claim-report-head")]
    assert len(claims_listed) == len(story.claim_ids)  # each claim once on the page, not again in backlinks
    assert not soup.select(".backlinks")


def test_the_story_counts_an_articles_annotations_as_its_page_numbers_them(
    parse_page: Callable[[str], BeautifulSoup],
) -> None:
    story = parse_page(urls.story_path("flynn-kislyak"))
    for card in story.select(".cards .card"):
        link = card.select_one("h3 a")
        assert link is not None
        article = parse_page(urls.article_path("flynn-kislyak", str(link["href"]).split("/")[0]))
        numbered = len(article.select(".passage-text a.hl-ref"))
        assert f"{numbered} annotations" in card.get_text(), (link["href"], numbered)


def test_outlet_pages_list_articles_corrections_and_claims(parse_page: Callable[[str], BeautifulSoup]) -> None:
    soup = parse_page(urls.source_path("the-moscow-times"))
    text = soup.get_text(" ")
    assert "Trump Security Advisor Michael Flynn Resigns" in text
    assert "Barack Obama" in " ".join(i.get_text() for i in soup.select(".corrections ins"))
    assert soup.select("#reported-heading")


def test_corrections_are_logged_by_outlet(example_build: Built, parse_page: Callable[[str], BeautifulSoup]) -> None:
    dossier = dossier_of(example_build)
    soup = parse_page(urls.CORRECTIONS_INDEX)
    corrections = [a for a in dossier.annotations() if a.kind == "correction"]
    assert len(soup.select(".corrections li")) == len(corrections)
    outlets = [h.get_text(" ", strip=True) for h in soup.select("main h2")]
    assert any(o.startswith("The Moscow Times") for o in outlets) and any(o.startswith("The Week") for o in outlets)
    # base_url "/" gives no absolute address, so there is no feed to link to.
    assert soup.select_one('link[type="application/atom+xml"][title="Corrections"]') is None


def test_corrections_have_an_atom_feed_when_the_site_address_is_known(tmp_path: Path) -> None:
    project = copy_example(tmp_path)
    config = project / "dossier.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('base_url: "/"', 'base_url: "https://example.org/dossier/"'),
        encoding="utf-8",
    )
    built = build_project(project, BuildOptions(search=False))
    assert built.output_dir is not None and not built.report.has_errors
    feed = ElementTree.parse(built.output_dir / urls.CORRECTIONS_FEED).getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == len([a for a in dossier_of(built).annotations() if a.kind == "correction"])
    for entry in entries:
        assert entry.findtext(f"{atom}id", "").startswith("https://example.org/dossier/stories/")
        assert entry.find(f"{atom}updated") is not None


def test_backlinks_list_only_the_pages_that_refer_here_and_are_not_linked_already(
    parse_page: Callable[[str], BeautifulSoup],
) -> None:
    soup = parse_page(urls.source_path("washington-post"))
    referring = {a.get_text(" ", strip=True) for a in soup.select(".backlinks a")}
    assert referring == {"Flynn's sanctions talks with Kislyak, and his resignation"}
    listed = {a.get_text(" ", strip=True) for a in soup.select("main a") if not a.find_parent(class_="backlinks")}
    assert "Nine current and former US officials" in listed  # reported through it: listed, not again as a backlink
    assert not soup.find(string=lambda text: "No attributions" in str(text))


def test_a_claim_is_listed_once_on_a_source_or_person_page(parse_page: Callable[[str], BeautifulSoup]) -> None:
    for path in (urls.source_path("flynn-spokesman"), urls.person_path("michael-flynn")):
        soup = parse_page(path)
        claims = [str(a["href"]) for a in soup.select("main a") if "/claims/" in str(a["href"])]
        assert claims and len(claims) == len(set(claims)), path


def test_a_via_chain_that_comes_back_to_itself_is_an_error_on_each_source_in_it(tmp_path: Path) -> None:
    """A source reached through itself has no origin to show: every source on the loop is named, none other."""
    project = copy_example(tmp_path)
    sources = project / "content" / "sources.yaml"
    first = len(sources.read_text(encoding="utf-8").splitlines()) + 2  # the line of the first new `- id:`
    entries = [("relay-a", "relay-b"), ("relay-b", "relay-c"), ("relay-c", "relay-a"), ("echo", "echo"),
               ("outside", "relay-a")]  # fmt: skip
    with sources.open("a", encoding="utf-8") as file:
        file.write("\n" + "".join(f"- id: {i}\n  name: {i}\n  kind: anonymous\n  via: {via}\n" for i, via in entries))
    errors = [str(d) for d in check_project(project).report.errors]
    assert errors == [
        f"content/sources.yaml:{first + 4 * n}:3: error: source '{source}' reaches itself through 'via'"
        for n, source in enumerate(["relay-a", "relay-b", "relay-c", "echo"])
    ]


def test_an_annotation_whose_words_changed_since_the_last_build_is_pointed_out(tmp_path: Path) -> None:
    """The article was edited under an annotation: the next build warns with the words before and after."""
    project = copy_example(tmp_path)
    assert build_project(project, BuildOptions(search=False)).written is not None
    article = project / "content" / "flynn-kislyak" / "the-week.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("did not discuss sanctions, but", "did not discus sanctions, but", 1), "utf-8")
    rebuilt = build_project(project, BuildOptions(search=False))
    moved = [str(w) for w in rebuilt.report.warnings if "moved" in str(w)]
    assert moved == [
        "content/flynn-kislyak/the-week.yaml:14:5: warning: the article changed since the last build and this "
        'annotation moved: it was on "twice told the Post that he and Kislyak did not discuss sanctions", it is '
        'now on "twice told the Post that he and Kislyak did not discus sanctions" (fuzzy, 99%); check it still '
        "says what you meant"
    ]
    again = build_project(project, BuildOptions(search=False))
    assert not [w for w in again.report.warnings if "moved" in str(w)], "warned once, against the last build"


def test_mentions_close_together_share_one_snippet_and_far_apart_ones_do_not() -> None:
    text = "Ada met Bob. Ada and Bob spoke." + " filler" * 40 + " Ada left.\n\nAda wrote."
    starts = [0, 13, len(text) - 21, len(text) - 10]
    mentions = [Mention("ada", "a", start, start + 3, 1 if start == starts[-1] else 0, None) for start in starts]

    runs = nearby_mentions(mentions)

    assert [[m.start for m in run] for run in runs] == [starts[:2], starts[2:3], starts[3:]]
    shared = spans_snippet(text, [(m.start, m.end) for m in runs[0]])
    assert shared.matches == (("Ada", " met Bob. "), ("Ada", ""))
    assert shared.before == "" and shared.after.startswith(" and Bob spoke.")


def test_a_snippet_cut_inside_text_without_spaces_still_says_it_was_cut() -> None:
    """Chinese puts no space between words: a snippet cut at the width began and ended mid-sentence, unmarked."""
    text = (
        "北京时间1月5日，一场里氏6.1级地震袭击了四川省雅安市。" * 4
        + "李明表示，学校将停课。"
        + "救援队伍已连夜赶赴灾区。" * 8
    )
    start = text.index("李明")
    cut = spans_snippet(text, [(start, start + 2)], 30)
    assert cut.before == "…" + text[start - 30 : start] and cut.after == text[start + 2 : start + 32] + "…"


def test_a_claim_note_gives_the_claims_words_once_and_leads_to_its_page(
    example_build: Built, parse_page: Callable[[str], BeautifulSoup]
) -> None:
    dossier = dossier_of(example_build)
    for article in dossier.articles.values():
        claims = {a.id: dossier.claims[a.target] for a in article.annotations if a.kind == "claim"}
        for note in parse_page(urls.path_for(article)).select("details.note-claim"):
            claim = claims[str(note["data-annotation"])]
            gist = note.select_one(".note-gist")
            assert gist is not None and gist.get_text() == claim.text
            body = note.select_one(".note-body")
            assert body is not None and claim.text not in body.get_text()
            assert body.select_one(f'a[href$="{urls.claim_path(claim.id)}"]') is not None


def test_a_persons_mentions_show_a_few_words_either_side(parse_page: Callable[[str], BeautifulSoup]) -> None:
    snippets = parse_page(urls.person_path("michael-flynn")).select(".mentions a.snippet")
    assert snippets
    for snippet in snippets:
        marks = snippet.select("mark")
        before, after = marks[0].find_previous_siblings(string=True), marks[-1].find_next_siblings(string=True)
        assert len("".join(before)) <= MENTION_CONTEXT_CHARS + 1 and len("".join(after)) <= MENTION_CONTEXT_CHARS + 1
