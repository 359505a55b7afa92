"""Why an import stops: each failure is one sentence for the editor, and the command's exit code."""

from __future__ import annotations


class ImportFailed(Exception):
    """Why an import cannot go on: one sentence for the editor, with the fix where there is one."""

    exit_code = 1

    def about(self, source: str | None) -> str:
        """The sentence, naming the page it is about when it does not already (one run imports several)."""
        said = str(self)
        return said if source is None or said.startswith(source) else f"{source}: {said}"


class FetchFailed(ImportFailed):
    """The page could not be downloaded: a network or server failure."""

    exit_code = 2
