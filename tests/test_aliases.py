"""People's aliases across the registry: a name or alias two people share is an error naming both."""

# Look-alike characters (curly apostrophes) are what one test is about.
# ruff: noqa: RUF001

from __future__ import annotations

import unicodedata
from pathlib import Path

from dossier.pipeline import check_project
from tests.security.project import small_project

EITHER = (
    "could be either person; keep each name on one person only, and mark the other's mentions in the articles' "
    "sidecars (mentions:)"
)


def errors(tmp_path: Path, people: str) -> list[str]:
    return [str(d) for d in check_project(small_project(tmp_path, people=people)).report.sorted()]


def test_an_alias_two_people_share_is_an_error_naming_both_and_the_alias(tmp_path: Path) -> None:
    people = """\
- id: michael-flynn
  name: Michael Flynn
  aliases: [Flynn, General Flynn]
- id: michael-flynn-jr
  name: Michael Flynn Jr.
  aliases: [Flynn Jr., Flynn]
"""
    assert errors(tmp_path, people) == [
        "content/people.yaml:6:24: error: the alias 'Flynn' of 'michael-flynn-jr' is also an alias of "
        f"'michael-flynn' (content/people.yaml:3:13): a mention of it {EITHER}"
    ]


def test_an_alias_that_is_another_persons_name_is_an_error(tmp_path: Path) -> None:
    people = """\
- id: ada-lovelace
  name: Ada Lovelace
  aliases: [Lovelace, Byron]
- id: byron
  name: Byron
"""
    assert errors(tmp_path, people) == [
        "content/people.yaml:3:23: error: the alias 'Byron' of 'ada-lovelace' is the name of 'byron' "
        f"(content/people.yaml:5:9): a mention of it {EITHER}"
    ]


def test_aliases_are_compared_as_mentions_find_them(tmp_path: Path) -> None:
    """Curly and straight apostrophes, NFC and NFD, a soft hyphen: one alias, as a mention would be one."""
    people = f"""\
- id: conor-obrien
  name: Conor O'Brien
  aliases: [O'Brien, Zoë, Kislyak]
- id: other
  name: Someone Else
  aliases: [O’Brien, {unicodedata.normalize("NFD", "Zoë")}, Kis\u00adlyak]
"""
    assert errors(tmp_path, people) == [
        f"content/people.yaml:6:13: error: the aliases 'O’Brien', '{unicodedata.normalize('NFD', 'Zoë')}', "
        f"'Kis\u00adlyak' of 'other' are also aliases of 'conor-obrien' (content/people.yaml:3:13): a mention of "
        f"any of them {EITHER}"
    ]


def test_one_list_given_to_many_people_through_a_yaml_alias_is_one_error_each_at_their_key(tmp_path: Path) -> None:
    people = "- id: ada-lovelace\n  name: Ada Lovelace\n  aliases: &names [Ada, Lovelace, Countess, The Enchantress]\n"
    people += "".join(f"- id: p{n}\n  name: Person {n}\n  aliases: *names\n" for n in range(3))
    assert errors(tmp_path, people) == [
        f"content/people.yaml:{6 + 3 * n}:3: error: the aliases 'Ada', 'Lovelace', 'Countess' and 1 more of 'p{n}' "
        f"are also aliases of 'ada-lovelace' (content/people.yaml:3:20): a mention of any of them {EITHER}"
        for n in range(3)
    ]


def test_a_persons_alias_may_repeat_their_own_name(tmp_path: Path) -> None:
    people = "- id: ada-lovelace\n  name: Ada Lovelace\n  aliases: [Ada Lovelace, Ada  Lovelace, Lovelace]\n"
    assert errors(tmp_path, people) == []
