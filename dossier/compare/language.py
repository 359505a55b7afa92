"""Which language an article is written in, cheaply: by its script, and in the Latin script by the short words
every text of a language is full of.

The comparison reads English (its stopwords, its stemmer, its sentence model), so two articles in different
languages are not compared, and the editor is told, rather than shown that nothing matched. An article's
`language` front matter, when set, is taken as it is; only the text of one without it is read here.

A text mostly in another script than the Latin one is told by its script: Greek, Hebrew, Thai or Korean name their
language, as do Chinese characters (Japanese when kana are among them); a script that several languages share
(Arabic: Arabic, Persian, Urdu; Cyrillic; Devanagari...) is all that is said of the text, as an ISO 15924 code
("Arab"), which `same_language` takes as any language written in it. So is "Latn", for a text in the Latin
script whose words do not tell its language (too short, or a language not listed): it may be any language written
in the Latin script, and is not one written in another.
"""

from __future__ import annotations

import bisect
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

# The Unicode blocks of the scripts told apart, each with the language its text is in, or the script's ISO 15924
# code where several languages share it. The Latin script is every block not listed.
SCRIPT_BLOCKS = (
    (0x0370, 0x03FF, "el"), (0x0400, 0x052F, "Cyrl"), (0x0530, 0x058F, "hy"), (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "Arab"), (0x0750, 0x077F, "Arab"), (0x08A0, 0x08FF, "Arab"), (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "pa"), (0x0A80, 0x0AFF, "gu"), (0x0B00, 0x0B7F, "or"),
    (0x0B80, 0x0BFF, "ta"), (0x0C00, 0x0C7F, "te"), (0x0C80, 0x0CFF, "kn"), (0x0D00, 0x0D7F, "ml"),
    (0x0D80, 0x0DFF, "si"), (0x0E00, 0x0E7F, "th"), (0x0E80, 0x0EFF, "lo"), (0x0F00, 0x0FFF, "Tibt"),
    (0x1000, 0x109F, "my"), (0x10A0, 0x10FF, "ka"), (0x1100, 0x11FF, "ko"), (0x1200, 0x139F, "Ethi"),
    (0x1780, 0x17FF, "km"), (0x1C80, 0x1C8F, "Cyrl"), (0x1C90, 0x1CBF, "ka"), (0x1F00, 0x1FFF, "el"),
    (0x2D00, 0x2D2F, "ka"), (0x2DE0, 0x2DFF, "Cyrl"), (0x3040, 0x30FF, KANA := "ja"), (0x3130, 0x318F, "ko"),
    (0x31F0, 0x31FF, KANA), (0x3400, 0x4DBF, HAN := "Hani"), (0x4E00, 0x9FFF, HAN), (0xA640, 0xA69F, "Cyrl"),
    (0xAC00, 0xD7AF, "ko"), (0xF900, 0xFAFF, HAN), (0xFB1D, 0xFB4F, "he"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"), (0x20000, 0x2FA1F, HAN),
)  # fmt: skip
_BLOCK_STARTS = [first for first, _, _ in SCRIPT_BLOCKS]
_OWN_SCRIPTS = {told for _, _, told in SCRIPT_BLOCKS if not told[0].isupper()} | {"zh"}  # languages a script names
_OTHER_SCRIPT = re.compile("[" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last, _ in SCRIPT_BLOCKS) + "]")
SAMPLE_CHARACTERS = 2_000
LEAST_LETTERS = 20  # fewer letters than this, and the text is too short to tell even its script
KANA_SHARE = 0.1  # Japanese writes its grammar in kana: a text of Chinese characters with this many is Japanese

# The languages written in a script several share (the others' text names them), by base tag: a text read only
# as in that script may be any of them.
WRITTEN_IN = {
    **dict.fromkeys(("ar", "fa", "ur", "ps", "sd", "ug", "ckb"), "Arab"),
    **dict.fromkeys(("ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "mn", "tg", "tt", "ba", "cv"), "Cyrl"),
    **dict.fromkeys(("hi", "mr", "ne", "sa", "mai", "kok", "bho"), "Deva"),
    **dict.fromkeys(("bn", "as"), "Beng"),
    **dict.fromkeys(("bo", "dz"), "Tibt"),
    **dict.fromkeys(("am", "ti"), "Ethi"),
}
LATIN = "Latn"


def _script_of(code: str) -> str:
    """The script a base language is written in, as the code `script_language` gives its text."""
    if is_script(code):
        return code
    return WRITTEN_IN.get(code) or (code if code in _OWN_SCRIPTS else LATIN)


# What an editor may set for a text read only as in a shared script.
SCRIPT_LANGUAGES = {
    "Arab": "ar for Arabic, fa for Persian, ur for Urdu", "Cyrl": "ru for Russian, uk for Ukrainian, bg for Bulgarian",
    "Deva": "hi for Hindi, mr for Marathi, ne for Nepali", "Beng": "bn for Bengali, as for Assamese",
    "Tibt": "bo for Tibetan, dz for Dzongkha", "Ethi": "am for Amharic, ti for Tigrinya",
    "Latn": "en for English, es for Spanish, fr for French",
}  # fmt: skip
# Readers' names of languages and shared scripts; a tag not listed is shown as it is.
LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech", "da": "Danish",
    "de": "German", "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ka": "Georgian",
    "km": "Khmer", "kn": "Kannada", "ko": "Korean", "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian",
    "ml": "Malayalam", "my": "Burmese", "nl": "Dutch", "no": "Norwegian", "or": "Odia", "pa": "Punjabi",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "ta": "Tamil", "te": "Telugu", "th": "Thai",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "zh": "Chinese",
    "Arab": "Arabic script", "Beng": "Bengali script", "Cyrl": "Cyrillic script", "Deva": "Devanagari script",
    "Ethi": "Ethiopic script", "Tibt": "Tibetan script", "Latn": "Latin script",
}  # fmt: skip
# Languages written right to left (base tags), for the `dir` of their text.
RIGHT_TO_LEFT = frozenset(("ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "ug", "ur", "yi", "Arab"))

_LANGUAGE_OF: dict[str, set[str]] = {}
for _language, _words in FUNCTION_WORDS.items():
    for _word in _words.split():
        _LANGUAGE_OF.setdefault(_word, set()).add(_language)


@functools.lru_cache(maxsize=4096)  # each build asks once per article and serve asks again after every save
def detect_language(text: str) -> str | None:
    """The language code ("en", "es", "zh", ...) of a text, a script's code ("Arab") where the script is all that
    tells, or None when it cannot be told."""
    return script_language(text) or _latin_language(text)


def script_language(text: str) -> str | None:
    """The language (or shared script) of a text mostly written in another script than the Latin one; None for a
    text in the Latin script or too short to tell. Cheap: a text in ASCII is told without a look at its letters."""
    sample = text[:SAMPLE_CHARACTERS]
    if sample.isascii():
        return None
    others = Counter(_block_of(ch) for ch in _OTHER_SCRIPT.findall(sample) if ch.isalpha())
    told = sum(others.values())
    if told < LEAST_LETTERS or told * 2 < sum(len(word) for word in WORD.findall(sample)):
        return None
    script = others.most_common(1)[0][0]
    if script == HAN and others[KANA] >= KANA_SHARE * told:
        return KANA
    return "zh" if script == HAN else script


def _block_of(character: str) -> str:
    return SCRIPT_BLOCKS[bisect.bisect_right(_BLOCK_STARTS, ord(character)) - 1][2]


def _latin_language(text: str) -> str | None:
    """The language of a text in the Latin script by its function words; else LATIN, or None without letters enough."""
    hits: Counter[str] = Counter()
    letters = 0
    for count, match in enumerate(WORD.finditer(text)):
        if count >= SAMPLE_WORDS:
            break
        letters += len(match.group())
        for language in _LANGUAGE_OF.get(match.group().lower(), ()):
            hits[language] += 1
    ranked = [*hits.most_common(2), ("", 0), ("", 0)]
    (first, first_hits), (_, second_hits) = ranked[0], ranked[1]
    if first_hits < LEAST_HITS or first_hits < LEAD * second_hits:
        return LATIN if letters >= LEAST_LETTERS else None
    return first


def base_language(code: str) -> str:
    """The language of a tag: "en" for "en-GB"."""
    return code.split("-")[0].split("_")[0].lower()


def same_language(one: str, other: str) -> bool:
    """Whether two base languages, as `detect_language` or the front matter gives them, may be one: the same tag,
    or a shared script and a language written in it."""
    if one == other:
        return True
    return (is_script(one) or is_script(other)) and _script_of(one) == _script_of(other)


def is_script(code: str) -> bool:
    """A script's ISO 15924 code ("Arab"), not a language's tag."""
    return len(code) == 4 and code[0].isupper()


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def is_right_to_left(tag: str) -> bool:
    """Whether text in this language (a tag, "ar-EG", or a shared script's code) runs right to left."""
    return (tag if is_script(tag) else base_language(tag)) in RIGHT_TO_LEFT
