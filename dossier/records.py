"""The records editors write, key by key: people, sources, stories, claims, timeline events, front matter and
annotation sidecars: their keys, kinds, nesting, choices and what their ids name. One declaration, read by
validation (validate.py, through schema.read_record) and by the JSON Schemas made for editors
(editor_schemas.py); whatever else describes these files must be derived from it, never written again.
"""

from __future__ import annotations

import dataclasses

from dossier.model import SOURCE_KINDS, AnnotationKind
from dossier.schema import Field

ROLE_FIELDS = {"title": Field("text", required=True), "from": Field("date"), "to": Field("date")}
LINK_FIELDS = {"title": Field("text", required=True), "url": Field("url", required=True)}
PERSON_FIELDS = {
    "id": Field("slug", required=True),
    "name": Field("text", required=True),
    "aliases": Field("texts", default=()),
    "roles": Field("list", items=ROLE_FIELDS),
    "description": Field("markdown", default=""),
    "links": Field("list", items=LINK_FIELDS),
}
SOURCE_FIELDS = {
    "id": Field("slug", required=True),
    "name": Field("text", required=True),
    "kind": Field("text", required=True, choices=SOURCE_KINDS),
    "via": Field("slug", refers=("source",)),
    "person": Field("slug", refers=("person",)),
    "url": Field("url"),
    "archived": Field("url"),
    "date": Field("date"),
    "description": Field("markdown", default=""),
}
CLAIM_FIELDS = {
    "id": Field("slug", required=True),
    "claim": Field("text", required=True),
    "claimant": Field("slug", required=True, refers=("person", "source")),
    "about": Field("slugs", default=(), refers=("person",)),
    "verdict": Field("slug", required=True, refers=("verdict",)),
    "reasoning": Field("markdown", default=""),
    "evidence": Field("slugs", default=(), refers=("source",)),
    "date": Field("date"),
    "inference": Field("bool", default=False),
    "reviewed": Field("date"),
}
EVENT_FIELDS = {
    "date": Field("date", required=True),
    "event": Field("markdown", required=True),
    "sources": Field("slugs", default=(), refers=("source",)),
    "inference": Field("bool", default=False),
}
STORY_FIELDS = {
    "title": Field("text", required=True),
    "summary": Field("markdown", default=""),
    "date": Field("date"),
    "draft": Field("bool", default=False),
    "reviewed": Field("date"),
    "claims": Field("list", items=CLAIM_FIELDS),
    "sources": Field("list", items=SOURCE_FIELDS),
    "timeline": Field("list", items=EVENT_FIELDS),
}
FRONT_MATTER_FIELDS = {
    "title": Field("text", required=True),
    "outlet": Field("slug", required=True, refers=("outlet",)),
    "url": Field("url"),
    "archived": Field("url"),
    "published": Field("date"),
    "updated": Field("date"),
    "authors": Field("texts", default=()),
    "language": Field("language"),
    "inferred": Field("texts", default=()),
    "draft": Field("bool", default=False),
}
# `inferred` names the keys the editor inferred rather than read off the page: any key of the front matter.
FRONT_MATTER_FIELDS["inferred"] = dataclasses.replace(FRONT_MATTER_FIELDS["inferred"], choices=(*FRONT_MATTER_FIELDS,))
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
        {
            "claim": Field("slug", required=True, refers=("claim",)),
            "sources": Field("slugs", default=(), refers=("source",)),
        },
    ),
    "sources": ("source", "source", {"source": Field("slug", required=True, refers=("source",))}),
    "corrections": (
        "correction",
        None,
        {"correct": Field("text", required=True), "note": Field("markdown", default="")},
    ),
    "notes": ("note", None, {"note": Field("markdown", required=True)}),
    "mentions": ("mention", "person", {"person": Field("slug", required=True, refers=("person",))}),
}
# An annotations file: each list optional, each entry a selector and the list's own keys.
SIDECAR_FIELDS = {
    name: Field("list", items={**SELECTOR_FIELDS, **own_keys}) for name, (_, _, own_keys) in SIDECAR_LISTS.items()
}
