"""The one place that maps an entity to its output path, and paths to links.

Output paths are POSIX paths inside the output folder, always ending in a file name. Links between pages
are relative and name index.html, so the site works from any sub-path of a web server and from file://.
"""

from __future__ import annotations

import functools
import posixpath
from typing import Any

from dossier.model import Annotation, Article, Claim, Mention, Person, Source, Story

INDEX = "index.html"
ATOM_FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
DATA_FILE = "data/dossier.json"
ANNOTATIONS_FILE = "data/annotations.jsonld"


def page(*parts: str) -> str:
    if all(part and "/" not in part for part in parts):  # ids: posixpath.join is slow for the common case
        return "/".join((*parts, INDEX))
    return posixpath.join(*parts, INDEX)


HOME = INDEX
PEOPLE_INDEX = page("people")
CLAIMS_INDEX = page("claims")
SOURCES_INDEX = page("sources")
STORIES_INDEX = page("stories")
CORRECTIONS_INDEX = page("corrections")
CORRECTIONS_FEED = "corrections/feed.xml"


def story_path(story_id: str) -> str:
    return page("stories", story_id)


def article_path(story_id: str, article_id: str) -> str:
    return page("stories", story_id, article_id)


def synopsis_path(story_id: str) -> str:
    """The story's comparison: a file beside its articles' folders, named so that no article id can clash."""
    return posixpath.join("stories", story_id, "compare.html")


def story_feed_path(story_id: str) -> str:
    return posixpath.join("stories", story_id, ATOM_FEED)


def person_path(person_id: str) -> str:
    return page("people", person_id)


def claim_path(claim_id: str) -> str:
    return page("claims", claim_id)


def source_path(source_id: str) -> str:
    return page("sources", source_id)


def passage_fragment(passage: int) -> str:
    return f"p{passage + 1}"


def path_for(entity: Any, articles: dict[str, Article] | None = None) -> str:
    """The output path (with #fragment where it points inside a page) of any entity of the model."""
    if isinstance(entity, Story):
        return story_path(entity.id)
    if isinstance(entity, Article):
        return article_path(entity.story_id, entity.id)
    if isinstance(entity, Person):
        return person_path(entity.id)
    if isinstance(entity, Claim):
        return claim_path(entity.id)
    if isinstance(entity, Source):
        return source_path(entity.id)
    if isinstance(entity, (Annotation, Mention)) and articles is not None:
        article = articles[entity.article_id]
        if isinstance(entity, Annotation):
            return f"{path_for(article)}#{entity.id}"
        return f"{path_for(article)}#{passage_fragment(entity.passage)}"
    raise TypeError(f"no page for {type(entity).__name__}")


def relative_url(from_path: str, to_path: str) -> str:
    """A link from page `from_path` to `to_path` (which may carry a #fragment)."""
    target, _, fragment = to_path.partition("#")
    if target == from_path and fragment:
        return f"#{fragment}"
    link = _relative(posixpath.dirname(from_path), target)
    return f"{link}#{fragment}" if fragment else link


# A page's links repeat within it and its neighbours, not across the site: at 1,000 articles 1,024 entries hit
# as often as 65,536 did (52% of 213,000 calls), and 65,536 held 22 MB in each process that renders.
@functools.lru_cache(maxsize=1024)
def _relative(folder: str, target: str) -> str:
    """posixpath.relpath(target, folder or "."), for the clean relative paths of the output folder (a site has
    hundreds of thousands of links: relpath's abspath calls were a tenth of rendering)."""
    if _is_clean(folder) and _is_clean(target):
        start = folder.split("/") if folder else []
        parts = target.split("/")
        shared = 0
        while shared < min(len(start), len(parts)) and start[shared] == parts[shared]:
            shared += 1
        return "/".join([".."] * (len(start) - shared) + parts[shared:]) or "."
    return posixpath.relpath(target, folder or ".")


def _is_clean(path: str) -> bool:
    if not path:
        return True
    return not path.startswith("/") and all(part not in ("", ".", "..") for part in path.split("/"))


def absolute_url(base_url: str, path: str) -> str:
    """The public URL of a page: base_url joined with its path, without the trailing index.html."""
    path, hash_mark, fragment = path.partition("#")
    if hash_mark:
        return f"{absolute_url(base_url, path)}#{fragment}"
    if path == INDEX:
        path = ""
    elif path.endswith("/" + INDEX):
        path = path[: -len(INDEX)]
    return base_url + path
