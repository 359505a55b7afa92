"""Server-sent events to the open pages: `reload` after a good rebuild, `errors` after a failed one.

Every new connection first gets `hello` with the current state (the number of the site being served and
the errors of the last attempt), so a page that missed an event, or was served a moment before a rebuild,
catches up: the injected script reloads when the build it was served from is no longer the current one.
"""

from __future__ import annotations

import json
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

from dossier.diagnostics import Diagnostic


@dataclass(frozen=True)
class ServerEvent:
    name: str
    data: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        """The event in the text/event-stream format (one `data:` line: the JSON has no newlines)."""
        return f"event: {self.name}\ndata: {json.dumps(self.data, ensure_ascii=False)}\n\n".encode()


def diagnostic_json(diagnostic: Diagnostic) -> dict[str, Any]:
    where = diagnostic.location
    return {
        "severity": diagnostic.severity,
        "path": where.path,
        "line": where.line,
        "column": where.column,
        "location": str(where),
        "message": diagnostic.message,
    }


class EventHub:
    """The current state of the served site, and a queue per open page to push changes to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[queue.Queue[ServerEvent | None]] = []
        self._build = 0
        self._errors: list[dict[str, Any]] = []
        self._closed = False

    @property
    def build(self) -> int:
        """The number of the site being served: 0 until a build succeeds, then one more per changed site."""
        with self._lock:
            return self._build

    def subscribe(self) -> queue.Queue[ServerEvent | None]:
        subscriber: queue.Queue[ServerEvent | None] = queue.Queue()
        with self._lock:
            subscriber.put(ServerEvent("hello", {"build": self._build, "errors": self._errors}))
            if self._closed:
                subscriber.put(None)
            else:
                self._subscribers.append(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: queue.Queue[ServerEvent | None]) -> None:
        with self._lock:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

    def _publish(self, event: ServerEvent) -> None:
        for subscriber in self._subscribers:
            subscriber.put(event)

    def site_changed(self, changed: list[str], seconds: float) -> None:
        """A rebuild succeeded and wrote a new site (or cleared errors): every page reloads."""
        with self._lock:
            self._build += 1
            self._errors = []
            self._publish(ServerEvent("reload", {"build": self._build, "changed": changed, "seconds": seconds}))

    def failed(self, diagnostics: list[Diagnostic]) -> None:
        """A rebuild failed: the last good site stays; every page shows the errors."""
        with self._lock:
            self._errors = [diagnostic_json(d) for d in diagnostics]
            self._publish(ServerEvent("errors", {"build": self._build, "errors": self._errors}))

    def close(self) -> None:
        """End every open event stream (the server is stopping)."""
        with self._lock:
            self._closed = True
            for subscriber in self._subscribers:
                subscriber.put(None)
            self._subscribers.clear()
