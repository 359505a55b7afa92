"""The records editors write, key by key: people, sources, stories, claims, timeline events, front matter and
annotation sidecars. One declaration, read by validation (validate.py, through schema.read_record); whatever
else describes these files must be derived from it, never written again.
"""

from __future__ import annotations

from dossier.model import AnnotationKind
from dossier.schema import Field

PERSON_FIELDS = {
    "id": Field("slug", required=True),
    "name": Field("text", required=True),
    "aliases": Field("texts", default=()),
    "roles": Field("list"),
    "description": Field("markdown", default=""),
    "links": Field("list"),
}
ROLE_FIELDS = {"title": Field("text", required=True), "from": Field("date"), "to": Field("date")}
LINK_FIELDS = {"title": Field("text", required=True), "url": Field("url", required=True)}
SOURCE_FIELDS = {
    "id": Field("slug", required=True),
    "name": Field("text", required=True),
    "kind": Field("text", required=True),
    "via": Field("slug"),
    "person": Field("slug"),
    "url": Field("url"),
    "date": Field("date"),
    "description": Field("markdown", default=""),
}
STORY_FIELDS = {
    "title": Field("text", required=True),
    "summary": Field("markdown", default=""),
    "date": Field("date"),
    "draft": Field("bool", default=False),
    "reviewed": Field("date"),
    "claims": Field("list"),
    "sources": Field("list"),
    "timeline": Field("list"),
}
CLAIM_FIELDS = {
    "id": Field("slug", required=True),
    "claim": Field("text", required=True),
    "claimant": Field("slug", required=True),
    "about": Field("slugs", default=()),
    "verdict": Field("slug", required=True),
    "reasoning": Field("markdown", default=""),
    "evidence": Field("slugs", default=()),
    "date": Field("date"),
    "inference": Field("bool", default=False),
    "reviewed": Field("date"),
}
EVENT_FIELDS = {
    "date": Field("date", required=True),
    "event": Field("markdown", required=True),
    "sources": Field("slugs", default=()),
    "inference": Field("bool", default=False),
}
FRONT_MATTER_FIELDS = {
    "title": Field("text", required=True),
    "outlet": Field("slug", required=True),
    "url": Field("url"),
    "published": Field("date"),
    "updated": Field("date"),
    "authors": Field("texts", default=()),
    "language": Field("language"),
    "inferred": Field("texts", default=()),
    "draft": Field("bool", default=False),
}
SELECTOR_FIELDS = {
    "id": Field("slug"),
    "quote": Field("text", required=True),
    "prefix": Field("text", default=""),
    "suffix": Field("text", default=""),
}
# Each sidecar list: its annotation kind, the key naming its target, and its own keys beside the selector's.
SIDECAR_LISTS: dict[str, tuple[AnnotationKind, str | None, dict[str, Field]]] = {
    "claims": (
        "claim",
        "claim",
        {"claim": Field("slug", required=True), "sources": Field("slugs", default=())},
    ),
    "sources": ("source", "source", {"source": Field("slug", required=True)}),
    "corrections": (
        "correction",
        None,
        {"correct": Field("text", required=True), "note": Field("markdown", default="")},
    ),
    "notes": ("note", None, {"note": Field("markdown", required=True)}),
    "mentions": ("mention", "person", {"person": Field("slug", required=True)}),
}
