"""build/data/dossier.json: the whole resolved model, for others to reuse. Deterministic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from dossier import urls
from dossier.compare.align import Alignment
from dossier.compare.segment import Sentence
from dossier.compare.stage import PairKey
from dossier.link import Index
from dossier.model import Annotation, Article, Claim, Dossier, Link
from dossier.text import ArticleText

SCHEMA_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "location"}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _annotation(annotation: Annotation, text: ArticleText) -> dict[str, Any]:
    record: dict[str, Any] = _plain(annotation)
    anchor = annotation.anchor
    record["exact_text"] = text.text[anchor.start : anchor.end] if anchor else None
    record["source_location"] = str(annotation.location)
    return record


def _alignment(alignment: Alignment) -> dict[str, Any]:
    def sentence(s: Sentence) -> dict[str, Any]:
        return {"index": s.index, "start": s.start, "end": s.end, "text": s.text}

    return {
        "left_article": alignment.left_article,
        "right_article": alignment.right_article,
        "pairs": [
            {"left": p.left, "right": p.right, "score": round(p.score, 4), "kind": p.kind,
             "shared_quote": p.shared_quote, "shared_claims": list(p.shared_claims),
             "signals": {name: round(value, 4) for name, value in p.signals.items()},
             "is_ambiguous": p.is_ambiguous,
             "left_sources": list(p.attribution.left_sources), "right_sources": list(p.attribution.right_sources)}
            for p in alignment.pairs
        ],
        "unique_left": [sentence(alignment.left[i]) for i in alignment.unique_left],
        "unique_right": [sentence(alignment.right[i]) for i in alignment.unique_right],
        "left_sentences": [sentence(s) for s in alignment.left],
        "right_sentences": [sentence(s) for s in alignment.right],
    }  # fmt: skip


def comparison_json(alignment: Alignment) -> str:
    """One comparison as it stands in dossier.json, as if at the top level (see `dossier_json`)."""
    return json.dumps(_alignment(alignment), ensure_ascii=False, indent=1, sort_keys=True)


def article_json(article: Article, text: ArticleText) -> str:
    """One article's record in dossier.json, as if at the top level (see `dossier_json`)."""
    record = _plain(article)
    record.pop("body")
    record["path"] = urls.path_for(article)
    record["annotations"] = [_annotation(a, text) for a in article.annotations]
    return json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True)


_PLACEHOLDER = "\x00{}\x00"  # no real value can be one (JSON escapes the NULs, and content may not hold them)


def dossier_json(
    dossier: Dossier,
    texts: dict[str, ArticleText],
    index: Index,
    alignments: dict[PairKey, Alignment],
    comparison: Callable[[PairKey, Alignment], str] | None = None,
    article: Callable[[Article, ArticleText], str] | None = None,
) -> bytes:
    """The whole model as JSON.

    The articles and the comparisons, most of its bytes, are encoded one by one (`article` and `comparison` may
    take each from a cache) and spliced into the rest: JSON with an indent nests a value by prefixing each of
    its lines, so the bytes are exactly those of encoding the document whole.
    """
    encode_article = article or article_json
    encode_comparison = comparison or (lambda _, alignment: comparison_json(alignment))
    parts = {
        "articles": [encode_article(a, texts[a.id]) for a in dossier.articles.values()],
        "comparisons": [encode_comparison(key, a) for key, a in alignments.items()],
    }
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "site": _plain(dossier.config),
        "stories": [_plain(s) for s in dossier.stories.values()],
        "people": [_plain(p) | {"mention_count": len(index.mentions.get(p.id, []))} for p in dossier.people.values()],
        "sources": [_plain(s) for s in dossier.sources.values()],
        "claims": [_plain(c) for c in dossier.claims.values()],
    }
    for name, items in parts.items():
        data[name] = [_PLACEHOLDER.format(name)] if items else []
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    for name, items in parts.items():
        if items:  # a list at the top level nests its items two spaces deep
            placeholder = json.dumps(_PLACEHOLDER.format(name))
            assert text.count(placeholder) == 1
            text = text.replace(placeholder, ",\n  ".join(item.replace("\n", "\n  ") for item in items))
    return (text + "\n").encode("utf-8")


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


def annotation_items(article: Article, text: ArticleText, dossier: Dossier) -> list[str]:
    """The JSON of each anchored annotation of one article as a W3C Web Annotation, each as if at the top level.

    Besides the article it reads only the site's address, the claims it quotes and the verdicts (see
    `claims_quoted`), so it can be cached by those.
    """
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
            },
        }  # fmt: skip
        items.append(json.dumps(item, ensure_ascii=False, indent=1))
    return items


def claims_quoted(article: Article, dossier: Dossier) -> list[tuple[str, Claim | None]]:
    """The claims an article's annotations quote, as `annotation_items` reads them."""
    return [(a.target, dossier.claims.get(a.target)) for a in article.annotations if a.kind == "claim" and a.target]


def web_annotations(
    dossier: Dossier,
    texts: dict[str, ArticleText],
    items_of: Callable[[Article, ArticleText, Dossier], list[str]] | None = None,
) -> bytes:
    """Every anchored annotation as a W3C Web Annotation (TextQuoteSelector + TextPositionSelector).

    The annotations are encoded article by article (`items_of` may take them from a cache) and spliced in, as
    in `dossier_json`: the bytes are those of encoding the collection whole.
    """
    base = dossier.config.site_url or dossier.config.base_url
    encode = items_of or annotation_items
    items = [item for article in dossier.articles.values() for item in encode(article, texts[article.id], dossier)]
    placeholder = _PLACEHOLDER.format("items")
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": urls.absolute_url(base, urls.ANNOTATIONS_FILE),
        "type": "AnnotationCollection",
        "label": f"Annotations of {dossier.config.title}",
        "total": len(items),
        "first": {"type": "AnnotationPage", "items": [placeholder] if items else []},
    }
    text = json.dumps(collection, ensure_ascii=False, indent=1)
    if items:  # the items stand three levels deep
        encoded = json.dumps(placeholder)
        assert text.count(encoded) == 1
        text = text.replace(encoded, ",\n   ".join(item.replace("\n", "\n   ") for item in items))
    return (text + "\n").encode("utf-8")
