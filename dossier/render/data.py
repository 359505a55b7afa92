"""build/data/dossier.json: the whole resolved model, for others to reuse. Deterministic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from dossier import urls
from dossier.compare.align import Alignment
from dossier.compare.segment import Sentence
from dossier.compare.stage import PairKey, story_pairs
from dossier.compare.synopsis import Synopsis, synopsis_of
from dossier.link import Index
from dossier.model import Annotation, Article, Claim, Dossier, Link, Story
from dossier.text import ArticleText

# 2: compact; comparisons give sentences by index into `sentences`. 3: each article's text once, under the
# article; sentences are its (start, end) spans; no article_id inside the article's own mentions and annotations.
# 4: mentions, comparison pairs (and their signals) and synopsis rows are arrays, their fields named once in
# `fields`: the same keys in every one of thousands of records were a quarter of the file.
SCHEMA_VERSION = 4
MENTION_FIELDS = ("person_id", "start", "end", "passage", "annotation_id")
PAIR_FIELDS = (
    "left", "right", "score", "kind", "shared_quote", "shared_claims", "signals", "is_ambiguous",
    "left_sources", "right_sources", "conflict",
)  # fmt: skip
SIGNAL_FIELDS = ("lexical", "quote", "claim", "people", "numbers", "meaning")
ROW_FIELDS = ("sentences", "kind", "claims", "quote", "figures")
FIELDS = {"mentions": MENTION_FIELDS, "pairs": PAIR_FIELDS, "signals": SIGNAL_FIELDS, "rows": ROW_FIELDS}


@functools.cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.name != "location")


def _plain(value: Any) -> Any:
    """The value as JSON types: dataclasses as dicts of their fields (without source locations), dates as text."""
    if isinstance(value, (str, int, float, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    return value


def _annotation(annotation: Annotation, text: ArticleText) -> dict[str, Any]:
    record: dict[str, Any] = _plain(annotation)
    del record["article_id"]  # the article it is listed under
    anchor = annotation.anchor
    record["exact_text"] = text.text[anchor.start : anchor.end] if anchor else None
    record["source_location"] = str(annotation.location)
    return record


def _sentences(sentences: Sequence[Sentence]) -> list[list[int]]:
    """Each sentence as its span of the article's text (the article's `text`), in order: its index is its place."""
    return [[s.start, s.end] for s in sentences]


def _alignment(alignment: Alignment) -> dict[str, Any]:
    """A comparison; its sentences are given by index into `sentences[article id]`, listed once per article."""
    return {
        "left_article": alignment.left_article,
        "right_article": alignment.right_article,
        "pairs": [
            [p.left, p.right, round(p.score, 4), p.kind, p.shared_quote, list(p.shared_claims),
             [round(getattr(p.signals, name), 4) for name in SIGNAL_FIELDS], p.is_ambiguous,
             list(p.attribution.left_sources), list(p.attribution.right_sources), _plain(p.conflict)]
            for p in alignment.pairs
        ],
        "unique_left": list(alignment.unique_left),
        "unique_right": list(alignment.unique_right),
        "left_language": alignment.left_language,
        "right_language": alignment.right_language,
        "not_compared": alignment.not_compared,
        "left_by_words": alignment.left_by_words,
        "right_by_words": alignment.right_by_words,
    }  # fmt: skip


# One comparison's parts of dossier.json, encoded: the comparison, then its left and right article's sentences.
ComparisonJson = tuple[str, str, str]


def comparison_json(alignment: Alignment) -> ComparisonJson:
    """A comparison's JSON and its articles' sentences' (each as it stands in dossier.json), for caching."""
    return (
        encode_json(_alignment(alignment)),
        encode_json(_sentences(alignment.left)),
        encode_json(_sentences(alignment.right)),
    )


def synopsis_json(story: Story, alignments: Mapping[PairKey, Alignment]) -> str:
    """A story's synopsis (compare/synopsis.py), encoded: its rows give sentences by index, as comparisons do."""
    synopsis = synopsis_of(story.article_ids, alignments)
    return encode_json(_synopsis(story.id, synopsis))


def _synopsis(story_id: str, synopsis: Synopsis) -> dict[str, Any]:
    return {
        "story": story_id,
        "articles": list(synopsis.article_ids),
        "rows": [
            [[list(cell) for cell in row.cells], row.kind, list(row.claims), row.quote, _plain(row.figures)]
            for row in synopsis.rows
        ],
        "languages": list(synopsis.languages),
        "not_compared": [list(pair) for pair in synopsis.not_compared],
        "by_words": list(synopsis.by_words),
        "set_aside": [
            {"articles": [synopsis.article_ids[a] for a in link.articles], "left": link.pair.left,
             "right": link.pair.right}
            for link in synopsis.set_aside
        ],
    }  # fmt: skip


def comparisons_json(story: Story, comparison: Callable[[PairKey], ComparisonJson]) -> str:
    """A story's comparisons in dossier.json, each pair of its articles in order, joined as in a JSON list."""
    return ",".join(comparison(pair)[0] for pair in story_pairs(story.article_ids))


def compared_stories(dossier: Dossier) -> list[Story]:
    """The stories that have a comparison: those of two articles or more."""
    return [story for story in dossier.stories.values() if len(story.article_ids) > 1]


# dossier.json's articles and the Web Annotations are encoded (and cached) a run of this many articles at a time:
# a rebuild after one edit reads a few hundred runs back, not thousands of articles.
ARTICLES_PER_RUN = 32


def article_runs(dossier: Dossier) -> list[list[Article]]:
    """The dossier's articles in order, in runs of ARTICLES_PER_RUN."""
    articles = list(dossier.articles.values())
    return [articles[start : start + ARTICLES_PER_RUN] for start in range(0, len(articles), ARTICLES_PER_RUN)]


def articles_json(articles: list[Article], texts: Mapping[str, ArticleText]) -> str:
    """The records of a run of articles in dossier.json, encoded and joined as the list joins them."""
    return ",".join(article_json(article, texts[article.id]) for article in articles)


def article_json(article: Article, text: ArticleText) -> str:
    """An article's record in dossier.json, encoded (the text is made from the body, which the article holds)."""
    record: dict[str, Any] = _plain(article)
    record.pop("body")
    record["path"] = urls.path_for(article)
    record["text"] = text.text  # what every offset of the article counts in (mentions, anchors, sentences)
    record["mentions"] = [_mention(mention) for mention in record["mentions"]]
    record["annotations"] = [_annotation(a, text) for a in article.annotations]
    return encode_json(record)


def _mention(mention: dict[str, Any]) -> list[Any]:
    """A mention as listed under its article (which need not be named again): its MENTION_FIELDS in order."""
    return [mention[name] for name in MENTION_FIELDS]


def encode_json(value: Any, *, sort_keys: bool = True) -> str:
    """Compact JSON, which the standard library encodes in C (an indent makes it fall back to Python, ten
    times slower on a large site); readers that want it indented can pretty-print it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


_PLACEHOLDER = "\x00{}\x00"  # no real value can be one (JSON escapes the NULs, and content may not hold them)
SPLICED_PARTS = ("articles", "sentences", "comparisons", "synopses")


def dossier_json(
    dossier: Dossier,
    texts: dict[str, ArticleText],
    index: Index,
    alignments: Mapping[PairKey, Alignment],
    comparison: Callable[[PairKey], ComparisonJson] | None = None,
    articles: Callable[[list[Article]], str] | None = None,
    synopsis: Callable[[Story], str] | None = None,
    kept: Callable[[str, Callable[[], str]], str] | None = None,
    story_comparisons: Callable[[Story, Callable[[PairKey], ComparisonJson]], str] | None = None,
) -> Iterator[str]:
    """The whole model as JSON (docs/data.md), in parts whose concatenation is the file's text, each made when
    it is asked for.

    The articles, the comparisons and the synopses, most of its bytes, are encoded in parts (`articles`, a run
    of them, `comparison`, `story_comparisons(story, comparison)` and `synopsis` may take each from a cache, so
    that an alignment nothing asked for is never read) and spliced in: the bytes are exactly those of encoding the
    document whole. The comparisons go a story at a time, so that they are never in memory whole (12 MB at 5,000
    articles). `kept(name, make)` may take from a cache what `make` encodes: "skeleton", the document without the
    spliced parts (it reads the configuration, the stories, people, sources and claims, and the index's
    mentions), and "sentences" (it reads the alignments).
    """
    keep = kept or (lambda _, make: make())
    compare_pair = comparison or (lambda pair: comparison_json(alignments[pair]))

    def sentences() -> str:
        by_article: dict[str, str] = {}
        for left, right in alignments:
            if left not in by_article or right not in by_article:
                _, left_sentences, right_sentences = compare_pair((left, right))
                by_article.setdefault(left, left_sentences)
                by_article.setdefault(right, right_sentences)
        return "{" + ",".join(f"{encode_json(key)}:{by_article[key]}" for key in sorted(by_article)) + "}"

    def make_skeleton() -> str:
        people = dossier.people.values()
        data: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "fields": {name: list(names) for name, names in FIELDS.items()},
            "site": _plain(dossier.config),
            "stories": [_plain(s) for s in dossier.stories.values()],
            "people": [_plain(p) | {"mention_count": len(index.mentions.get(p.id, []))} for p in people],
            "sources": [_plain(s) for s in dossier.sources.values()],
            "claims": [_plain(c) for c in dossier.claims.values()],
            **{name: _PLACEHOLDER.format(name) for name in SPLICED_PARTS},
        }
        return encode_json(data)

    story_synopsis = synopsis or functools.partial(synopsis_json, alignments=alignments)
    of_story = story_comparisons or comparisons_json
    encode_articles = functools.partial(articles_json, texts=texts)
    spliced: dict[str, Callable[[], Iterable[str]]] = {
        "articles": lambda: json_list(map(articles or encode_articles, article_runs(dossier))),
        "sentences": lambda: [keep("sentences", sentences)],
        "comparisons": lambda: json_list(of_story(story, compare_pair) for story in compared_stories(dossier)),
        "synopses": lambda: json_list(story_synopsis(story) for story in compared_stories(dossier)),
    }
    skeleton = keep("skeleton", make_skeleton)
    placeholders = {name: encode_json(_PLACEHOLDER.format(name)) for name in spliced}
    assert all(skeleton.count(placeholder) == 1 for placeholder in placeholders.values())

    def parts() -> Iterator[str]:
        """The skeleton with each placeholder's part in its place, made as it is asked for (see Output)."""
        start = 0
        for at, name in sorted((skeleton.index(placeholder), name) for name, placeholder in placeholders.items()):
            yield skeleton[start:at]
            yield from spliced[name]()
            start = at + len(placeholders[name])
        yield from (skeleton[start:], "\n")

    return parts()


def json_list(items: Iterable[str]) -> Iterator[str]:
    """The parts of a JSON list of encoded items, as encoding the list whole would write it."""
    separator = "["
    for item in items:
        yield from (separator, item)
        separator = ","
    yield "]" if separator == "," else "[]"


# --- schema.org ClaimReview, for search engines' fact-check markup ------------------------------------


def _party(entity_id: str, dossier: Dossier) -> dict[str, Any]:
    if entity_id in dossier.people:
        return {"@type": "Person", "name": dossier.people[entity_id].name}
    source = dossier.sources.get(entity_id)
    if source is None:
        return {"@type": "Thing", "name": entity_id}
    kind = (
        "Person" if source.kind == "person" else "Organization" if source.kind in ("outlet", "institution") else "Thing"
    )
    return {"@type": kind, "name": source.name} | ({"url": source.url} if source.url else {})


def _appearance(annotation: Annotation, dossier: Dossier) -> dict[str, Any]:
    article = dossier.articles[annotation.article_id]
    work: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": article.title,
        "url": article.url
        or urls.absolute_url(dossier.config.site_url or dossier.config.base_url, urls.path_for(article)),
        "publisher": _party(article.outlet, dossier),
    }
    if article.archived:
        work["archivedAt"] = article.archived
    if article.published:
        work["datePublished"] = article.published.isoformat()
    if article.authors:
        work["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    return work


def claim_review(claim: Claim, dossier: Dossier, appearances: list[Annotation]) -> dict[str, Any]:
    """The ClaimReview of one claim: claimReviewed, reviewRating (with alternateName), author, dates, itemReviewed."""
    config = dossier.config
    scale = [v.id for v in config.verdicts]
    verdict = config.verdict(claim.verdict)
    story = dossier.stories.get(claim.story_id)
    reviewed = claim.reviewed or (story.reviewed if story else None)
    publisher = config.publisher or Link(config.title, config.base_url)
    item: dict[str, Any] = {"@type": "Claim", "author": _party(claim.claimant, dossier)}
    if claim.date:
        item["datePublished"] = claim.date.isoformat()
    if appearances:
        works = [_appearance(a, dossier) for a in appearances]
        item["appearance"] = works
        item["firstAppearance"] = works[0]
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": urls.absolute_url(config.site_url or config.base_url, urls.path_for(claim)),
        "claimReviewed": claim.text,
        "author": {"@type": "Organization", "name": publisher.title}
        | ({"url": publisher.url} if publisher.url else {}),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": len(scale) - scale.index(claim.verdict) if claim.verdict in scale else 0,
            "bestRating": len(scale),
            "worstRating": 1,
            "alternateName": verdict.label if verdict else claim.verdict,
        },
        "itemReviewed": item,
    }
    if reviewed:
        review["datePublished"] = reviewed.isoformat()
    return review


# --- W3C Web Annotations, so tools such as Hypothesis can read the dossier's annotations -------------

CONTEXT_CHARS = 32
MOTIVATIONS = {
    "claim": "assessing",
    "source": "linking",
    "correction": "editing",
    "note": "commenting",
    "mention": "identifying",
}


def _body(annotation: Annotation, dossier: Dossier) -> list[dict[str, Any]]:
    base = dossier.config.site_url or dossier.config.base_url
    purpose = MOTIVATIONS[annotation.kind]
    target = annotation.target or ""
    bodies: list[dict[str, Any]] = []
    if annotation.kind == "claim" and target in dossier.claims:
        claim = dossier.claims[target]
        verdict = dossier.config.verdict(claim.verdict)
        bodies.append({"type": "SpecificResource", "source": urls.absolute_url(base, urls.claim_path(target)),
                       "purpose": purpose})  # fmt: skip
        bodies.append({"type": "TextualBody", "value": f"{claim.text} Verdict: {verdict.label if verdict else ''}",
                       "format": "text/plain", "purpose": purpose})  # fmt: skip
    elif annotation.kind in ("source", "mention") and target:
        path = urls.source_path(target) if annotation.kind == "source" else urls.person_path(target)
        bodies.append({"type": "SpecificResource", "source": urls.absolute_url(base, path), "purpose": purpose})
    elif annotation.kind == "correction":
        bodies.append({"type": "TextualBody", "value": annotation.correct, "format": "text/plain", "purpose": purpose})
    if annotation.note:
        bodies.append({"type": "TextualBody", "value": annotation.note, "format": "text/markdown",
                       "purpose": "commenting"})  # fmt: skip
    return bodies


def annotation_items(article: Article, text: ArticleText, dossier: Dossier) -> list[dict[str, Any]]:
    """Each anchored annotation of one article as a W3C Web Annotation."""
    base = dossier.config.site_url or dossier.config.base_url
    text_of = text.text
    page = urls.absolute_url(base, urls.path_for(article))
    items = []
    for annotation in article.annotations:
        anchor = annotation.anchor
        if anchor is None:
            continue
        item = {
            "id": f"{page}#{annotation.id}",
            "type": "Annotation",
            "motivation": MOTIVATIONS[annotation.kind],
            "body": _body(annotation, dossier),
            "target": {
                "source": article.url or page,
                "selector": [
                    {"type": "TextQuoteSelector", "exact": text_of[anchor.start : anchor.end],
                     "prefix": text_of[max(0, anchor.start - CONTEXT_CHARS) : anchor.start],
                     "suffix": text_of[anchor.end : anchor.end + CONTEXT_CHARS]},
                    {"type": "TextPositionSelector", "start": anchor.start, "end": anchor.end},
                ],
            }
            # Where the text annotated is kept, should the page at its address change or go (the model's TimeState).
            | ({"state": {"type": "TimeState", "cached": article.archived}} if article.archived else {}),
        }  # fmt: skip
        items.append(item)
    return items


# One article's Web Annotations: how many, and their JSON joined by commas.
AnnotationsJson = tuple[int, str]


def annotations_json(articles: list[Article], texts: Mapping[str, ArticleText], dossier: Dossier) -> AnnotationsJson:
    """The Web Annotations of a run of articles: how many, and their JSON joined as the collection joins them."""
    items = [item for article in articles for item in annotation_items(article, texts[article.id], dossier)]
    return len(items), ",".join(encode_json(item, sort_keys=False) for item in items)


def web_annotations(
    dossier: Dossier,
    texts: dict[str, ArticleText],
    run_annotations: Callable[[list[Article]], AnnotationsJson] | None = None,
) -> Iterator[str]:
    """Every anchored annotation as a W3C Web Annotation (TextQuoteSelector + TextPositionSelector), in parts
    whose concatenation is the file's text, each made when it is asked for (see Output).

    A run of articles' are encoded at a time (`run_annotations` may take them from a cache) and spliced in: the
    bytes are exactly those of encoding the collection whole."""
    base = dossier.config.site_url or dossier.config.base_url
    encode = run_annotations or functools.partial(annotations_json, texts=texts, dossier=dossier)
    anchored = sum(a.anchor is not None for article in dossier.articles.values() for a in article.annotations)
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": urls.absolute_url(base, urls.ANNOTATIONS_FILE),
        "type": "AnnotationCollection",
        "label": f"Annotations of {dossier.config.title}",
        "total": anchored,  # as many as the runs' items (annotation_items: one for each anchored annotation)
        "first": {"type": "AnnotationPage", "items": _PLACEHOLDER.format("items")},
    }
    before, placeholder, after = encode_json(collection, sort_keys=False).partition(
        encode_json(_PLACEHOLDER.format("items"))
    )
    assert placeholder and after.count(placeholder) == 0
    yield before
    yield from json_list(part for count, part in map(encode, article_runs(dossier)) if count)
    yield from (after, "\n")
