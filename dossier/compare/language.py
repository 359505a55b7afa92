"""Which language an article is written in, cheaply: by the short words every text of a language is full of.

The comparison reads English (its stopwords, its stemmer, its sentence model), so two articles in different
languages are not compared, and the editor is told, rather than shown that nothing matched. An article's
`language` front matter, when set, is taken as it is; only the text of one without it is read here.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

# The most frequent short words of each language, none of them frequent in another of the list.
FUNCTION_WORDS = {
    "en": "the and of to in is that it for was with as on are be by this have from not but at which they",
    "es": "el la los las de que y en por con para una del al es se lo como pero sus más fue este",
    "fr": "le la les des de du et est que une dans pour pas sur au avec qui ce sont par il elle",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für dem im auch wird sie",
    "it": "il di che la della le per un una non con del gli sono dei alla nel da più è",
    "pt": "o a os as de que e do da em um uma para com não no na dos das por é",
    "nl": "de het een en van is dat op te zijn niet met voor ook aan er maar om als",
}
WORD = re.compile(r"[^\W\d_]+")
SAMPLE_WORDS = 500  # enough words to tell (function words are about a third of a text), however long the article
LEAST_HITS = 8  # fewer function words than this, and the text is too short (or too odd) to tell
LEAD = 1.5  # the first language must have this many times the hits of the second

_LANGUAGE_OF: dict[str, set[str]] = {}
for _language, _words in FUNCTION_WORDS.items():
    for _word in _words.split():
        _LANGUAGE_OF.setdefault(_word, set()).add(_language)


@functools.lru_cache(maxsize=4096)  # each build asks once per article and serve asks again after every save
def detect_language(text: str) -> str | None:
    """The language code ("en", "es", ...) of a text, or None when it cannot be told."""
    hits: Counter[str] = Counter()
    for count, match in enumerate(WORD.finditer(text)):
        if count >= SAMPLE_WORDS:
            break
        for language in _LANGUAGE_OF.get(match.group().lower(), ()):
            hits[language] += 1
    ranked = [*hits.most_common(2), ("", 0), ("", 0)]
    (first, first_hits), (_, second_hits) = ranked[0], ranked[1]
    if first_hits < LEAST_HITS or first_hits < LEAD * second_hits:
        return None
    return first


def base_language(code: str) -> str:
    """The language of a tag: "en" for "en-GB"."""
    return code.split("-")[0].split("_")[0].lower()
