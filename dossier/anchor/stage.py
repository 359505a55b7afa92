"""The anchoring stage: every annotation of the dossier anchored on its article's text, problems reported."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Mapping
from typing import Any, TypeGuard

from markdown_it import MarkdownIt

from dossier.anchor.budget import Budget
from dossier.anchor.locate import locate_quote
from dossier.anchor.messages import report_match
from dossier.cache import CacheStore, digest, fingerprint, version_key
from dossier.diagnostics import Diagnostic, Location, Report, Severity
from dossier.model import Anchor, AnchorMethod, Annotation, Article, Dossier, replaced
from dossier.slotted import values_of
from dossier.text import ArticleText, Passage, parse_article_text

ANCHORS_CACHE = "anchors"  # the build cache's namespace for an article's anchors (see AnchorMemo)
TEXTS_CACHE = "texts"  # the build cache's namespace for an article's plain text and passages (see _text_of)


# What an entry holds: each annotation's anchor as a tuple (or None), the messages, and what was spent.
_AnchorTuple = tuple[int, int, AnchorMethod, float, str, int]
_Kept = tuple[tuple[_AnchorTuple | None, ...], tuple[tuple[Severity, Location, str], ...], int, int]
_KeptText = tuple[str, tuple[tuple[int, int, int, int, int, int], ...], tuple[tuple[int, int], ...]]
# An article's anchoring as a story's entry keeps it: its text, the budget left when its anchoring began
# (occurrences, fuzzy work), its key in ANCHORS_CACHE and what that entry holds.
AnchoredArticle = tuple[_KeptText, tuple[int, int], str, _Kept]


@dataclasses.dataclass(frozen=True)
class AnchorMemo:
    """Where an article's anchors and messages are kept between builds, so that an unchanged article is not
    anchored again. An entry is keyed by the article's body, its annotations, the Markdown settings and the
    budget left when its anchoring began: anchoring is a function of exactly these (the budget is spent article
    by article, in the dossier's order, so an edit that changes what one article spends anchors the articles
    after it again; an edit to a note spends nothing)."""

    store: CacheStore
    markdown_settings: str  # what decides how a body is parsed into text (raw HTML on or off)
    # Each article's key, filled as the articles are anchored: a digest of everything its anchored annotations are
    # made from (render's records take it instead of the annotations themselves).
    keys: dict[str, str] = dataclasses.field(default_factory=dict)
    # The fingerprint of an article's annotations when its story memo holds it (load.annotation_prints): an
    # unchanged story's annotations are not fingerprinted again, one by one, on every build.
    annotation_prints: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Each article's anchoring as its story's entry in the build cache holds it (dossier/story_results.py): taken
    # instead of the article's own entries when anchoring reaches it with the budget it began with then.
    kept: Mapping[str, AnchoredArticle] = dataclasses.field(default_factory=dict)
    # Each article's anchoring as this build made or took it, for its story's entry; `replayed` names those taken
    # from `kept`.
    made: dict[str, AnchoredArticle] = dataclasses.field(default_factory=dict)
    replayed: set[str] = dataclasses.field(default_factory=set)


def anchor_quotes(
    dossier: Dossier, md: MarkdownIt, report: Report, memo: AnchorMemo | None = None
) -> tuple[Dossier, dict[str, ArticleText]]:
    """Parse each article's text and anchor each annotation on it. Returns a new dossier, whose annotations
    have their anchors (those whose quote was found), and the texts by article id."""
    texts: dict[str, ArticleText] = {}
    articles: dict[str, Article] = {}
    budget = Budget()  # what the whole build may spend on quotes that occur very often and on fuzzy search
    for article_id, article in dossier.articles.items():
        anchored = _replayed_from_story(article, md, budget, memo) if memo else None
        if anchored is None:
            text, kept_text = _text_of(article, md, memo)
            budget_before = (budget.occurrences, budget.fuzzy_work)
            annotations, kept = _anchored_or_kept(article, text, budget, memo)
            if memo and kept_text:
                memo.made[article_id] = (kept_text, budget_before, memo.keys[article_id], kept)
                # Its Markdown tokens are let go: only the article's page reads them, and parses them again
                # then (as a rebuild does). Kept, they held about 290 MB at 5,000 articles through the
                # comparison and render.
                text = KeptText(kept_text, md, article)
        else:
            text, annotations, kept = anchored
        texts[article_id] = text
        report.extend(
            Report([Diagnostic(*message) for message in kept[1]])
        )  # as the report notes them: a draft's say so
        articles[article_id] = replaced(article, annotations=annotations)
    return dataclasses.replace(dossier, articles=articles), texts


def _replayed_from_story(
    article: Article, md: MarkdownIt, budget: Budget, memo: AnchorMemo
) -> tuple[ArticleText, tuple[Annotation, ...], _Kept] | None:
    """The article's text, anchored annotations and anchoring as its story's entry kept them, when the budget
    left is the one its anchoring began with then (anchoring is a function of the article, the Markdown
    settings and that budget; the entry's key covers the first two); else None."""
    kept = memo.kept.get(article.id)
    if kept is None or kept[1] != (budget.occurrences, budget.fuzzy_work):
        return None
    kept_text, _, key, anchoring = kept
    memo.keys[article.id], memo.made[article.id] = key, kept
    memo.replayed.add(article.id)
    return KeptText(kept_text, md, article), _replayed(article, anchoring, budget), anchoring


def _anchored_or_kept(
    article: Article, text: ArticleText, budget: Budget, memo: AnchorMemo | None
) -> tuple[tuple[Annotation, ...], _Kept]:
    """The article's annotations with their anchors, and what the memo keeps of their anchoring (with the messages
    it gave): from the memo when it holds them, else anchored now (and kept in the memo)."""
    if memo is None:
        annotations, kept = _anchored_article(article, text, budget)
    else:
        key = memo.keys[article.id] = _memo_key(memo, article, budget)
        found = _kept(memo.store.get(ANCHORS_CACHE, key), article)
        if found is None:
            annotations, kept = _anchored_article(article, text, budget)
            memo.store.put(ANCHORS_CACHE, key, kept)
        else:
            annotations, kept = _replayed(article, found, budget), found
    return annotations, kept


class KeptText(ArticleText):
    """An article's text as the build cache kept it: its plain text, passages and lines. The Markdown tokens,
    which only the article's page reads (render/body.py), are parsed each time they are asked for and not kept:
    parsing every body again cost 0.7 s of a rebuild at 1,000 articles, and keeping each one parsed held 16 MB
    of tokens at 1,000 articles by the end of rendering."""

    def __init__(self, kept: _KeptText, md: MarkdownIt, article: Article) -> None:
        text, passages, line_starts = kept
        self.text, self.passages, self.line_starts = text, [Passage(*p) for p in passages], list(line_starts)
        self._md, self._article = md, article

    def __getattr__(self, name: str) -> Any:
        if name != "tokens":
            raise AttributeError(name)
        # As parse_article_text leaves them (each text token knows its offset in the text).
        return parse_article_text(self._md, self._article.body, self._article.body_line).tokens


def _text_of(article: Article, md: MarkdownIt, memo: AnchorMemo | None) -> tuple[ArticleText, _KeptText | None]:
    """The article's text: parsed from its body, or as the build cache kept it for this body; with the cache, also
    what it keeps of the text."""
    if memo is None:
        return parse_article_text(md, article.body, article.body_line), None
    key = digest(version_key(), TEXTS_CACHE, memo.markdown_settings, article.body, str(article.body_line))
    found = memo.store.get(TEXTS_CACHE, key)
    if is_kept_text(found):
        return KeptText(found, md, article), found
    text = parse_article_text(md, article.body, article.body_line)
    passages = tuple(values_of(passage) for passage in text.passages)
    kept: _KeptText = (text.text, passages, tuple(text.line_starts))
    memo.store.put(TEXTS_CACHE, key, kept)
    return text, kept


def is_kept_text(found: Any) -> TypeGuard[_KeptText]:
    """Whether a cache entry has the shape _text_of stores (anything else, a damaged cache, is parsed again)."""
    if not (isinstance(found, tuple) and len(found) == 3 and isinstance(found[0], str)):
        return False
    _, passages, line_starts = found
    return _are_int_tuples(passages, 6) and _are_int_tuples(line_starts, 2)


def _are_int_tuples(items: Any, size: int) -> bool:
    """Whether `items` is a tuple of tuples of `size` ints; checked by map and set, in C: a rebuild checks some
    25,000 of them at 1,000 articles."""
    return (
        type(items) is tuple
        and set(map(type, items)) <= {tuple}
        and set(map(len, items)) <= {size}
        and set(map(type, itertools.chain.from_iterable(items))) <= {int}
    )


def _memo_key(memo: AnchorMemo, article: Article, budget: Budget) -> str:
    return digest(
        version_key(),
        ANCHORS_CACHE,
        memo.markdown_settings,
        article.body,
        str(article.body_line),
        memo.annotation_prints.get(article.id) or fingerprint(article.annotations),
        f"{budget.occurrences} {budget.fuzzy_work}",
    )


def _anchored_article(article: Article, text: ArticleText, budget: Budget) -> tuple[tuple[Annotation, ...], _Kept]:
    """The article's annotations anchored now, and what a memo keeps of it."""
    spent_before = (budget.occurrences, budget.fuzzy_work)
    own = Report()
    digest_of_text = text_hash(text.text)
    annotations = tuple(_anchored(annotation, text, digest_of_text, budget, own) for annotation in article.annotations)
    anchors = tuple(_anchor_tuple(annotation.anchor) for annotation in annotations)
    messages = tuple((d.severity, d.location, d.message) for d in own.diagnostics)
    return annotations, (anchors, messages, spent_before[0] - budget.occurrences, spent_before[1] - budget.fuzzy_work)


def _replayed(article: Article, kept: _Kept, budget: Budget) -> tuple[Annotation, ...]:
    """The article's annotations with the anchors kept, the budget spent as their anchoring spent it."""
    anchors, _, occurrences, fuzzy_work = kept
    budget.occurrences -= occurrences
    budget.fuzzy_work -= fuzzy_work
    return tuple(
        replaced(annotation, anchor=Anchor(*anchor)) if anchor else annotation
        for annotation, anchor in zip(article.annotations, anchors, strict=True)
    )


def _anchor_tuple(anchor: Anchor | None) -> _AnchorTuple | None:
    if anchor is None:
        return None
    return (anchor.start, anchor.end, anchor.method, anchor.confidence, anchor.text_hash, anchor.passage)


def is_anchored_article(found: Any, article: Article) -> TypeGuard[AnchoredArticle]:
    """Whether a story's entry holds an article's anchoring in the shape AnchorMemo.made gives it."""
    if not (isinstance(found, tuple) and len(found) == 4 and is_kept_text(found[0]) and isinstance(found[2], str)):
        return False
    budget_before = found[1]
    is_budget = isinstance(budget_before, tuple) and len(budget_before) == 2
    return is_budget and all(type(spent) is int for spent in budget_before) and _kept(found[3], article) is not None


def _kept(found: Any, article: Article) -> _Kept | None:
    """An entry as `_anchored_article` made it for `article`, or None for anything else (a damaged cache)."""
    if not (isinstance(found, tuple) and len(found) == 4 and isinstance(found[0], tuple)):
        return None
    if len(found[0]) != len(article.annotations):
        return None
    anchors, messages, occurrences, fuzzy_work = found
    is_anchor = all(anchor is None or (isinstance(anchor, tuple) and len(anchor) == 6) for anchor in anchors)
    is_message = isinstance(messages, tuple) and all(_is_message(message) for message in messages)
    if not (is_anchor and is_message and isinstance(occurrences, int) and isinstance(fuzzy_work, int)):
        return None
    return found


def _is_message(message: Any) -> bool:
    return (
        isinstance(message, tuple)
        and len(message) == 3
        and message[0] in ("error", "warning")
        and isinstance(message[1], Location)
        and isinstance(message[2], str)
    )


def _anchored(
    annotation: Annotation, text: ArticleText, text_digest: str, budget: Budget, report: Report
) -> Annotation:
    """The annotation with its anchor when its quote was found in `text` (whose text_hash is `text_digest`)."""
    match = locate_quote(text.text, annotation.selector, budget=budget)
    report_match(annotation, match, text, report)
    if match.status != "found" or match.method is None:
        return annotation
    anchor = Anchor(match.start, match.end, match.method, match.confidence, text_digest, text.passage_of(match.start))
    return dataclasses.replace(annotation, anchor=anchor)


def text_hash(text: str) -> str:
    """A short stable hash of the text a quote was anchored on: a changed article shows as a changed hash."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
