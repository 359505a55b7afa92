"""What the checking stages made of each story's articles, kept in the build cache as one entry per story.

A rebuild reads an unchanged story's texts, anchors, mentions and languages back in one read, instead of one read
per article in each stage (20,000 reads at 5,000 articles), and makes none of them again. An entry is kept under
a digest of the story's memo key (its files, dossier.yaml, the drafts option, dossier's version and code) and the
people's names (what finding mentions reads besides the text). Anchoring also depends on the budget the build
has left when it reaches an article: each article's is kept in the entry, and an article reached with another
is anchored again (anchor/stage.py). Everything made across stories (the index, the validation of ids and
references, the comparison's pairs) is made again from these on every build, as in a clean build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dossier.anchor.stage import AnchoredArticle, AnchorMemo, is_anchored_article
from dossier.cache import CacheStore, digest, version_key
from dossier.link import KeptMentions, are_mention_rows, mention_rows
from dossier.load import RawDossier, RawStory
from dossier.model import Article, Dossier

STORY_RESULTS_CACHE = "story-results"  # the build cache's namespace for the entries

# What an entry keeps of one article, in the story's order: its id, its anchoring, its mentions, its language and
# the key of its side in the comparison (compare.stage._side_key).
_KeptArticle = tuple[str, AnchoredArticle, KeptMentions, str | None, str]


@dataclass
class StoryResults:
    """The entries of a build's stories: those read back (`anchoring`, `mentions`, `languages`, `side_keys`, by
    article id, for the stages to take) and the keys of those to make once the stages have run (`missing`)."""

    store: CacheStore
    people: str  # link.people_key
    anchoring: dict[str, AnchoredArticle] = field(default_factory=dict)
    mentions: dict[str, KeptMentions] = field(default_factory=dict)
    languages: dict[str, str | None] = field(default_factory=dict)
    side_keys: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)  # story id -> key

    def read(self, raw: RawDossier, dossier: Dossier) -> None:
        """Read the entry of each story whose articles are those of its memo (see `_memo_articles`)."""
        for story in raw.stories:
            articles = _memo_articles(story, dossier)
            if articles is None or story.memo_key is None:
                continue
            key = digest(version_key(), STORY_RESULTS_CACHE, story.memo_key, self.people)
            kept = _kept_articles(self.store.get(STORY_RESULTS_CACHE, key), articles)
            if kept is None:
                self.missing[story.id] = key
                continue
            for article_id, anchoring, mentions, language, side_key in kept:
                self.anchoring[article_id] = anchoring
                self.mentions[article_id] = mentions
                self.languages[article_id] = language
                self.side_keys[article_id] = side_key

    def kept_mentions(self, memo: AnchorMemo) -> dict[str, KeptMentions]:
        """The mentions kept of the articles whose anchors were taken from their entry: the others' annotations
        may have other anchors, and so other mentions."""
        return {article_id: self.mentions[article_id] for article_id in memo.replayed}

    def kept_side_keys(self, memo: AnchorMemo) -> dict[str, str]:
        """The comparison's side keys kept of the articles whose anchors were taken from their entry (a side holds
        the spans of its claims and sources); the comparison fills in the others', for `keep`."""
        self.side_keys = {article_id: self.side_keys[article_id] for article_id in memo.replayed}
        return self.side_keys

    def keep(self, dossier: Dossier, memo: AnchorMemo, mention_keys: Mapping[str, str]) -> None:
        """Store the entries that were missing, from what the stages made (`dossier` is link's; `languages` and
        `side_keys` filled by the comparison)."""
        # Each story's entry waits on disk until its shard is written, not in memory: a cold build puts them all
        # at once (at 5,000 articles, 33 MB of pickles just before rendering, which the heap then kept).
        self.store.spill(STORY_RESULTS_CACHE)
        for story_id, key in self.missing.items():
            article_ids = dossier.stories[story_id].article_ids
            if not all(id_ in memo.made and id_ in self.languages and id_ in self.side_keys for id_ in article_ids):
                continue
            entry = tuple(
                (
                    id_,
                    memo.made[id_],
                    (mention_keys[id_], mention_rows(dossier.articles[id_])),
                    self.languages[id_],
                    self.side_keys[id_],
                )
                for id_ in article_ids
            )
            self.store.put(STORY_RESULTS_CACHE, key, entry)
        self.store.write_back(STORY_RESULTS_CACHE)  # every entry is read or put by now


def _memo_articles(story: RawStory, dossier: Dossier) -> list[Article] | None:
    """The story's articles as its memo (read back or made now) holds them, when they are the very articles of
    the dossier's story, in its order; None when validation made others (drafts left out, annotations naming a
    draft's claim dropped) or the story has no memo."""
    memo = story.memo or story.made
    published = dossier.stories.get(story.id)
    if memo is None or published is None:
        return None
    if published.article_ids != tuple(article.id for article in memo.articles):
        return None
    is_same = all(dossier.articles.get(article.id) is article for article in memo.articles)
    return memo.articles if is_same else None


def _kept_articles(found: Any, articles: list[Article]) -> list[_KeptArticle] | None:
    """An entry as StoryResults.keep made it for `articles`, or None for anything else (a damaged cache)."""
    if not (isinstance(found, tuple) and len(found) == len(articles)):
        return None
    for kept, article in zip(found, articles, strict=True):
        if not (isinstance(kept, tuple) and len(kept) == 5 and kept[0] == article.id and isinstance(kept[4], str)):
            return None
        _, anchoring, mentions, language, _ = kept
        is_mentions = isinstance(mentions, tuple) and len(mentions) == 2 and isinstance(mentions[0], str)
        if not (is_anchored_article(anchoring, article) and is_mentions and are_mention_rows(mentions[1])):
            return None
        if not (language is None or isinstance(language, str)):
            return None
    return list(found)
