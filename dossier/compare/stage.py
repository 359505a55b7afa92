"""The comparison stage: every pair of articles of every story, aligned sentence by sentence.

Each article is described once (sentences, words, names), however many pairs it takes part in. With more
than one core and enough pairs, stories are compared in forked worker processes; results are gathered in
story order, so the output does not depend on how the work was shared.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence

from dossier.cache import CacheStore, digest, fingerprint, version_key
from dossier.compare.align import Alignment, DescribedSide, compare_sides, describe_side
from dossier.compare.features import Side
from dossier.compare.language import (
    SCRIPT_LANGUAGES,
    base_language,
    detect_language,
    is_script,
    language_name,
    same_language,
    script_language,
)
from dossier.compare.meaning import model_key
from dossier.compare.segment import Sentence, Sentences, split_sentences
from dossier.compare.words import DEFAULT_SYNONYMS
from dossier.diagnostics import Report
from dossier.model import Article, CompareSettings, Dossier
from dossier.text import ArticleText
from dossier.workers import forked_map, worker_count

PairKey = tuple[str, str]  # (left article id, right article id), in the story's order
# Below this many pairs, starting workers costs more than it saves.
PARALLEL_MIN_PAIRS = 40


def side_of(
    article: Article, text: ArticleText, dossier: Dossier, people: Mapping[str, tuple[str, ...]] | None = None
) -> Side:
    """The article as the comparison sees it: its text, the people it may name, its annotated claims and sources."""
    spans: dict[str, list[tuple[int, int, str]]] = {"claim": [], "source": []}
    for annotation in article.annotations:
        if annotation.anchor and annotation.target and annotation.kind in spans:
            spans[annotation.kind].append((annotation.anchor.start, annotation.anchor.end, annotation.target))
    return Side(
        article_id=article.id,
        text=text.text,
        people=people if people is not None else {person.id: person.names for person in dossier.people.values()},
        claims=tuple(spans["claim"]),
        sources=tuple(spans["source"]),
        # The site's language is every article's default: only one the front matter sets apart is taken as said, or
        # one whose text is in a script the site's language is written in (an Arabic text in a site in `ar`: the
        # script alone would name it "Arabic script", and a Persian text in that site is marked `ar` on its page).
        language=article.language
        if article.language != dossier.config.language
        else _site_language_of_its_script(text.text, dossier.config.language),
    )


def _site_language_of_its_script(text: str, site_language: str) -> str | None:
    script = script_language(text)
    return (
        site_language if script and is_script(script) and same_language(script, base_language(site_language)) else None
    )


def story_pairs(article_ids: Sequence[str]) -> list[PairKey]:
    """Each pair of a story's articles, in the story's order: the pairs it compares."""
    return list(itertools.combinations(article_ids, 2))


# One story's work: its sides, and the pairs to align among them.
_Job = tuple[list[Side], list[PairKey]]
CACHE_NAMESPACE = "compare"
LANGUAGE_CACHE = "language"  # the build cache's namespace for the language read from each article's text
ALONE = "alone"  # the side key of an article alone in its story, which no pair's key is made from


def _side_key(side: Side, people_key: str) -> str:
    return digest(side.article_id, side.text, people_key, fingerprint((side.claims, side.sources, side.language)))


def made_with_key(settings: CompareSettings) -> str:
    """What every alignment is made with besides its two sides: the settings, the synonyms, the sentence
    model's files (taken once per build: reading the model's files for each pair cost 0.4 s at 1,000 articles)."""
    return fingerprint((settings, DEFAULT_SYNONYMS, model_key(settings.meaning)))


def pair_key(left_key: str, right_key: str, made_with: str) -> str:
    """What an alignment is made from: both sides (with the people registry), `made_with_key`, the version."""
    return digest(version_key(), CACHE_NAMESPACE, left_key, right_key, made_with)


def _align_story(job: _Job, settings: CompareSettings) -> list[tuple[PairKey, Alignment]]:
    sides, pairs = job
    described: dict[str, DescribedSide] = {}
    by_id = {side.article_id: side for side in sides}
    aligned = []
    for left, right in pairs:
        for article_id in (left, right):
            if article_id not in described:
                described[article_id] = describe_side(by_id[article_id], meaning=settings.meaning)
        aligned.append(((left, right), compare_sides(described[left], described[right], settings)))
    return aligned


class SharedSentences:
    """One `Sentences` of an article for all the alignments that hold it, on the article's text as the build holds it.

    An alignment holds both articles' sentences; made in a worker, each comes with its own copy, so an article in
    n - 1 pairs had n - 1 copies (about 45 of the 56 MB the alignments of 1,000 articles took), each sentence
    with its own copy of its words. The first met is kept, made again on the build's own string of the article's
    text. The build cache stores alignments without their sentences (`bare`: with them, each held both articles'
    texts, 28 of the 31 MB the cache's alignments took at 1,000 articles): a split is a function of the text
    alone, so the article's text is split again.
    """

    def __init__(self, texts: Mapping[str, ArticleText]) -> None:
        self._texts = texts
        self._by_article: dict[str, Sentences] = {}

    def forget(self) -> None:
        self._by_article.clear()

    def share(self, alignment: Alignment) -> Alignment:
        left = self._sentences(alignment.left_article, alignment.left)
        right = self._sentences(alignment.right_article, alignment.right)
        if left is alignment.left and right is alignment.right:
            return alignment
        return dataclasses.replace(alignment, left=left, right=right)

    def _sentences(self, article_id: str, brought: Sequence[Sentence]) -> Sequence[Sentence]:
        known = self._by_article.get(article_id)
        if known is None:
            text = self._texts.get(article_id)
            if text is None:
                return brought
            if brought and brought[0].source == text.text:  # made in a worker: no need to split it again
                known = Sentences(text.text, brought)
            else:
                known = Sentences(text.text, split_sentences(text.text))
            self._by_article[article_id] = known
        return known


def bare(alignment: Alignment) -> Alignment:
    """The alignment without its sentences, as the build cache keeps it (`SharedSentences` gives them back)."""
    return dataclasses.replace(alignment, left=(), right=())


class Alignments(Mapping[PairKey, Alignment]):
    """Each pair's alignment, in story order; one stored in the build cache is unpickled when first read.

    `input_keys` holds a digest of each pair's inputs (its key in the build cache), in the same order.
    """

    def __init__(
        self,
        input_keys: dict[PairKey, str],
        made: dict[PairKey, Alignment],
        store: CacheStore | None,
        align_again: Callable[[PairKey], Alignment],
        shared: SharedSentences,
    ) -> None:
        self.input_keys: Mapping[PairKey, str] = input_keys
        self._shared = shared
        self._made = made  # the others are in the store
        self._store = store
        self._align_again = align_again

    def __getitem__(self, pair: PairKey) -> Alignment:
        found = self._made.get(pair)
        if found is None:
            key = self.input_keys[pair]  # a KeyError for a pair of no story
            stored = self._store.get(CACHE_NAMESPACE, key) if self._store else None
            if not isinstance(stored, Alignment):  # damaged or refused: the cache is only a shortcut
                stored = self._align_again(pair)
                if self._store:
                    self._store.put(CACHE_NAMESPACE, key, bare(stored))
            found = self._made[pair] = self._shared.share(stored)
        return found

    def let_go(self) -> None:
        """Forget the alignments read or made, where the build cache holds them (a later read takes one from it
        again): once the pages are rendered, the end of a build, which writes the cache, wants that memory
        (about 80 MB at 5,000 articles)."""
        if self._store is not None:
            self._made.clear()
            self._shared.forget()

    def __iter__(self) -> Iterator[PairKey]:
        return iter(self.input_keys)

    def __len__(self) -> int:
        return len(self.input_keys)


def compare_stories(
    dossier: Dossier,
    texts: dict[str, ArticleText],
    store: CacheStore | None = None,
    report: Report | None = None,
    languages: dict[str, str | None] | None = None,
    side_keys: dict[str, str] | None = None,
) -> Alignments:
    """Alignments for each pair of articles within each story (n articles: n (n - 1) / 2 pairs).

    With a `store`, a pair whose inputs are unchanged since it was last aligned is taken from it (when read),
    and new alignments are stored. Each pair of articles in different languages is a warning in `report`. The
    language of an article that `languages` holds, and the key of its side (its text, spans, language and the
    people) that `side_keys` holds, are taken from them, and both are filled with the others' (a rebuild takes
    an unchanged story's from the build cache: dossier/story_results.py); a side is made only when needed.
    """
    people = {person.id: person.names for person in dossier.people.values()}
    settings = dossier.config.compare
    sides: dict[str, Side] = {}

    def side(article_id: str) -> Side:
        if article_id not in sides:
            sides[article_id] = side_of(dossier.articles[article_id], texts[article_id], dossier, people)
        return sides[article_id]

    # An article alone in its story is compared with nothing: its language and its side's key are never read
    # (a thousand single-article stories: 0.3 s of a cold build reading languages).
    compared = {
        article for story in dossier.stories.values() if len(story.article_ids) > 1 for article in story.article_ids
    }
    if report is not None:
        languages = {} if languages is None else languages
        for article_id in dossier.articles:
            if article_id not in languages:
                languages[article_id] = (
                    _language(side(article_id), store)
                    if article_id in compared
                    else _alone_language(dossier.articles[article_id], texts[article_id].text, dossier)
                )
        report_unmarked_languages(dossier, languages, report)
        report_different_languages(dossier, languages, report)
    people_key = fingerprint(sorted(people.items()))
    side_keys = {} if side_keys is None else side_keys
    for article_id in dossier.articles:
        if article_id not in side_keys:
            side_keys[article_id] = _side_key(side(article_id), people_key) if article_id in compared else ALONE
    made_with = made_with_key(settings)
    pair_keys: dict[PairKey, str] = {}
    jobs: list[_Job] = []
    for story in dossier.stories.values():
        missing = []
        for left, right in story_pairs(story.article_ids):
            key = pair_keys[(left, right)] = pair_key(side_keys[left], side_keys[right], made_with)
            if not (store and store.keep(CACHE_NAMESPACE, key)):
                missing.append((left, right))
        if missing:
            needed = sorted({a for pair in missing for a in pair}, key=story.article_ids.index)
            jobs.append(([side(a) for a in needed], missing))
    shared = SharedSentences(texts)
    made = _align_all(jobs, settings, shared)
    if store:  # every other pair is kept by now
        store.put_and_write_back(CACHE_NAMESPACE, {pair_keys[pair]: bare(made[pair]) for pair in made})

    def align_again(pair: PairKey) -> Alignment:
        return _align_story(([side(pair[0]), side(pair[1])], [pair]), settings)[0][1]

    return Alignments(pair_keys, made, store, align_again, shared)


def report_different_languages(dossier: Dossier, languages: Mapping[str, str | None], report: Report) -> None:
    """A warning for each pair of a story's articles that are not compared because their languages differ."""
    for story in dossier.stories.values():
        for left, right in story_pairs(story.article_ids):
            left_language, right_language = languages[left], languages[right]
            if left_language and right_language and not same_language(left_language, right_language):
                other = dossier.articles[right]
                report.warning(
                    dossier.articles[left].location,
                    f"'{left}' ({language_name(left_language)}) and '{right}' ({language_name(right_language)}, "
                    f"{other.location}) are in different "
                    f"languages, so the comparison page shows them side by side without pairing their sentences; "
                    f"if a language is read wrongly, set `language:` in that article's front matter",
                )


def report_unmarked_languages(dossier: Dossier, languages: Mapping[str, str | None], report: Report) -> None:
    """A warning for each article that takes the site's language while its text reads as in another: its pages
    would tell browsers, screen readers and search the site's language (and a right-to-left text would run left
    to right)."""
    site = base_language(dossier.config.language)
    for article_id, article in dossier.articles.items():
        language = languages.get(article_id)
        if language is None or article.language != dossier.config.language or same_language(language, site):
            continue
        examples = SCRIPT_LANGUAGES.get(language, "ISO 639")
        fix = (
            f"set `language:` in its front matter to its language's tag ({examples}, ...)"
            if is_script(language)
            else f"set `language: {language}` in its front matter"
        )
        report.warning(
            article.location,
            f"'{article_id}' reads as {language_name(language)}, but it takes the site's language "
            f"({language_name(site)}), which its pages give browsers and screen readers; {fix}",
        )


def _alone_language(article: Article, text: str, dossier: Dossier) -> str | None:
    """The language of an article compared with no other: its front matter's, else its script's where that is not
    the Latin one (reading its words cost a thousand single-article stories 0.3 s of a cold build)."""
    if article.language != dossier.config.language:
        return base_language(article.language)
    return script_language(text)


def _language(side: Side, store: CacheStore | None) -> str | None:
    """align.side_language: the front matter's language, else the one read from the text, which the build cache
    keeps (reading 1,000 texts again cost 0.55 s of a rebuild)."""
    if side.language or store is None:
        return base_language(side.language) if side.language else detect_language(side.text)
    key = digest(version_key(), LANGUAGE_CACHE, side.text)
    found = store.get(LANGUAGE_CACHE, key)
    if isinstance(found, tuple) and len(found) == 1 and (found[0] is None or isinstance(found[0], str)):
        return found[0]
    language = detect_language(side.text)
    store.put(LANGUAGE_CACHE, key, (language,))
    return language


def _align_all(jobs: list[_Job], settings: CompareSettings, shared: SharedSentences) -> dict[PairKey, Alignment]:
    workers = worker_count(sum(len(pairs) for _, pairs in jobs), PARALLEL_MIN_PAIRS)
    if workers == 1:
        return {pair: shared.share(alignment) for job in jobs for pair, alignment in _align_story(job, settings)}
    # The workers are sent indexes: the jobs (whole texts) reach them by the fork, unpickled.
    chunks = forked_map(
        lambda index: _align_story(jobs[index], settings),
        range(len(jobs)),
        workers,
        chunksize=max(1, len(jobs) // (workers * 8)),
    )
    # Shared as they come, so that each copy of the sentences is freed before the next chunk arrives.
    return {pair: shared.share(alignment) for chunk in chunks for pair, alignment in chunk}
