"""People's aliases, checked across the registry: how many, how long, and that no two people share one.

Every name and alias is looked for in every article (a mention of it goes to its one owner) and listed on its
person's page and in dossier.json. A YAML alias (`aliases: *list`) can give one list to any number of people:
a 1 MB people.yaml once made a 1.9 GB site, and a name shared by two people sent every mention to one of them.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from dossier.diagnostics import Location, Report
from dossier.model import Person
from dossier.normal_form import normalise_text
from dossier.yaml_reader import LocatedDict, LocatedList

MAX_ALIASES_PER_PERSON = 50
MAX_ALIASES = 5_000  # in the whole registry
MAX_ALIAS_CHARACTERS = 1_000
SHARED_SHOWN = 3  # aliases a message about shared aliases lists before "and N more"


@dataclass(frozen=True)
class _Alias:
    text: str
    location: Location


@dataclass(frozen=True)
class _Owner:
    """Who a name or alias (in the form mentions are found in) belongs to, and where it was given to them."""

    person_id: str
    location: Location
    is_name: bool


def checked_aliases(
    people: Mapping[str, Person], records: Mapping[str, LocatedDict], report: Report
) -> dict[str, Person]:
    """The people with the aliases they may keep: within the budgets, and none that another person has as a name
    or alias. Each problem is an error where it stands. `records` holds each person's YAML record, by id."""
    registry = _Registry(report)
    for person in people.values():  # a name two people share goes to the first, as mentions do
        registry.owners.setdefault(_key(person.name), _Owner(person.id, records[person.id].value_at("name"), True))
    checked: dict[str, Person] = {}
    for person in people.values():
        record = records[person.id]
        kept: list[str] = []
        shared: dict[tuple[str, bool], list[tuple[_Alias, _Owner]]] = defaultdict(list)  # by the other person
        for alias in _within_person_budget(person, _located_aliases(person, record), record, report):
            if registry.is_too_long(alias):
                continue
            owner = registry.owners.setdefault(_key(alias.text), _Owner(person.id, alias.location, False))
            if owner.person_id != person.id:
                shared[owner.person_id, owner.is_name].append((alias, owner))
            elif registry.counts(alias):
                kept.append(alias.text)
        for pairs in shared.values():
            _report_shared(person, pairs, record.key_at("aliases"), report)
        checked[person.id] = dataclasses.replace(person, aliases=tuple(kept))
    return checked


@dataclass
class _Registry:
    """What the check has seen so far: whose each name and alias is, what is left of the budget in all."""

    report: Report
    owners: dict[str, _Owner] = field(default_factory=dict)
    left: int = MAX_ALIASES

    def is_too_long(self, alias: _Alias) -> bool:
        if len(alias.text) <= MAX_ALIAS_CHARACTERS:
            return False
        self.report.error(  # once for all the people a YAML alias gives it to: the report drops repeats
            alias.location,
            f"an alias is a name as articles write it: this one has {len(alias.text):,} characters, more than the "
            f"{MAX_ALIAS_CHARACTERS:,} an alias may have",
        )
        return True

    def counts(self, alias: _Alias) -> bool:
        """Whether the alias is within the budget in all (the first past it is an error)."""
        if self.left == 0:
            self.report.error(
                alias.location,
                f"the people registry has more than the {MAX_ALIASES:,} aliases it may have in all, and passes them "
                "here: every alias is looked for in every article; keep the names the articles use",
            )
        self.left -= 1
        return self.left >= 0


def _key(name: str) -> str:
    """A name as mentions are found: two names with one key would be the same mention."""
    return normalise_text(name).strip()


def _located_aliases(person: Person, record: LocatedDict) -> list[_Alias]:
    """The person's aliases (those validation kept) where each stands in the record."""
    raw = record.get("aliases")
    if isinstance(raw, LocatedList):
        written = [(item, raw.item_at(index)) for index, item in enumerate(raw)]
    else:
        written = [(raw, record.value_at("aliases"))]
    valid = set(person.aliases)
    return [_Alias(text, location) for text, location in written if text in valid and _key(text)]


def _within_person_budget(person: Person, aliases: list[_Alias], record: LocatedDict, report: Report) -> list[_Alias]:
    if len(aliases) <= MAX_ALIASES_PER_PERSON:
        return aliases
    report.error(
        record.key_at("aliases"),
        f"'{person.id}' has {len(aliases):,} aliases, more than the {MAX_ALIASES_PER_PERSON} a person may have: "
        "every alias is looked for in every article; keep the names the articles use",
    )
    return aliases[:MAX_ALIASES_PER_PERSON]


def _report_shared(person: Person, pairs: list[tuple[_Alias, _Owner]], key_at: Location, report: Report) -> None:
    """One error for all the aliases `person` shares with one other person (each alias with its owner there)."""
    aliases = [alias for alias, _ in pairs]
    first, owner = pairs[0]
    # An alias reached through a YAML alias (*list) stands where the list was first written: point at this key.
    where = key_at if first.location == owner.location else first.location
    listed = ", ".join(f"'{alias.text}'" for alias in aliases[:SHARED_SHOWN])
    if len(aliases) > SHARED_SHOWN:
        listed += f" and {len(aliases) - SHARED_SHOWN:,} more"
    if len(aliases) == 1:
        subject, role, them = f"the alias {listed} of '{person.id}' is", "also an alias", "it"
    else:
        subject, role, them = f"the aliases {listed} of '{person.id}' are", "also aliases", "any of them"
    role = "the name" if owner.is_name else role
    report.error(
        where,
        f"{subject} {role} of '{owner.person_id}' ({owner.location}): a mention of {them} could be either person; "
        "keep each name on one person only, and mark the other's mentions in the articles' sidecars (mentions:)",
    )
