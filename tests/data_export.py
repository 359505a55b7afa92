"""data/dossier.json read as a data user reads it: its arrays made records again by the names in `fields`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dossier import urls


def read_export(site: Path) -> dict[str, Any]:
    """The site's dossier.json with each mention, comparison pair (and its signals) and synopsis row a dict."""
    data: dict[str, Any] = json.loads((site / urls.DATA_FILE).read_text(encoding="utf-8"))
    fields = data["fields"]

    def records(kind: str, rows: list[list[Any]]) -> list[dict[str, Any]]:
        return [dict(zip(fields[kind], row, strict=True)) for row in rows]

    for article in data["articles"]:
        article["mentions"] = records("mentions", article["mentions"])
    for comparison in data["comparisons"]:
        comparison["pairs"] = records("pairs", comparison["pairs"])
        for pair in comparison["pairs"]:
            (pair["signals"],) = records("signals", [pair["signals"]])
    for synopsis in data["synopses"]:
        synopsis["rows"] = records("rows", synopsis["rows"])
    return data
