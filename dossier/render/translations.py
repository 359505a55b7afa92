"""The theme's words in the site's language: `i18n/LANGUAGE.yaml` in each theme of the search path.

Templates write their words in English, as gettext calls (`_("Stories")`, `ngettext("%(num)s article",
"%(num)s articles", n)`, Jinja's i18n extension with new-style gettext: variables are escaped, a literal % is
written %%). The English is the key: a catalog maps it to the site's language, a word with a number to each of the
language's plural forms, by their CLDR names (`one`, `few`, `many`, `other`...):

    "Stories": Historias
    "%(num)s article": {one: "%(num)s artículo", other: "%(num)s artículos"}

A site's own theme may bring a catalog for its language, or amend the built-in one: the first theme of the search
path that gives a word wins, as it does for templates. The catalog for `es-MX` is `es-MX.yaml`, else `es.yaml`.
A word the catalog lacks stays English. A site in a language no theme has a catalog for keeps the theme's
English throughout, dates and the names of languages too (`dossier build` notes where a catalog goes: a note, not
a warning, so that a strict check of a site in Polish does not fail for it): its pages read as they did before
catalogs. Where there is one, dates are written as the language writes them, by Babel's CLDR data ("14 de febrero
de 2017"; English keeps "14 February 2017"), and so are the names of languages.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.compare.language import LANGUAGE_NAMES, base_language, is_script
from dossier.diagnostics import Location, Report
from dossier.load import read_yaml_file
from dossier.themes import Theme, builtin_themes_dir
from dossier.yaml_reader import LocatedDict

if TYPE_CHECKING:
    from babel import Locale
    from markupsafe import Markup


CATALOG_FOLDER = "i18n"
# In a word: a value, `%(name)s`, a percent sign, `%%`, or a percent sign that is neither (a mistake).
PERCENT = re.compile(r"%(?:\((\w+)\)s|(%)|)")
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")  # CLDR's plural categories
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
Message = str | Mapping[str, str]  # a word, or a word with a number in each plural form


@dataclass(frozen=True)
class Translations:
    """The theme's words in one language, and how that language writes dates and counts."""

    language: str  # of the words: the site's where a catalog gives them, else English
    messages: Mapping[str, Message] = field(default_factory=dict)

    @property
    def is_english(self) -> bool:
        return base_language(self.language) == "en"

    def gettext(self, message: str) -> str:
        found = self.messages.get(message)
        return found if isinstance(found, str) else message

    def say(self, message: str, **values: object) -> str:
        """A message with its %(name)s values filled in, for words made in Python (as templates' `_()` does)."""
        return self.gettext(message) % values

    def say_count(self, singular: str, plural: str, count: int, **values: object) -> str:
        """A message with a number (`%(num)s`), in the language's plural form for it (as `ngettext()` does)."""
        return self.ngettext(singular, plural, count) % {"num": count, **values}

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        found = self.messages.get(singular)
        if isinstance(found, Mapping):
            form = _plural_form(self.language, count)
            return found.get(form) or found.get("other") or (singular if count == 1 else plural)
        return singular if count == 1 else plural

    def template_callables(self) -> dict[str, Callable[..., Markup]]:
        """`_`, `gettext` and `ngettext` for templates, as Jinja's new-style gettext gives them (the words as HTML,
        their values escaped, `%%` a percent sign, `num` the count), without its cost: each word is looked up and
        made Markup once per build, and a word without values is not formatted at all. Through Jinja's own
        wrappers, the build at 1,000 articles rendered 1.1 s longer (a page holds a hundred words)."""
        from markupsafe import Markup

        made: dict[str, Markup] = {}

        def gettext(message: str, **values: object) -> Markup:
            found = made.get(message)
            if found is None:
                found = made[message] = Markup(self.gettext(message))
            return found % values if "%" in found else found

        def ngettext(singular: str, plural: str, count: int, **values: object) -> Markup:
            return Markup(self.ngettext(singular, plural, count)) % {"num": count, **values}

        return {"_": gettext, "gettext": gettext, "ngettext": ngettext}

    def long_date(self, day: dt.date) -> str:
        """'14 February 2017' in English, whatever the platform and locale (strftime's '%-d' is glibc's; '%B'
        follows LC_TIME, so the same content would give other bytes on another machine); in another language, its
        long date as CLDR writes it ('14 de febrero de 2017')."""
        locale = None if self.is_english else _locale(self.language)
        if locale is None:
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        from babel.dates import format_date

        return str(format_date(day, "long", locale=locale))

    def language_name(self, code: str) -> str:
        """A language (`es`) or a script (`Arab`, as compare/language.py reads one off a text), named in the site's
        language: "Spanish", "español"; "Arabic script", or as the catalog names a script."""
        if is_script(code):
            return self.gettext(LANGUAGE_NAMES.get(code, code))
        locale = None if self.is_english else _locale(self.language)
        named = locale.languages.get(base_language(code)) if locale is not None else None
        return str(named) if named else LANGUAGE_NAMES.get(code, code)


ENGLISH = Translations("en")


def load_translations(themes: list[Theme], language: str, report: Report) -> Translations:
    """The words of every theme's catalog for `language` (the first theme that gives one wins; a catalog's
    mistakes are errors in `report`); English where no theme has a catalog for it."""
    catalogs = _catalogs(themes, language)
    if not catalogs and base_language(language) != "en":
        return ENGLISH
    messages: dict[str, Message] = {}
    for theme, path in reversed(catalogs):  # the built-in one first, each theme before it amending
        messages.update(_read_catalog(path, theme, report))
    return Translations(language, messages)


def untranslated_note(project_dir: Path, theme: str, language: str) -> str | None:
    """What `dossier build` notes of a site in a language none of its themes has a catalog for."""
    from dossier.themes import resolve_themes

    themes = resolve_themes(theme, project_dir, Report(), Location("dossier.yaml"))
    if base_language(language) == "en" or _catalogs(themes, language):
        return None
    shown = f"themes/THEME/{CATALOG_FOLDER}/{base_language(language)}.yaml"
    return (
        f"note: the theme's words are in English: no theme has a catalog for '{language}'; to give them in it, "
        f"write one at {shown} (docs/themes.md, Translating the theme)"
    )


def _catalogs(themes: list[Theme], language: str) -> list[tuple[Theme, Path]]:
    """Each theme's catalog for `language`, in the search path's order."""
    found = []
    for theme in themes:
        path = next((p for p in (theme.catalogs / f"{n}.yaml" for n in _catalog_names(language)) if p.is_file()), None)
        if path is not None:
            found.append((theme, path))
    return found


def _catalog_names(language: str) -> list[str]:
    """`es-MX` is looked for as es-MX, then es."""
    names = [language]
    if base_language(language) != language:
        names.append(base_language(language))
    return names


def _read_catalog(path: Path, theme: Theme, report: Report) -> dict[str, Message]:
    # Named as the editor finds it: a site's theme under themes/, the built-in one as such.
    folder = f"themes/{theme.name}" if theme.folder.parent != builtin_themes_dir() else f"built-in theme {theme.name}"
    shown = f"{folder}/{CATALOG_FOLDER}/{path.name}"
    raw = read_yaml_file(path, shown, theme.folder, report)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        report.error(Location(shown, 1, 1), "a catalog is a mapping of the English words to their translation")
        return {}
    messages: dict[str, Message] = {}
    for key, value in raw.items():
        where = _location_of(raw, key, shown)
        if isinstance(value, str):
            if _values_problem(str(key), value, where, report):
                continue
            messages[str(key)] = value
        elif isinstance(value, Mapping) and value and all(isinstance(v, str) for v in value.values()):
            unknown = [form for form in value if form not in PLURAL_FORMS]
            if unknown:
                report.error(
                    where,
                    f"'{unknown[0]}' is not a plural form; the forms are {', '.join(PLURAL_FORMS)} (CLDR's)",
                )
                continue
            if any(_values_problem(str(key), str(text), where, report, plural=True) for text in value.values()):
                continue
            messages[str(key)] = {str(form): str(text) for form, text in value.items()}
        else:
            report.error(where, f"the translation of '{key}' is not text, nor plural forms of it")
    return messages


def _values_problem(key: str, translation: str, where: Location, report: Report, *, plural: bool = False) -> bool:
    """Whether a translation would fail where it is used: a value the English does not give (`%(nmae)s`), or a
    percent sign that is not `%%`. It is reported, and the English stands in for it."""
    given = {name for name, _ in PERCENT.findall(key) if name} | ({"num"} if plural else set())
    for name, percent in PERCENT.findall(translation):
        if name and name not in given:
            known = ", ".join(f"%({value})s" for value in sorted(given)) or "none"
            report.error(where, f"the translation of '{key}' has %({name})s, which it is not given (it has {known})")
            return True
        if not name and not percent:
            report.error(where, f"the translation of '{key}' has a % on its own; write a percent sign as %%")
            return True
    return False


def _location_of(raw: Any, key: str, shown: str) -> Location:
    return raw.key_at(key) if isinstance(raw, LocatedDict) else Location(shown)


@functools.cache
def _locale(language: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(base_language(language))
        except (UnknownLocaleError, ValueError):
            return None


def _plural_form(language: str, count: int) -> str:
    locale = _locale(language)
    return str(locale.plural_form(count)) if locale is not None else ("one" if count == 1 else "other")
