"""Re-render only the pages whose inputs changed, as Lektor does: record what each page reads.

While a page is built and rendered, the model's tables (people, sources, stories, articles, claims), the
indexes, the texts and the alignments are seen through `RecordingDict`s that note every key the page looks
up, and a note of the whole table when it iterates one. The page's record keeps those dependencies and a
digest of what each held. On the next build a page whose every dependency still holds the same value (and
whose templates, configuration and dossier version are the same) is not rendered: its bytes are taken from
the previous output, after checking their digest. A page is a pure function of what it read, so this gives
exactly the bytes a clean build gives; tests/test_incremental.py checks that over random edits.
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
from array import array
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, SupportsIndex, TypeGuard

import jinja2
import markdown_it

from dossier import urls
from dossier.cache import CacheStore, digest, fingerprint, version_key
from dossier.compare.align import Alignment
from dossier.compare.stage import PairKey, story_pairs
from dossier.diagnostics import Diagnostic, Location, Report
from dossier.kept_files import read_below
from dossier.link import Index
from dossier.model import Anchor, Annotation, Article, Claim, Config, Dossier, Mention, Person, Selector, Source, Story
from dossier.render.data import (
    AnnotationsJson,
    ComparisonJson,
    annotations_json,
    articles_json,
    comparison_json,
    comparisons_json,
    synopsis_json,
)
from dossier.slotted import fields_getter
from dossier.text import ArticleText
from dossier.themes import Theme
from dossier.workers import forked_map, worker_count

EVERYTHING = "*"  # the key noted when a page iterates a whole table
# What dossier.json's skeleton (data.dossier_json) reads besides the configuration.
SKELETON_READS = ("stories", "people", "sources", "claims", "index.mentions")
PARTS_NAMESPACE = "parts"  # files that are not pages, as rendered with their records: feeds, sitemap
# The parts of the two data files (data/dossier.json, data/annotations.jsonld), each file's in a namespace of its
# own: a build writes one back as soon as its file is written (see PageCache.data_file_written).
DOSSIER_JSON_NAMESPACE = "data-json"
ANNOTATIONS_NAMESPACE = "data-annotations"
DATA_FILE_NAMESPACES = {urls.DATA_FILE: DOSSIER_JSON_NAMESPACE, urls.ANNOTATIONS_FILE: ANNOTATIONS_NAMESPACE}
PAGES_NAMESPACE = "pages"  # where older versions kept the records (see PageCache.save)
RECORDS_FILE = "page-records"  # the pages' records, a file of their own (CacheStore.put_whole)

Dependency = tuple[str, Any]  # (table, key)
# A story, claim or article as its story's files gave it (a story memo's), with the key of those files.
FileKey = tuple[str, Any]
KeptFingerprint = tuple[str, Any, str, str]  # (table, key, stand-in, fingerprint)


class Recorder:
    """Collects the dependencies of the page being built; notes nothing between pages."""

    def __init__(self) -> None:
        self.deps: set[Dependency] | None = None

    def note(self, table: str, key: Any) -> None:
        if self.deps is not None:
            self.deps.add((table, key))


class RecordingDict(dict[Any, Any]):
    """A dict that tells its recorder which keys are read."""

    def __init__(self, table: str, recorder: Recorder, data: Mapping[Any, Any]) -> None:
        super().__init__(data)
        self._table = table
        self._recorder = recorder

    def __getitem__(self, key: Any) -> Any:
        self._recorder.note(self._table, key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._recorder.note(self._table, key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._recorder.note(self._table, key)
        return super().__contains__(key)

    def _everything(self) -> None:
        self._recorder.note(self._table, EVERYTHING)

    def __iter__(self) -> Iterator[Any]:
        self._everything()
        return super().__iter__()

    def __len__(self) -> int:
        self._everything()
        return super().__len__()

    def keys(self) -> Any:
        self._everything()
        return super().keys()

    def values(self) -> Any:
        self._everything()
        return super().values()

    def items(self) -> Any:
        self._everything()
        return super().items()


class RecordingMapping(Mapping[Any, Any]):
    """A read-only view that tells its recorder which keys are read, without copying what it wraps (the
    alignments are read from the cache only when a page asks for one)."""

    def __init__(self, table: str, recorder: Recorder, data: Mapping[Any, Any]) -> None:
        self._table = table
        self._recorder = recorder
        self._data = data

    def __getitem__(self, key: Any) -> Any:
        self._recorder.note(self._table, key)
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        self._recorder.note(self._table, EVERYTHING)
        return iter(self._data)

    def __len__(self) -> int:
        self._recorder.note(self._table, EVERYTHING)
        return len(self._data)


class RecordingList(list[Any]):
    """A list that tells its recorder when it is read at all (it counts as one value)."""

    def __init__(self, table: str, recorder: Recorder, data: list[Any]) -> None:
        super().__init__(data)
        self._table = table
        self._recorder = recorder

    def __iter__(self) -> Iterator[Any]:
        self._recorder.note(self._table, EVERYTHING)
        return super().__iter__()

    def __len__(self) -> int:
        self._recorder.note(self._table, EVERYTHING)
        return super().__len__()

    def __getitem__(self, index: Any) -> Any:
        self._recorder.note(self._table, EVERYTHING)
        return super().__getitem__(index)


class RecordingTuple(tuple[Any, ...]):
    """A tuple field of an entity (an article's annotations or mentions) that tells its recorder when it is read
    at all: a page that shows an article's title, not its annotations, is not made again when a note changes.
    Every way of reading its items is noted (iteration, length, indexing, membership, comparison, hashing,
    concatenation); it pickles as a plain tuple."""

    _items: tuple[Any, ...]  # the same items, as a plain tuple: what each read is answered from
    _table: str
    _key: Any
    _recorder: Recorder

    def __new__(cls, items: tuple[Any, ...], table: str, key: Any, recorder: Recorder) -> RecordingTuple:
        made = super().__new__(cls, items)
        made._items, made._table, made._key, made._recorder = tuple(items), table, key, recorder
        return made

    def _read(self) -> tuple[Any, ...]:
        self._recorder.note(self._table, self._key)
        return self._items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._read())

    def __reversed__(self) -> Iterator[Any]:
        return iter(self._read()[::-1])

    def __len__(self) -> int:
        return len(self._read())

    def __getitem__(self, index: Any) -> Any:
        return self._read()[index]

    def __contains__(self, item: object) -> bool:
        return item in self._read()

    def __eq__(self, other: object) -> bool:
        return self._read() == other

    def __ne__(self, other: object) -> bool:
        return self._read() != other

    def __lt__(self, other: tuple[Any, ...]) -> bool:
        return self._read() < other

    def __le__(self, other: tuple[Any, ...]) -> bool:
        return self._read() <= other

    def __gt__(self, other: tuple[Any, ...]) -> bool:
        return self._read() > other

    def __ge__(self, other: tuple[Any, ...]) -> bool:
        return self._read() >= other

    def __hash__(self) -> int:
        return hash(self._read())

    def __add__(self, other: tuple[Any, ...]) -> tuple[Any, ...]:
        return self._read() + other

    def __radd__(self, other: tuple[Any, ...]) -> tuple[Any, ...]:
        return other + self._read()

    def __mul__(self, times: SupportsIndex) -> tuple[Any, ...]:
        return self._read() * times

    def __rmul__(self, times: SupportsIndex) -> tuple[Any, ...]:
        return self._read() * times

    def count(self, item: Any) -> int:
        return self._read().count(item)

    def index(self, item: Any, *bounds: Any) -> int:
        return self._read().index(item, *bounds)

    def __reduce__(self) -> tuple[Any, ...]:
        return tuple, (self._items,)


# An article's annotations and its mentions are dependencies of their own, apart from the rest of the article.
ANNOTATIONS_TABLE = "articles.annotations"
MENTIONS_TABLE = "articles.mentions"
# So is its body (Markdown): pages name an article by its title and show its text (the `texts` table), and a
# theme that reads the body itself is noted as reading it. An edit to the text no longer changes every page
# that lists the article.
BODY_TABLE = "articles.body"


class ShownArticle(Article):
    """An article as pages see it: reading its body is noted apart from its other fields. (Its annotations and
    mentions are RecordingTuples.) Its fields are the article's; `dataclasses.replace` gives one that notes
    nothing."""

    @property
    def body(self) -> str:
        recorder: Recorder | None = vars(self).get("_recorder")
        if recorder is not None:
            recorder.note(BODY_TABLE, self.id)
        body: str = vars(self)["body"]
        return body

    @body.setter
    def body(self, value: str) -> None:  # as the dataclass's __init__ sets it
        vars(self)["body"] = value


def recording_articles(articles: Mapping[str, Article], recorder: Recorder) -> dict[str, Article]:
    """Each article as pages see it: its annotations, mentions and body noted apart from the rest when read."""
    shown: dict[str, Article] = {}
    for article_id, article in articles.items():
        view = object.__new__(ShownArticle)
        vars(view).update(
            vars(article),
            annotations=RecordingTuple(article.annotations, ANNOTATIONS_TABLE, article_id, recorder),
            mentions=RecordingTuple(article.mentions, MENTIONS_TABLE, article_id, recorder),
            _recorder=recorder,
        )
        shown[article_id] = view
    return shown


@dataclasses.dataclass
class Views:
    """The model as pages see it: every lookup noted by the recorder."""

    dossier: Dossier
    index: Index
    texts: dict[str, ArticleText]
    alignments: Mapping[PairKey, Alignment]


TABLES = ("people", "sources", "stories", "articles", "claims")
_TABLE_OF: dict[type, str] = {
    Person: "people",
    Source: "sources",
    Story: "stories",
    Article: "articles",
    ShownArticle: "articles",
    Claim: "claims",
}


def recording_views(
    dossier: Dossier,
    index: Index,
    texts: dict[str, ArticleText],
    alignments: Mapping[PairKey, Alignment],
    recorder: Recorder,
) -> Views:
    def recording(name: str) -> RecordingDict:
        return RecordingDict(name, recorder, getattr(dossier, name))

    articles = recording_articles(dossier.articles, recorder)

    index_fields: dict[str, Any] = {}
    for item in dataclasses.fields(index):
        value = getattr(index, item.name)
        table = f"index.{item.name}"
        index_fields[item.name] = (
            RecordingDict(table, recorder, value) if isinstance(value, dict) else RecordingList(table, recorder, value)
        )
    return Views(
        dataclasses.replace(
            dossier,
            people=recording("people"),
            sources=recording("sources"),
            stories=recording("stories"),
            articles=RecordingDict("articles", recorder, articles),
            claims=recording("claims"),
        ),
        dataclasses.replace(index, **index_fields),
        RecordingDict("texts", recorder, texts),
        RecordingMapping("alignments", recorder, alignments),
    )


# Mentions and annotations as tuples of their fields: a list of tuples pickles 15 times faster than a list of
# dataclasses (each of which pickles its class and a dict of its field names), and the index's lists are long.
_MENTION_FIELDS = fields_getter(Mention)
_ANNOTATION_PARTS = ("selector", "location", "anchor")  # a Selector, a Location, an Anchor or None
_ANNOTATION_FIELDS = fields_getter(Annotation, leaving_out=_ANNOTATION_PARTS)
_SELECTOR_FIELDS, _LOCATION_FIELDS, _ANCHOR_FIELDS = (
    fields_getter(Selector),
    fields_getter(Location),
    fields_getter(Anchor),
)
# An article's fields but its annotations and mentions (dependencies of their own).
_ARTICLE_FIELDS = fields_getter(Article, leaving_out=("annotations", "mentions", "body"))
# The index's lists of the articles' annotations.
ANNOTATION_LIST_TABLES = frozenset(
    f"index.{name}" for name in ("appearances", "attributions", "corrections", "corrections_by_outlet")
)


# The fields of an entity that must be the very objects its story files gave (_is_as_made): all but an article's
# annotations and mentions (dependencies of their own) and a story's article_ids (compared by value).
_MADE_FIELDS = {
    Article: fields_getter(Article, leaving_out=("annotations", "mentions")),
    Story: fields_getter(Story, leaving_out=("article_ids",)),
    Claim: fields_getter(Claim),
}


def _is_as_made(now: Any, made: Any) -> bool:
    """Whether the entity `now` holds the values of `made`, as its story's files gave it: the same objects, or
    (a story) the same article ids, which leaving out the drafts gives as a new tuple."""
    if now is made:
        return True
    fields = _MADE_FIELDS.get(type(now))
    if fields is None or type(made) is not type(now):
        return False
    if type(now) is Story and now.article_ids != made.article_ids:
        return False
    return all(map(operator.is_, fields(now), fields(made)))


def _annotation_fields(annotation: Annotation) -> tuple[Any, ...]:
    """An annotation's fields, its selector, location and anchor as tuples of theirs."""
    anchor = annotation.anchor
    return (
        _ANNOTATION_FIELDS(annotation),
        _SELECTOR_FIELDS(annotation.selector),
        _LOCATION_FIELDS(annotation.location),
        None if anchor is None else _ANCHOR_FIELDS(anchor),
    )


class Fingerprints:
    """A digest of what each dependency holds now, each computed at most once per build."""

    def __init__(
        self,
        dossier: Dossier,
        index: Index,
        alignments: Mapping[PairKey, Alignment],
        alignment_keys: Mapping[PairKey, str],
        article_keys: Mapping[str, str] | None = None,
        shown_articles: dict[str, Article] | None = None,
        file_keys: Mapping[Dependency, FileKey] | None = None,
    ) -> None:
        self.tables: dict[str, Mapping[Any, Any]] = {name: getattr(dossier, name) for name in TABLES}
        # The articles as pages see them (recording_articles): the same entities as the table's.
        self.shown_articles = shown_articles if shown_articles is not None else {}
        self.article_keys = article_keys or {}  # a digest of what made each article's annotations and mentions
        self.file_keys = file_keys or {}  # the key of the files each story, claim and article was made from
        self._places: dict[str, dict[int, tuple[str, int]]] = {}  # see _by_place
        self._kept: dict[Dependency, tuple[str, str]] = {}  # the last build's fingerprints, with their stand-ins
        self._stand_ins: dict[Dependency, str] = {}
        self._articles: dict[str, str] = {}  # of_article's
        for item in dataclasses.fields(index):
            value = getattr(index, item.name)
            self.tables[f"index.{item.name}"] = value if isinstance(value, dict) else {EVERYTHING: value}
        self.articles = dossier.articles
        self.alignments = alignments
        self.alignment_keys = alignment_keys
        self._known: dict[Dependency, str] = {}
        self._parts: dict[Dependency, str] = {}

    def of(self, dependency: Dependency) -> str:
        found = self._known.get(dependency)
        if found is None:
            found = self._known[dependency] = self._kept_or_computed(dependency)
        return found

    def keep(self, kept: tuple[KeptFingerprint, ...]) -> None:
        """The last build's fingerprints that had a stand-in (see _stand_in), as `kept_for_next_build` gave them."""
        self._kept = {(table, key): (stand_in, found) for table, key, stand_in, found in kept}

    def kept_for_next_build(self) -> tuple[KeptFingerprint, ...]:
        """Each fingerprint taken (or kept) in this build that had a stand-in, with it: those a page read, and the
        entries of a table a page read whole."""
        return tuple(
            (table, key, stand_in, self.of((table, key))) for (table, key), stand_in in self._stand_ins.items()
        )

    def stand_in(self, dependency: Dependency) -> str:
        """The stand-in `of` took for the dependency ("" for none): kept with its fingerprint for the next build."""
        return self._stand_ins.get(dependency, "")

    def _kept_or_computed(self, dependency: Dependency) -> str:
        """The last build's fingerprint when the dependency's stand-in is the same as then (its value is), else
        its fingerprint taken now: what a rebuild pickles and digests is what changed."""
        stand_in = self._stand_in(*dependency)
        if stand_in is None:
            return self._compute(*dependency)
        self._stand_ins[dependency] = stand_in
        kept = self._kept.get(dependency)
        if kept is not None and kept[0] == stand_in:
            return kept[1]
        return self._compute(*dependency)

    def _stand_in(self, table: str, key: Any) -> str | None:
        """A cheap digest that is the same only when the dependency's value is: the key of the story files an
        entity came from, or the keys of the articles whose annotations (or mentions) an index's list holds;
        None when there is none."""
        if table in ("articles", "texts", BODY_TABLE, "stories", "claims"):
            return self._from_files(table, key)
        if key == EVERYTHING:
            return None
        if table == "index.mentions":
            items = self.tables[table].get(key)
            return None if items is None else self._by_place(items, MENTIONS_TABLE)
        if table in ANNOTATION_LIST_TABLES:
            items = self.tables[table].get(key)
            return None if items is None else self._by_place(items, ANNOTATIONS_TABLE)
        return None

    def _compute(self, table: str, key: Any) -> str:
        if table == "texts":  # an article's text is made from its body alone (the Markdown settings are global)
            article = self.articles.get(key)
            return digest("text", article.body, str(article.body_line)) if article else "missing"
        if table == BODY_TABLE:
            article = self.articles.get(key)
            return digest("body", article.body) if article else "missing"
        if table in (ANNOTATIONS_TABLE, MENTIONS_TABLE):
            return self._annotations_or_mentions(table, key)
        if table == "alignments":
            if key in self.alignment_keys:
                return self.alignment_keys[key]
            return fingerprint(("present", self.alignments[key])) if key in self.alignments else "missing"
        values = self.tables.get(table)
        if values is None:
            return "no such table"
        if key == EVERYTHING:
            if EVERYTHING in values and len(values) == 1:  # a list field of the index
                if table in ANNOTATION_LIST_TABLES:
                    return fingerprint(("annotations", list(map(_annotation_fields, values[EVERYTHING]))))
                return fingerprint(values[EVERYTHING])
            # Each entry's own fingerprint, in order: the same digest whether pages read the entries or the table.
            return digest("table", *(f"{entry_key!r}\0{self.of((table, entry_key))}" for entry_key in values))
        if key not in values:
            return "missing"
        if table == "articles":  # its annotations and mentions are dependencies of their own
            return fingerprint(("present article", _ARTICLE_FIELDS(values[key])))
        if table == "index.mentions":  # a person's mentions (Mention), as tuples of their fields
            return fingerprint(("present mentions", list(map(_MENTION_FIELDS, values[key]))))
        if table in ANNOTATION_LIST_TABLES:
            return fingerprint(("present annotations", list(map(_annotation_fields, values[key]))))
        return fingerprint(("present", values[key]))

    def _from_files(self, table: str, entity_id: Any) -> str | None:
        """The key of the story files an entity was made from, standing in for it (and for an article's text, made
        from its body) without pickling it; None when there is none, or the entity holds other values than those
        files gave (see _is_as_made)."""
        entity_table = "articles" if table in ("texts", BODY_TABLE) else table
        made = self.file_keys.get((entity_table, entity_id))
        if made is None:
            return None
        file_key, entity = made
        now = self.tables[entity_table].get(entity_id) if entity_table in self.tables else None
        return f"made from story files {file_key}" if _is_as_made(now, entity) else None

    def _by_place(self, items: list[Any], table: str) -> str | None:
        """A digest of a list of the articles' annotations (or mentions) by where each stands in its article, with
        the key of what made those articles' annotations and mentions; None when an item is not one of them, or
        its article has no key. An item is found by its id(): every article's are alive while this lives, so the
        object with that id is the very one at that place."""
        field = "annotations" if table == ANNOTATIONS_TABLE else "mentions"
        places = self._places.get(table)
        if places is None:
            places = self._places[table] = {
                id(item): (article_id, n)
                for article_id, article in self.articles.items()
                for n, item in enumerate(getattr(article, field))
            }
        found: list[tuple[str, int] | None] = list(map(places.get, map(id, items)))
        if None in found:
            return None
        article_ids = dict.fromkeys(place[0] for place in found if place)
        article_keys = [self.article_keys.get(article_id, "") for article_id in article_ids]  # digests: never ""
        if "" in article_keys:
            return None
        return digest(f"{field} by place", repr(found), *article_keys)

    def _annotations_or_mentions(self, table: str, article_id: str) -> str:
        """An article's annotations (or mentions). The article's key, where there is one, stands in for them
        without pickling them (what anchoring and linking made both from: body, annotations, budget, the
        people's names)."""
        article = self.articles.get(article_id)
        if article is None:
            return "missing"
        if article_id in self.article_keys:
            return digest(table, self.article_keys[article_id])
        return fingerprint(("present", article.annotations if table == ANNOTATIONS_TABLE else article.mentions))

    def of_article(self, article_id: str) -> str:
        """The fingerprint of the whole article: its fields, annotations and mentions (taken once: feeds and
        dossier.json ask again)."""
        found = self._articles.get(article_id)
        if found is None:
            tables = ("articles", BODY_TABLE, ANNOTATIONS_TABLE, MENTIONS_TABLE)
            parts = (self.of((table, article_id)) for table in tables)
            found = self._articles[article_id] = digest(*parts)
        return found

    def of_entity(self, value: Any) -> str | None:
        """The fingerprint of `value` when it is one of the model's entities (as its table holds it, or as pages
        see it), else None."""
        table = _TABLE_OF.get(type(value))
        if table is None:  # most of what a feed or the sitemap holds: strings, dates, their own records
            return None
        entity_id = getattr(value, "id", None)
        if table == "articles":  # its fingerprint is three: its fields, annotations and mentions
            if not isinstance(entity_id, str):
                return None
            is_known = value is self.articles.get(entity_id) or value is dict.get(self.shown_articles, entity_id)
            return f"{table}\0{entity_id}\0{self.of_article(entity_id)}" if is_known else None
        if self.tables[table].get(entity_id) is not value:
            return None
        return f"{table}\0{entity_id}\0{self.of((table, entity_id))}"

    def combined(self, dependencies: tuple[Dependency, ...]) -> str:
        return digest("".join(map(self._part, dependencies)))

    def _part(self, dependency: Dependency) -> str:
        """One dependency and its fingerprint as a line (repr escapes NULs and line ends in keys)."""
        found = self._parts.get(dependency)
        if found is None:
            table, key = dependency
            found = self._parts[dependency] = f"{table}\0{key!r}\0{self.of(dependency)}\n"
        return found


# A page's record as the cache keeps it: what the page read, as numbers in the table of dependencies kept once
# for all pages (an array's bytes: a rebuild reads 2,600 of them at 1,000 articles, not 130,000 tuples); the
# digest of the bytes written; the file as the build left it (size, modification time, inode): when it still
# is, it is kept unread.
PageRecord = tuple[bytes, str, tuple[int, int, int] | None]
READS_TYPE = "I"  # the array type of the numbers (4 bytes, unsigned)


def _sort_key(dependency: Dependency) -> tuple[str, str]:
    return dependency[0], repr(dependency[1])


def _ordered(dependencies: set[Dependency]) -> tuple[Dependency, ...]:
    return tuple(sorted(dependencies, key=_sort_key))


def recorded(make: Callable[[], bytes | None], recorder: Recorder) -> _Made:
    """What `make` returns, with what it read."""
    return _render_one(lambda: None, lambda _: make(), recorder)


def _on_disk(path: Path) -> tuple[int, int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns, status.st_ino


def templates_digest(themes: list[Theme]) -> str:
    """Of every theme's templates and catalogs of its words (render/translations.py): what every page reads."""
    parts: list[bytes | str] = []
    for position, theme in enumerate(themes):
        for folder in (theme.templates, theme.catalogs):
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    parts += [str(position), folder.name, path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


class PageCache:
    """The records of the previous build's pages, and the records of this one as pages are rendered."""

    def __init__(
        self,
        store: CacheStore,
        previous_output: Path,
        config: Config,
        themes: list[Theme],
        writes_data_early: bool = False,
    ) -> None:
        self.store = store
        # Write each data file's parts back once the file is written, rather than with the rest at the end: in a
        # cold build they are the size of the files (about 110 MB at 5,000 articles), which were held to the
        # build's end, its peak. A rebuild that writes the cache back after the reload (`serve`) leaves them for
        # then. Meanwhile the new ones wait in a temporary file (CacheStore.spill).
        self.writes_data_early = writes_data_early
        store.spill(*DATA_FILE_NAMESPACES.values())  # made in bulk as each file is written: on disk till then
        self.previous_output = previous_output
        self.global_key = digest(
            version_key(), fingerprint(config), templates_digest(themes), jinja2.__version__, markdown_it.__version__,
            f"reads {array(READS_TYPE).itemsize}",
        )  # fmt: skip
        stored = store.get_whole(RECORDS_FILE)
        self.previous: dict[str, PageRecord] = {}
        # Every dependency some previous page read, once, with a digest of what it held when they were made:
        # telling which pages changed is one comparison per dependency, then a set lookup per page.
        self.previous_dependencies: tuple[Dependency, ...] = ()
        self.previous_fingerprints: tuple[str, ...] = ()
        self.previous_stand_ins: tuple[KeptFingerprint, ...] = ()  # fingerprints with what stood in for their values
        if _is_stored_records(stored, self.global_key):
            _, self.previous_dependencies, self.previous_fingerprints, self.previous, self.previous_stand_ins = stored
        self.kept: dict[str, tuple[array[int], str]] = {}  # reused pages: reads numbered as the previous pages'
        # Rendered pages: their reads numbered in `made_reads` as they come, so that each dependency is held once
        # (held as tuples, one a read, they were 14 MiB at the end of rendering 1,000 articles; numbered, 6 MiB).
        self.made: dict[str, tuple[array[int], str]] = {}
        self.made_reads: list[Dependency] = []
        self._made_number_of: dict[Dependency, int] = {}
        self.on_disk: dict[str, tuple[int, int, int] | None] = {}
        # Pages whose previous file is kept unread (as it stood: see note_written), with how it stood.
        self.unread: dict[str, tuple[int, int, int]] = {}
        self.fingerprints: Fingerprints | None = None
        self._changed: set[int] = set()  # the numbers of the previous dependencies that hold something else now

    def start(self, fingerprints: Fingerprints) -> None:
        """Compare each dependency of the previous pages with what it holds now, once."""
        self.fingerprints = fingerprints
        fingerprints.keep(self.previous_stand_ins)
        now = map(fingerprints.of, self.previous_dependencies)
        pairs = enumerate(zip(self.previous_fingerprints, now, strict=True))
        self._changed = {n for n, (before, after) in pairs if before != after}

    def reuse(self, path: str) -> bytes | Path | None:
        """None when the page at `path` must be rendered again (something it read changed); else the previous
        file, untouched since the last build wrote it (so it need not be read), or its bytes, checked."""
        record = self.previous.get(path)
        if record is None or self.fingerprints is None:
            return None
        stored_reads, output, on_disk = record
        reads = _reads(stored_reads, len(self.previous_dependencies))
        if reads is None or not self._changed.isdisjoint(reads):
            return None
        previous = self.previous_output / path
        found: bytes | Path
        if on_disk is not None and _on_disk(previous) == on_disk:
            found = previous
            self.unread[path] = on_disk
        else:
            try:
                found = read_below(self.previous_output, path)  # never through a link, never a FIFO
            except OSError:
                return None
            if digest(found) != output:
                return None
        self.kept[path] = (reads, output)
        return found

    def remember(self, path: str, dependencies: set[Dependency], data: bytes) -> None:
        self.kept.pop(path, None)  # reusable, but its previous file could not be kept: rendered after all
        self.unread.pop(path, None)
        self.made[path] = (self._numbered_made(_ordered(dependencies)), digest(data))

    def _numbered_made(self, dependencies: tuple[Dependency, ...]) -> array[int]:
        return array(READS_TYPE, (_number_in(self.made_reads, self._made_number_of, d) for d in dependencies))

    def comparison_json(self, pair: PairKey, alignments: Mapping[PairKey, Alignment]) -> ComparisonJson:
        """A comparison's parts of dossier.json, from the cache when its alignment's inputs are unchanged (then
        the alignment itself is not read)."""
        key = self.fingerprints.alignment_keys.get(pair) if self.fingerprints else None
        if key is None:
            return comparison_json(alignments[pair])
        key = self._comparison_key(key)
        found = self.store.get(DOSSIER_JSON_NAMESPACE, key)
        if isinstance(found, tuple) and len(found) == 3 and all(isinstance(part, str) for part in found):
            return found
        made = comparison_json(alignments[pair])
        self.store.put(DOSSIER_JSON_NAMESPACE, key, made)
        return made

    @staticmethod
    def _comparison_key(alignment_key: str) -> str:
        return digest(alignment_key, "json")

    def synopsis_json(self, story: Story, alignments: Mapping[PairKey, Alignment]) -> str:
        """A story's synopsis in dossier.json, from the cache when none of its alignments' inputs changed (then
        no alignment is read)."""
        return self._story_text(story, "synopsis json", lambda: synopsis_json(story, alignments))

    def story_comparisons_json(self, story: Story, comparison: Callable[[PairKey], ComparisonJson]) -> str:
        """A story's comparisons in dossier.json, from the cache when none of its alignments' inputs changed (then
        no alignment is read). Each pair's own part stays in the cache meanwhile: else the next change to one
        article would make all of its story's pairs' parts again."""
        return self._story_text(story, "comparisons json", lambda: comparisons_json(story, comparison), True)

    def _story_text(self, story: Story, name: str, make: Callable[[], str], keep_pairs: bool = False) -> str:
        """A story's part of dossier.json that reads its alignments, cached under their inputs' keys (`keep_pairs`:
        each pair's own comparison part is kept with it)."""
        known = self.fingerprints.alignment_keys if self.fingerprints else {}
        pairs = story_pairs(story.article_ids)
        if not all(pair in known for pair in pairs):
            return make()
        if keep_pairs:
            for pair in pairs:
                self.store.keep(DOSSIER_JSON_NAMESPACE, self._comparison_key(known[pair]))
        return self._stored_text(digest(story.id, *story.article_ids, *(known[pair] for pair in pairs), name), make)

    def articles_json(self, articles: list[Article], texts: Mapping[str, ArticleText]) -> str:
        """A run of articles' records in dossier.json, from the cache when none of them changed (an article's text is
        made from its body, which the article holds; the Markdown settings are in the global key): a rebuild
        reads one entry per run, not one per article."""
        assert self.fingerprints is not None
        # The articles' fingerprints as the pages' records take them: each article is pickled once per build.
        of_article = self.fingerprints.of_article
        key = digest(self.global_key, *(f"{a.id}\0{of_article(a.id)}" for a in articles), "articles json")
        return self._stored_text(key, lambda: articles_json(articles, texts))

    def dossier_json_part(self, name: str, make: Callable[[], str]) -> str:
        """A part of dossier.json that `data.dossier_json` names, from the cache when what it reads is unchanged:
        the skeleton reads the tables of SKELETON_READS (and the configuration, in the global key); the
        sentences read the alignments, each known by the key of its inputs."""
        assert self.fingerprints is not None
        if name == "skeleton":
            reads = [self.fingerprints.of((table, EVERYTHING)) for table in SKELETON_READS]
        else:
            keys = self.fingerprints.alignment_keys
            pairs = list(self.fingerprints.alignments)
            if not all(pair in keys for pair in pairs):
                return make()
            reads = [f"{left}\0{right}\0{keys[left, right]}" for left, right in pairs]
            # The comparisons' own parts, which the part is made from, stay in the cache while it is taken whole:
            # else the next change to one article would make every comparison's part again (1,000 articles: 1 s).
            for pair in pairs:
                self.store.keep(DOSSIER_JSON_NAMESPACE, self._comparison_key(keys[pair]))
        return self._stored_text(digest(self.global_key, f"dossier.json {name}", *reads), make)

    def annotations_json(
        self, articles: list[Article], texts: Mapping[str, ArticleText], dossier: Dossier
    ) -> AnnotationsJson:
        """A run of articles' Web Annotations, from the cache when the articles and the claims their notes name are
        unchanged (the site's address and the verdicts are in the global key, with the configuration)."""
        assert self.fingerprints is not None
        of, of_article = self.fingerprints.of, self.fingerprints.of_article
        reads: list[str] = []
        for article in articles:
            claims = sorted({a.target for a in article.annotations if a.kind == "claim" and a.target})
            reads += [f"{article.id}\0{of_article(article.id)}", *(f"{c}\0{of(('claims', c))}" for c in claims)]
        key = digest(self.global_key, *reads, "web annotations")
        found = self.store.get(ANNOTATIONS_NAMESPACE, key)
        if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], int) and isinstance(found[1], str):
            return found
        made = annotations_json(articles, texts, dossier)
        self.store.put(ANNOTATIONS_NAMESPACE, key, made)
        return made

    def _stored_text(self, key: str, make: Callable[[], str]) -> str:
        """A part of dossier.json from the cache, or made by `make` and kept."""
        found = self.store.get(DOSSIER_JSON_NAMESPACE, key)
        if isinstance(found, str):
            return found
        made = make()
        self.store.put(DOSSIER_JSON_NAMESPACE, key, made)
        return made

    def rendered(self, path: str, inputs: object, make: Callable[[], _Made]) -> bytes | None:
        """The file at `path` as last rendered from `inputs`, when nothing else it read (noted as pages' reads
        are) changed since; else made now by `make`. A file that failed to render is not kept."""
        assert self.fingerprints is not None
        key = digest(self.global_key, path, fingerprint(inputs, self.fingerprints.of_entity), "site file")
        found = self.store.get(PARTS_NAMESPACE, key)
        if isinstance(found, tuple) and len(found) == 3 and isinstance(found[2], bytes):
            dependencies, combined, data = found
            if self.fingerprints.combined(dependencies) == combined:
                return bytes(data)
        made, read = make()
        if made is not None:
            ordered = _ordered(read)
            self.store.put(PARTS_NAMESPACE, key, (ordered, self.fingerprints.combined(ordered), made))
        return made

    def note_written(self, output_dir: Path) -> None:
        """Note how each page's file stands in the output folder the build left (see `reuse`). A page kept unread
        is its previous file itself, linked (same size, time and inode): it need not be looked at again (a copy made
        where a link failed has another inode, so the next build checks its bytes)."""
        for path in itertools.chain(self.kept, self.made):
            unread = self.unread.get(path)
            self.on_disk[path] = unread if unread is not None else _on_disk(output_dir / path)

    def data_file_written(self, path: str) -> None:
        """The data file at `path` is written: its parts are all put or kept, and may go (`writes_data_early`)."""
        namespace = DATA_FILE_NAMESPACES[path]
        if self.writes_data_early:
            self.store.write_back(namespace)

    def save(self) -> None:
        for namespace in (PARTS_NAMESPACE, *DATA_FILE_NAMESPACES.values()):
            self.store.finish(namespace)
        self.store.put_whole(RECORDS_FILE, self._stored_records())
        self.store.finish(PAGES_NAMESPACE)  # nothing is kept there now: removes what an older dossier left

    def _stored_records(
        self,
    ) -> tuple[str, tuple[Dependency, ...], tuple[str, ...], dict[str, PageRecord], tuple[KeptFingerprint, ...]]:
        assert self.fingerprints is not None
        dependencies, records = self._numbered()
        fingerprints = tuple(map(self.fingerprints.of, dependencies))  # taken already for most
        return self.global_key, dependencies, fingerprints, records, self.fingerprints.kept_for_next_build()

    def _numbered(self) -> tuple[tuple[Dependency, ...], dict[str, PageRecord]]:
        """This build's records, each page's reads numbered in one table of the dependencies that some page read:
        the previous table's that a kept page still reads, in their order, then the new ones."""
        still_read: set[int] = set()
        for reads, _ in self.kept.values():
            still_read.update(reads)
        kept_numbers = sorted(still_read)
        table = [self.previous_dependencies[n] for n in kept_numbers]
        renumbered = [0] * len(self.previous_dependencies)
        for new, old in enumerate(kept_numbers):
            renumbered[old] = new
        is_same = len(kept_numbers) == len(self.previous_dependencies)
        records: dict[str, PageRecord] = {}
        for path, (reads, output) in self.kept.items():
            numbers = reads if is_same else array(READS_TYPE, map(renumbered.__getitem__, reads))
            records[path] = (numbers.tobytes(), output, self.on_disk.get(path))
        number_of = {dependency: n for n, dependency in enumerate(table)}
        in_table = [-1] * len(self.made_reads)  # a made page's number -> the table's, once found
        for path, (made_numbers, output) in self.made.items():
            numbers = array(READS_TYPE)
            for made_number in made_numbers:
                n = in_table[made_number]
                if n < 0:
                    n = in_table[made_number] = _number_in(table, number_of, self.made_reads[made_number])
                numbers.append(n)
            records[path] = (numbers.tobytes(), output, self.on_disk.get(path))
        return tuple(table), records


def _number_in(table: list[Dependency], number_of: dict[Dependency, int], dependency: Dependency) -> int:
    """The dependency's number in `table` (`number_of` its index), appended where it is new."""
    n = number_of.get(dependency)
    if n is None:
        n = number_of[dependency] = len(table)
        table.append(dependency)
    return n


def _reads(stored: bytes, table_size: int) -> array[int] | None:
    """A page's reads as `PageCache.save` stored them, or None when they are damaged (it is rendered again)."""
    reads = array(READS_TYPE)
    if len(stored) % reads.itemsize:
        return None
    reads.frombytes(stored)
    return None if reads and max(reads) >= table_size else reads


_StoredRecords = tuple[str, tuple[Dependency, ...], tuple[str, ...], dict[str, PageRecord], tuple[KeptFingerprint, ...]]


def _is_stored_records(stored: Any, global_key: str) -> TypeGuard[_StoredRecords]:
    """Whether a cache entry holds the pages' records as PageCache.save stores them, made with `global_key`."""
    return (
        isinstance(stored, tuple)
        and len(stored) == 5
        and stored[0] == global_key
        and isinstance(stored[1], tuple)
        and isinstance(stored[2], tuple)
        and len(stored[1]) == len(stored[2])
        and all(isinstance(item, tuple) and len(item) == 2 for item in stored[1])
        and all(isinstance(item, str) for item in stored[2])
        and isinstance(stored[3], dict)
        and all(map(_is_record, stored[3].values()))
        and isinstance(stored[4], tuple)
        and all(map(_is_kept_fingerprint, stored[4]))
    )


def _is_kept_fingerprint(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) == 4 and isinstance(item[2], str) and isinstance(item[3], str)


def _is_record(record: Any) -> bool:
    return (
        isinstance(record, tuple)
        and len(record) == 3
        and isinstance(record[0], bytes)
        and isinstance(record[1], str)
        and (record[2] is None or (isinstance(record[2], tuple) and len(record[2]) == 3))
    )


# Below this many pages to render, starting workers costs more than it saves.
PARALLEL_MIN_PAGES = 200
# Pages per piece of work sent to a worker: enough to share the work evenly, few enough to keep memory low (the
# pages out wait in this process: at 5,000 articles, 100 a chunk raised it 26 MiB while rendering, 50 about 10).
CHUNK_PAGES = 50
CHUNKS_OUT = 3  # a worker's at once: the one it renders, the one it has done, and one of slack
_Todo = list[tuple[str, Callable[[], Any]]]
_Made = tuple[bytes | None, set[Dependency]]


def _render_one(make: Callable[[], Any], render: Callable[[Any], bytes | None], recorder: Recorder) -> _Made:
    recorder.deps = set()
    try:
        rendered = render(make())
        return rendered, recorder.deps
    finally:
        recorder.deps = None


def _render_all(
    todo: _Todo, render: Callable[[Any], bytes | None], recorder: Recorder, report: Report
) -> Iterator[_Made]:
    """Render each page of `todo`, in order, in forked workers when there are many and more than one core.

    Workers take contiguous chunks and their results are passed on in order as they arrive (so the site does
    not depend on how the work was shared, and only a few chunks are in memory at once); pages are pure
    functions of the model, which each worker has whole.
    """
    workers = worker_count(len(todo), PARALLEL_MIN_PAGES)
    if workers == 1:
        for _, make in todo:
            yield _render_one(make, render, recorder)
        return

    def render_chunk(bounds: tuple[int, int]) -> tuple[list[_Made], list[Diagnostic]]:
        """In a worker: render todo[start:end]; the diagnostics it reported go back with the pages."""
        before = len(report.diagnostics)
        made = [_render_one(make, render, recorder) for _, make in todo[bounds[0] : bounds[1]]]
        return made, report.diagnostics[before:]

    size = min(-(-len(todo) // (workers * 4)), CHUNK_PAGES)
    bounds = [(start, min(start + size, len(todo))) for start in range(0, len(todo), size)]
    # A worker's chunks out at once are bounded: pages this process has yet to write wait in it (13-15 MB of them
    # at 1,000 articles here with chunks of 100), and without a bound, where it writes more slowly than the workers
    # render (a slow disk), every page of the site could.
    for pages, diagnostics in forked_map(render_chunk, bounds, workers, in_flight=CHUNKS_OUT * workers):
        report.diagnostics.extend(diagnostics)
        yield from pages


def render_pages(
    plan: list[tuple[str, Callable[[], Any]]],
    render: Callable[[Any], bytes | None],
    recorder: Recorder,
    cache: PageCache | None,
    report: Report,
    sink: Callable[[str, bytes], None],
    keep: Callable[[str], bool],
) -> list[str]:
    """Pass each planned page's bytes to `sink`, or have `keep` keep the previous file where the cache says it is
    unchanged; the rest are built and rendered with their reads noted. Returns the paths of the pages made, in
    plan order (a page that fails to render is left out; its error is in `report`)."""
    made: set[str] = set()
    todo: _Todo = []
    for path, make in plan:
        found = cache.reuse(path) if cache is not None else None
        if isinstance(found, Path) and keep(path):
            made.add(path)
        elif isinstance(found, bytes):
            sink(path, found)
            made.add(path)
        else:
            todo.append((path, make))
    for (path, _), (rendered, dependencies) in zip(todo, _render_all(todo, render, recorder, report), strict=True):
        if rendered is None:
            continue
        if cache is not None:
            cache.remember(path, dependencies, rendered)
        sink(path, rendered)
        made.add(path)
    return [path for path, _ in plan if path in made]
