"""build/data/dossier.json: the whole resolved model, for others to reuse. Deterministic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from dossier import urls
from dossier.compare.align import Alignment
from dossier.compare.segment import Sentence
from dossier.compare.stage import PairKey
from dossier.link import Index
from dossier.model import Annotation, Dossier
from dossier.text import ArticleText

SCHEMA_VERSION = 1


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "location"}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _annotation(annotation: Annotation, text: ArticleText) -> dict[str, Any]:
    record: dict[str, Any] = _plain(annotation)
    anchor = annotation.anchor
    record["exact_text"] = text.text[anchor.start : anchor.end] if anchor else None
    record["source_location"] = str(annotation.location)
    return record


def _alignment(alignment: Alignment) -> dict[str, Any]:
    def sentence(s: Sentence) -> dict[str, Any]:
        return {"index": s.index, "start": s.start, "end": s.end, "text": s.text}

    return {
        "left_article": alignment.left_article,
        "right_article": alignment.right_article,
        "pairs": [
            {"left": p.left, "right": p.right, "score": round(p.score, 4), "kind": p.kind,
             "shared_quote": p.shared_quote, "shared_claims": list(p.shared_claims),
             "signals": {name: round(value, 4) for name, value in p.signals.items()},
             "is_ambiguous": p.is_ambiguous,
             "left_sources": list(p.attribution.left_sources), "right_sources": list(p.attribution.right_sources)}
            for p in alignment.pairs
        ],
        "unique_left": [sentence(alignment.left[i]) for i in alignment.unique_left],
        "unique_right": [sentence(alignment.right[i]) for i in alignment.unique_right],
        "left_sentences": [sentence(s) for s in alignment.left],
        "right_sentences": [sentence(s) for s in alignment.right],
    }  # fmt: skip


def dossier_json(
    dossier: Dossier, texts: dict[str, ArticleText], index: Index, alignments: dict[PairKey, Alignment]
) -> bytes:
    articles = []
    for article in dossier.articles.values():
        record = _plain(article)
        record.pop("body")
        record["path"] = urls.path_for(article)
        record["annotations"] = [_annotation(a, texts[article.id]) for a in article.annotations]
        articles.append(record)
    data = {
        "schema_version": SCHEMA_VERSION,
        "site": _plain(dossier.config),
        "stories": [_plain(s) for s in dossier.stories.values()],
        "articles": articles,
        "people": [_plain(p) | {"mention_count": len(index.mentions.get(p.id, []))} for p in dossier.people.values()],
        "sources": [_plain(s) for s in dossier.sources.values()],
        "claims": [_plain(c) for c in dossier.claims.values()],
        "comparisons": [_alignment(alignment) for alignment in alignments.values()],
    }
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
