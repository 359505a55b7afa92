"""What `dossier new` leaves for the editor to write, and a warning wherever it is still in what would be published.

The skeletons (themes/default/scaffold/new/) hold texts that tell the editor what to write there: "The claim,
in one sentence." would pass every other check and be published as it is. Each one left in a story, an
article or a registry that the run includes (drafts only with `--drafts`) is a warning at its line and column,
so `dossier check --strict` fails on it. tests/test_scaffold.py keeps this list in step with the skeletons.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from dossier.diagnostics import Location, Report
from dossier.load import RawArticle, RawDossier, RawStory
from dossier.model import Dossier
from dossier.yaml_reader import LocatedDict, LocatedList

HEADLINE = "The headline, as published"
CLAIM = "The claim, in one sentence."
# Sentences no real text holds: found anywhere in a value or an article's text, however the lines are wrapped.
SENTENCES = (
    "Paste the article's text here, as published, paragraph by paragraph.",
    "What happened, in a few sentences of Markdown.",
    CLAIM,
    "Why the verdict, in Markdown.",
    "Who they are, in Markdown.",
    "What it is, in Markdown.",
    "What the reader should know.",
)
# Shorter hints, some commented out in the skeletons (an uncommented line is easily left as it is): a
# placeholder only as a whole value, since real text may hold these words.
WHOLE_VALUES = frozenset({HEADLINE, "First Author", "Other names the articles use", "Their position", "Why."})
_SENTENCE = re.compile("|".join(r"\s+".join(map(re.escape, sentence.split())) for sentence in SENTENCES))
# Cheap tests first (a rebuild checks some 36,000 texts at 1,000 articles): a text holds a sentence only if it
# holds the sentence's longest word, and is a whole value only if it has no more words than the longest one.
_SENTENCE_WORDS = frozenset(max(sentence.split(), key=len) for sentence in SENTENCES)
_MOST_WORDS = max(len(value.split()) for value in WHOLE_VALUES)

# The verdict `dossier new claim` gives a claim when the scale has it (else the scale's last): not decided yet.
UNDECIDED_VERDICT = "unverified"


def new_claim_verdict(scale: Sequence[str]) -> str:
    """The verdict of a new claim, from the ids of the dossier's verdict scale."""
    return UNDECIDED_VERDICT if UNDECIDED_VERDICT in scale else scale[-1]


def placeholder_in(text: str) -> tuple[int, str] | None:
    """(offset, placeholder) of the first placeholder in `text`, or None."""
    words = text.split(maxsplit=_MOST_WORDS)  # all the words, when there are no more than _MOST_WORDS
    if len(words) <= _MOST_WORDS and " ".join(words) in WHOLE_VALUES:
        return len(text) - len(text.lstrip()), " ".join(words)
    if not any(word in text for word in _SENTENCE_WORDS):
        return None
    found = _SENTENCE.search(text)
    return (found.start(), " ".join(found.group().split())) if found else None


def report_placeholders(raw: RawDossier, dossier: Dossier, report: Report) -> None:
    """A warning for each placeholder left in the registries and in the stories and articles `dossier` kept."""
    for registry in (raw.people, raw.sources):
        _report_values(registry, report)
    for raw_story in raw.stories:
        if raw_story.memo is not None:  # read back: its warnings are given again
            for _, location, message in raw_story.memo.placeholders:
                report.warning(location, message)
            continue
        before = len(report.diagnostics)
        _report_story(raw_story, dossier, report)
        if raw_story.made is not None:
            raw_story.made.placeholders = [(d.severity, d.location, d.message) for d in report.diagnostics[before:]]


def _report_story(raw_story: RawStory, dossier: Dossier, report: Report) -> None:
    if raw_story.id not in dossier.stories:
        return  # a draft left out, or a story with errors
    _report_values(raw_story.record, report)
    for raw_article in raw_story.articles:
        article = dossier.articles.get(raw_article.id)
        if article is not None and article.story_id == raw_story.id:
            _report_article(raw_article, report)


def _report_article(raw: RawArticle, report: Report) -> None:
    _report_values(raw.front, report)
    _report_values(raw.sidecar, report)
    found = placeholder_in(raw.body)
    if found:
        offset, placeholder = found
        line_start = raw.body.rfind("\n", 0, offset) + 1
        where = Location(raw.path, raw.body_line + raw.body.count("\n", 0, offset), offset - line_start + 1)
        report.warning(where, _message("the article's text", placeholder, "paste the article's text"))


def _report_values(value: Any, report: Report) -> None:
    for key, text, where in _texts(value, "", Location("")):
        found = placeholder_in(text)
        if found:
            report.warning(where, _message(f"'{key}'", found[1], "write your own text"))


def _texts(value: Any, key: str, where: Location) -> Iterator[tuple[str, str, Location]]:
    """Every text in a YAML value, with the key it is under and its location."""
    if isinstance(value, LocatedDict):
        for child_key, child in value.items():
            yield from _texts(child, child_key, value.value_at(child_key))
    elif isinstance(value, LocatedList):
        for index, item in enumerate(value):
            yield from _texts(item, key, value.item_at(index))
    elif isinstance(value, str) and key:
        yield key, value, where


def _message(what: str, placeholder: str, fix: str) -> str:
    return f'{what} still holds the placeholder "{placeholder}" that `dossier new` wrote; {fix} in its place'
