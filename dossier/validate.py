"""Raw records -> the model: kinds of values, unique ids, references between files, suggestions."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dossier.aliases import checked_aliases
from dossier.cache import fingerprint
from dossier.diagnostics import Location, Report, did_you_mean
from dossier.load import RawArticle, RawDossier, RawStory, StoryMemo
from dossier.model import (
    Annotation,
    Article,
    Claim,
    Config,
    Dossier,
    Link,
    Person,
    Role,
    Selector,
    Source,
    Story,
    TimelineEvent,
)
from dossier.records import (
    CLAIM_FIELDS,
    EVENT_FIELDS,
    FRONT_MATTER_FIELDS,
    LINK_FIELDS,
    PERSON_FIELDS,
    ROLE_FIELDS,
    SIDECAR_FIELDS,
    SIDECAR_LISTS,
    SOURCE_FIELDS,
    STORY_FIELDS,
)
from dossier.schema import Field, check_slug, read_record, slugify
from dossier.yaml_reader import LocatedDict, LocatedList

# Front-matter keys as other generators spell them (Hugo, Jekyll, Pelican): suggested before any near miss, so
# that `date:` is told `published`, not the closest spelling, `updated`.
FRONT_MATTER_SPELLINGS = {
    "date": ("published", "Hugo's and Jekyll's"),
    "publishDate": ("published", "Hugo's"),
    "lastmod": ("updated", "Hugo's"),
    "modified": ("updated", "Pelican's"),
    "author": ("authors", "Jekyll's and Pelican's"),
    "lang": ("language", "Jekyll's and Pelican's"),
}


@dataclass
class _Reference:
    """A reference to check once every id is known."""

    kinds: tuple[str, ...]  # "person", "source", "claim", "verdict", "outlet"
    value: str
    location: Location
    what: str


@dataclass
class _Context:
    config: Config
    report: Report
    people_path: str = "people.yaml"  # the registries' files, as diagnostics show them
    sources_path: str = "sources.yaml"
    references: list[_Reference] = field(default_factory=list)
    first_seen: dict[tuple[str, str], Location] = field(default_factory=dict)
    draft_paths: set[str] = field(default_factory=set)  # the files of draft stories and articles
    claimed: list[tuple[str, str, Location, bool]] = field(default_factory=list)  # every claim_id, and whether it held

    def refer(self, kinds: tuple[str, ...], value: str | None, location: Location, what: str) -> None:
        if value:
            self.references.append(_Reference(kinds, value, location, what))

    def claim_id(self, namespace: str, value: str, location: Location, what: str) -> bool:
        """Record an id; False (with an error) when its namespace already has it."""
        key = (namespace, value)
        if key in self.first_seen:
            first = self.first_seen[key]
            self.report.error(location, f"duplicate {what} id '{value}' (first defined at {first})")
            self.claimed.append((namespace, value, location, False))
            return False
        self.first_seen[key] = location
        self.claimed.append((namespace, value, location, True))
        return True


def _items(raw: Any, what: str, location: Location, report: Report) -> Iterable[tuple[Any, Location]]:
    """The items of a YAML list with their locations; an error if it is not a list."""
    if raw is None:
        return []
    if not isinstance(raw, LocatedList):
        report.error(getattr(raw, "location", location), f"{what} must be a list (items starting with '- ')")
        return []
    return [(item, raw.item_at(index)) for index, item in enumerate(raw)]


def _value_at(record: Any, key: str, fallback: Location) -> Location:
    return record.value_at(key) if isinstance(record, LocatedDict) else fallback


def _refer_to_ids(
    record: Any, values: dict[str, Any], fields: Mapping[str, Field], at: Location, ctx: _Context
) -> None:
    """Note each id the record names (its fields' `refers`), to check once every id is known. A reference is
    called by what it names, or by its key when it may name several kinds ('claimant': a person or source)."""
    for key, spec in fields.items():
        if not spec.refers or values[key] is None:
            continue
        what = spec.refers[0] if len(spec.refers) == 1 else key
        for id_ in values[key] if spec.kind == "slugs" else (values[key],):
            ctx.refer(spec.refers, id_, _value_at(record, key, at), what)


def _read_person(record: Any, at: Location, ctx: _Context) -> Person | None:
    values = read_record(record, PERSON_FIELDS, "a person", at, ctx.report)
    if values is None or values["id"] is None or values["name"] is None:
        return None
    roles = []
    for item, item_at in _items(values["roles"], "roles", at, ctx.report):
        role = read_record(item, ROLE_FIELDS, "a role", item_at, ctx.report)
        if role and role["title"]:
            if role["from"] and role["to"] and role["to"] < role["from"]:
                ctx.report.error(_value_at(item, "to", item_at), "a role cannot end before it starts")
            roles.append(Role(role["title"], role["from"], role["to"]))
    links = []
    for item, item_at in _items(values["links"], "links", at, ctx.report):
        link = read_record(item, LINK_FIELDS, "a link", item_at, ctx.report)
        if link and link["title"] and link["url"]:
            links.append(Link(link["title"], link["url"]))
    aliases = tuple(a for a in values["aliases"] if a.strip())
    return Person(values["id"], values["name"], aliases, tuple(roles), values["description"], tuple(links), at)


def _read_source(record: Any, at: Location, story_id: str | None, ctx: _Context) -> Source | None:
    values = read_record(record, SOURCE_FIELDS, "a source", at, ctx.report)
    if values is None or values["id"] is None or values["name"] is None:
        return None
    kind, kinds = values["kind"], SOURCE_FIELDS["kind"].choices
    if kind not in kinds:
        ctx.report.error(
            _value_at(record, "kind", at),
            f"unknown source kind '{kind}'{did_you_mean(str(kind), kinds)} (kinds: {', '.join(kinds)})",
        )
        return None
    _refer_to_ids(record, values, SOURCE_FIELDS, at, ctx)
    return Source(
        values["id"], values["name"], kind, values["description"], values["via"], values["person"],
        values["url"], values["date"], story_id, at, values["archived"],
    )  # fmt: skip


def _read_claim(record: Any, at: Location, story_id: str, ctx: _Context) -> Claim | None:
    values = read_record(record, CLAIM_FIELDS, "a claim", at, ctx.report)
    if values is None or values["id"] is None or values["claim"] is None:
        return None
    _refer_to_ids(record, values, CLAIM_FIELDS, at, ctx)
    return Claim(
        values["id"], values["claim"], values["claimant"] or "", values["about"], values["verdict"] or "",
        values["reasoning"], values["evidence"], values["date"], values["inference"], story_id, at,
        values["reviewed"],
    )  # fmt: skip


def _read_event(record: Any, at: Location, ctx: _Context) -> TimelineEvent | None:
    values = read_record(record, EVENT_FIELDS, "a timeline event", at, ctx.report)
    if values is None or values["date"] is None or values["event"] is None:
        return None
    _refer_to_ids(record, values, EVENT_FIELDS, at, ctx)
    return TimelineEvent(values["date"], values["event"], values["sources"], values["inference"], at)


def _annotation_id(kind: str, target: str | None, quote: str, taken: set[str]) -> str:
    """A readable id that survives reordering: kind and target, or kind and the quote's first words."""
    stem = f"{kind}-{target}" if target else f"{kind}-{_first_words_slug(quote)}"
    candidate, number = stem, 2
    while candidate in taken:
        candidate, number = f"{stem}-{number}", number + 1
    return candidate


APOSTROPHE = re.compile("['\u2019\u02bc]")


def _first_words_slug(quote: str) -> str:
    """The quote's first five words as an id, at most 40 characters.

    An apostrophe parts words here ("Trump's" is `trump-s`), as it did before `slugify` learnt to join them:
    the id is the annotation's address on its page, so links to it must not move.
    """
    words = APOSTROPHE.sub(" ", " ".join(quote.split()[:5]))
    return slugify(words)[:40].strip("-")


def _read_annotations(raw: RawArticle, ctx: _Context) -> list[Annotation]:
    if raw.sidecar is None:
        return []
    file_at = Location(raw.sidecar_path)
    values = read_record(raw.sidecar, SIDECAR_FIELDS, "an annotations file", file_at, ctx.report)
    if values is None:
        return []
    annotations: list[Annotation] = []
    taken: set[str] = set()
    for list_name, (kind, target_key, _) in SIDECAR_LISTS.items():
        fields = SIDECAR_FIELDS[list_name].items or {}
        for item, at in _items(values[list_name], list_name, file_at, ctx.report):
            record = read_record(item, fields, f"an entry of '{list_name}'", at, ctx.report)
            if record is None or not record["quote"] or not record["quote"].strip():
                if record is not None and record["quote"] is not None:
                    ctx.report.error(_value_at(item, "quote", at), "the quote is empty")
                continue
            target = record[target_key] if target_key else None
            if target_key and target is None:
                continue
            _refer_to_ids(item, record, fields, at, ctx)
            annotation_id = record["id"]
            if annotation_id in taken:
                ctx.report.error(_value_at(item, "id", at), f"duplicate annotation id '{annotation_id}' in this file")
                annotation_id = None
            annotation_id = annotation_id or _annotation_id(kind, target, record["quote"], taken)
            taken.add(annotation_id)
            annotations.append(
                Annotation(
                    id=annotation_id,
                    kind=kind,
                    selector=Selector(record["quote"], record["prefix"], record["suffix"]),
                    article_id=raw.id,
                    target=target,
                    note=record.get("note") or "",
                    correct=record.get("correct") or "",
                    sources=record.get("sources", ()),
                    location=at,
                )
            )
    return annotations


def _read_article(raw: RawArticle, story_id: str, ctx: _Context) -> Article | None:
    file_at = Location(raw.path)
    if check_slug(raw.id, file_at, ctx.report) is None:
        return None
    if raw.front is None and ctx.report.has_error_in(raw.path):
        return None
    values = read_record(
        raw.front, FRONT_MATTER_FIELDS, "the front matter", Location(raw.path, 2), ctx.report, FRONT_MATTER_SPELLINGS
    )
    if values is not None and values["draft"]:
        ctx.draft_paths.update((raw.path, raw.sidecar_path))
    if values is None or values["title"] is None:
        return None
    _refer_to_ids(raw.front, values, FRONT_MATTER_FIELDS, file_at, ctx)
    keys = FRONT_MATTER_FIELDS["inferred"].choices
    for key in values["inferred"]:
        if key not in keys:
            ctx.report.error(
                _value_at(raw.front, "inferred", file_at),
                f"'inferred' names '{key}', which is not a front-matter key{did_you_mean(key, keys)}",
            )
    if not ctx.claim_id("article", raw.id, file_at, "article"):
        return None
    return Article(
        id=raw.id,
        story_id=story_id,
        title=values["title"],
        outlet=values["outlet"] or "",
        url=values["url"],
        archived=values["archived"],
        published=values["published"],
        updated=values["updated"],
        authors=values["authors"],
        language=values["language"] or ctx.config.language,
        inferred=values["inferred"],
        is_draft=values["draft"],
        body=raw.body,
        body_line=raw.body_line,
        location=file_at,
        annotations=tuple(_read_annotations(raw, ctx)),
    )


@dataclass
class _Collected:
    people: dict[str, Person] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    stories: dict[str, Story] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)


def _collect_story(raw: RawStory, collected: _Collected, ctx: _Context) -> None:
    at = Location(raw.path)
    if check_slug(raw.id, at, ctx.report) is None or (raw.record is None and ctx.report.has_error_in(raw.path)):
        return
    values = read_record(raw.record, STORY_FIELDS, "a story", at, ctx.report)
    if values is not None and values["draft"]:
        ctx.draft_paths.update([raw.path, *(path for a in raw.articles for path in (a.path, a.sidecar_path))])
    if values is None or values["title"] is None or not ctx.claim_id("story", raw.id, at, "story"):
        return
    events = [
        _read_event(item, item_at, ctx) for item, item_at in _items(values["timeline"], "timeline", at, ctx.report)
    ]
    source_ids: list[str] = []
    claim_ids: list[str] = []
    article_ids: list[str] = []
    for item, item_at in _items(values["sources"], "sources", at, ctx.report):
        source = _read_source(item, item_at, raw.id, ctx)
        if source and ctx.claim_id("entity", source.id, item_at, "person or source"):
            collected.sources[source.id] = source
            source_ids.append(source.id)
    for item, item_at in _items(values["claims"], "claims", at, ctx.report):
        claim = _read_claim(item, item_at, raw.id, ctx)
        if claim and ctx.claim_id("claim", claim.id, item_at, "claim"):
            collected.claims[claim.id] = claim
            claim_ids.append(claim.id)
    for raw_article in raw.articles:
        article = _read_article(raw_article, raw.id, ctx)
        if article:
            collected.articles[article.id] = article
            article_ids.append(article.id)
    collected.stories[raw.id] = Story(
        raw.id, values["title"], values["summary"], values["date"],
        tuple(sorted((e for e in events if e), key=lambda e: e.date)), values["draft"], at, reviewed=values["reviewed"],
        claim_ids=tuple(claim_ids), source_ids=tuple(source_ids), article_ids=tuple(article_ids),
    )  # fmt: skip


def _collect_memoised_story(raw: RawStory, collected: _Collected, ctx: _Context) -> None:
    """_collect_story, or its memo replayed when the story's files are unchanged and its ids still clash with
    none; a story read fresh fills its new memo, unless an id of it clashed (that depends on other files)."""
    if raw.memo is not None:
        if _replay_story(raw.memo, collected, ctx):
            return
        fresh = raw.reread() if raw.reread else raw  # its ids clash now: read it again, as a clean build would
        raw.record, raw.articles, raw.memo = fresh.record, fresh.articles, None
    marks = (len(ctx.report.diagnostics), len(ctx.claimed), len(ctx.references), set(ctx.draft_paths))
    _collect_story(raw, collected, ctx)
    if raw.made is not None:
        raw.made = _story_memo(raw, raw.made, marks, collected, ctx)


def _story_memo(
    raw: RawStory, made: StoryMemo, marks: tuple[int, int, int, set[str]], collected: _Collected, ctx: _Context
) -> StoryMemo | None:
    """What _collect_story made of `raw` (what it added since `marks`), as its memo; None when an id clashed."""
    diagnostics, claims, references, drafts = marks
    claimed = ctx.claimed[claims:]
    if not all(held for *_, held in claimed):
        return None
    made.validate = [(d.severity, d.location, d.message) for d in ctx.report.diagnostics[diagnostics:]]
    made.claimed = [(namespace, value, at) for namespace, value, at, _ in claimed]
    made.references = [(r.kinds, r.value, r.location, r.what) for r in ctx.references[references:]]
    made.draft_paths = sorted(ctx.draft_paths - drafts)
    story = made.story = collected.stories.get(raw.id)
    if story:
        made.sources = [collected.sources[id_] for id_ in story.source_ids]
        made.claims = [collected.claims[id_] for id_ in story.claim_ids]
        made.articles = [collected.articles[id_] for id_ in story.article_ids]
        made.annotation_prints = [fingerprint(article.annotations) for article in made.articles]
    return made


def _replay_story(memo: StoryMemo, collected: _Collected, ctx: _Context) -> bool:
    """Add what the memo holds, as _collect_story would; False (nothing added) when one of its ids is taken."""
    keys = [(namespace, value) for namespace, value, _ in memo.claimed]
    if len(set(keys)) != len(keys) or any(key in ctx.first_seen for key in keys):
        return False
    for namespace, value, at in memo.claimed:
        ctx.first_seen[(namespace, value)] = at
        ctx.claimed.append((namespace, value, at, True))
    for severity, at, message in memo.validate:
        (ctx.report.error if severity == "error" else ctx.report.warning)(at, message)
    ctx.references += [_Reference(*reference) for reference in memo.references]
    ctx.draft_paths.update(memo.draft_paths)
    if memo.story:
        collected.stories[memo.story.id] = memo.story
        collected.sources.update((source.id, source) for source in memo.sources)
        collected.claims.update((claim.id, claim) for claim in memo.claims)
        collected.articles.update((article.id, article) for article in memo.articles)
    return True


def _known_ids(collected: _Collected, config: Config) -> dict[str, set[str]]:
    return {
        "person": set(collected.people),
        "source": set(collected.sources),
        "claim": set(collected.claims),
        "verdict": {v.id for v in config.verdicts},
        "outlet": {s.id for s in collected.sources.values() if s.kind == "outlet"},
    }


def _check_references(collected: _Collected, ctx: _Context) -> None:
    """Every reference names a known id of its kind. References that fail because a whole registry is missing
    or empty are one error, at the first of them, saying so: not one 'unknown person' per reference."""
    known = _known_ids(collected, ctx.config)
    for_want_of: dict[str, list[_Reference]] = {}
    for ref in ctx.references:
        if any(ref.value in known[kind] for kind in ref.kinds):
            continue
        empty = _empty_registry(ref, known)
        if empty:
            for_want_of.setdefault(empty, []).append(ref)
        else:
            ctx.report.error(ref.location, _unknown_reference(ref, known, collected, ctx))
    for kind, refs in for_want_of.items():
        first = min(refs, key=lambda ref: ref.location)
        ctx.report.error(first.location, _empty_registry_problem(first, kind, len(refs), ctx))


def _empty_registry(ref: _Reference, known: dict[str, set[str]]) -> str | None:
    """'person' or 'source' when the reference could only resolve in a registry that has no one in it."""
    if "person" in ref.kinds and not known["person"]:
        return "person"
    if set(ref.kinds) <= {"source", "outlet"} and not known["source"]:
        return "source"
    return None


def _empty_registry_problem(first: _Reference, kind: str, count: int, ctx: _Context) -> str:
    if kind == "person":
        where, what, new = f"{ctx.people_path} is missing or empty", "people", 'dossier new person ID "Name"'
    else:
        where = f"{ctx.sources_path} is missing or empty, and no story lists sources"
        what, new = "sources and outlets", 'dossier new source ID "Name" --kind KIND'
    others = f"none of the {count} references to {what} resolves" if count > 1 else "it cannot resolve"
    return f"unknown {first.what} '{first.value}': no {kind} is registered ({where}), so {others}; add them (`{new}`)"


def _unknown_reference(ref: _Reference, known: dict[str, set[str]], collected: _Collected, ctx: _Context) -> str:
    """What is wrong with a reference to no id of its kinds, and the fix where one can be named."""
    if ref.kinds == ("outlet",) and ref.value in known["source"]:
        return f"'{ref.value}' is a source but not of kind 'outlet'"
    if "person" not in ref.kinds and "source" in ref.kinds and ref.value in known["person"]:
        return _person_where_a_source_belongs(ref.value, collected, ctx)
    if "source" not in ref.kinds and "person" in ref.kinds and ref.value in collected.sources:
        source = collected.sources[ref.value]
        fix = (
            f"did you mean '{source.person}', the person this source is?"
            if source.person
            else f"only people of {ctx.people_path} can be named here"
        )
        return f"'{ref.value}' is a source (of kind {source.kind}), not a person; {fix}"
    candidates = set().union(*(known[kind] for kind in ref.kinds))
    suggestion = did_you_mean(ref.value, candidates)
    if ref.kinds == ("verdict",):
        verdicts = ", ".join(verdict.id for verdict in ctx.config.verdicts)
        return f"unknown verdict '{ref.value}'{suggestion} (verdicts: {verdicts})"
    return f"unknown {ref.what} '{ref.value}'{suggestion}"


def _person_where_a_source_belongs(person_id: str, collected: _Collected, ctx: _Context) -> str:
    """A person named where a source belongs: name the sources that are that person, or say how to add one."""
    theirs = sorted(source.id for source in collected.sources.values() if source.person == person_id)
    if theirs:
        named = " or ".join(f"'{source_id}'" for source_id in theirs)
        return f"'{person_id}' is a person, not a source; did you mean {named} (sources whose person is {person_id})?"
    return (
        f"'{person_id}' is a person, not a source; to attribute to a person, add a source that is them to "
        f"{ctx.sources_path} (kind: person, person: {person_id}, and an id of its own such as {person_id}-remarks) "
        "and name that source here"
    )


def _check_via_cycles(sources: dict[str, Source], report: Report) -> None:
    """An error on each source of a `via` loop; a source that only leads into a loop is not on it."""
    for source in sources.values():
        seen = set()
        current = source.via
        while current and current in sources and current not in seen:
            if current == source.id:
                report.error(source.location, f"source '{source.id}' reaches itself through 'via'")
                break
            seen.add(current)
            current = sources[current].via


def _without_drafts(collected: _Collected) -> _Collected:
    """Leave drafts out: a draft story takes its articles, claims and story-local sources with it."""
    draft_stories = [story for story in collected.stories.values() if story.is_draft]
    dropped_claims = {claim_id for story in draft_stories for claim_id in story.claim_ids}
    dropped_sources = {source_id for story in draft_stories for source_id in story.source_ids}
    dropped_articles = {article_id for story in draft_stories for article_id in story.article_ids}
    dropped_articles |= {article.id for article in collected.articles.values() if article.is_draft}

    def with_published_articles(story: Story) -> Story:
        return dataclasses.replace(story, article_ids=tuple(a for a in story.article_ids if a not in dropped_articles))

    published = _Collected(
        people=collected.people,
        sources={id_: source for id_, source in collected.sources.items() if id_ not in dropped_sources},
        stories={id_: with_published_articles(story) for id_, story in collected.stories.items() if not story.is_draft},
        articles={id_: article for id_, article in collected.articles.items() if id_ not in dropped_articles},
        claims={id_: claim for id_, claim in collected.claims.items() if id_ not in dropped_claims},
    )
    dropped = dropped_claims | dropped_sources
    return _without_references_to(dropped, published) if dropped else published


def _without_references_to(dropped: set[str], collected: _Collected) -> _Collected:
    """What is still published may not point at what is not: annotations of a dropped claim or source go too."""

    def without_dropped(ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(id_ for id_ in ids if id_ not in dropped)

    def with_kept_annotations(article: Article) -> Article:
        kept = tuple(
            dataclasses.replace(a, sources=without_dropped(a.sources))
            for a in article.annotations
            if a.kind not in ("claim", "source") or a.target not in dropped
        )
        return dataclasses.replace(article, annotations=kept)

    def cut_via(source: Source) -> Source:
        return dataclasses.replace(source, via=None) if source.via in dropped else source

    return _Collected(
        people=collected.people,
        sources={id_: cut_via(source) for id_, source in collected.sources.items()},
        stories=collected.stories,
        articles={id_: with_kept_annotations(article) for id_, article in collected.articles.items()},
        claims={
            id_: dataclasses.replace(claim, evidence=without_dropped(claim.evidence))
            for id_, claim in collected.claims.items()
        },
    )


def validate_dossier(raw: RawDossier, config: Config, report: Report, include_drafts: bool = False) -> Dossier:
    """Build the model from raw records, reporting every problem; references are checked once all ids are known."""
    ctx = _Context(config, report, raw.people_path, raw.sources_path)
    collected = _Collected()
    records: dict[str, LocatedDict] = {}
    for item, at in _items(raw.people, "the people registry", Location(raw.people_path), report):
        person = _read_person(item, at, ctx)
        if person and ctx.claim_id("entity", person.id, at, "person or source"):
            collected.people[person.id], records[person.id] = person, item
    collected.people = checked_aliases(collected.people, records, report)
    for item, at in _items(raw.sources, "the sources registry", Location(raw.sources_path), report):
        source = _read_source(item, at, None, ctx)
        if source and ctx.claim_id("entity", source.id, at, "person or source"):
            collected.sources[source.id] = source
    for raw_story in raw.stories:
        _collect_memoised_story(raw_story, collected, ctx)
    _check_references(collected, ctx)
    _check_via_cycles(collected.sources, report)
    report.mark_drafts(ctx.draft_paths)
    if not include_drafts:
        collected = _without_drafts(collected)
    return Dossier(config, collected.people, collected.sources, collected.stories, collected.articles, collected.claims)
