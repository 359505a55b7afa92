"""What anchoring may spend, per quote and per build, so that no sidecar can keep a build busy for hours.

Two kinds of work grow faster than the files that ask for them: the occurrences of a quote that occurs very
often (each is checked against the prefix and suffix, and listed), and fuzzy search, which passes over the
text for every near-miss quote. Fuzzy work is counted in units of about a nanosecond each at worst, as measured
on a busy machine (fuzzy.py says what each step costs).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_OCCURRENCES = 10_000  # of one quote: past this the quote is an error, and no more are looked at
MAX_OCCURRENCES_PER_BUILD = 200_000  # occurrences looked at for all the quotes of a build
MAX_ELIDED_PARTS = 10  # parts of a quote with ellipses: each is looked for on its own
MAX_CONTEXT_CHARACTERS = 200  # of a prefix or suffix nearest the quote, spaces aside, that choose among occurrences
MAX_FUZZY_QUOTE = 10_000  # characters: a longer quote must be in the article as written (or normalised)
FUZZY_WORK_PER_QUOTE = 1_000_000_000  # at most about a second
FUZZY_WORK_PER_BUILD = 5_000_000_000  # at most about five seconds; on prose, far less


@dataclass
class Budget:
    """What anchoring may still spend in one build: `anchor_quotes` makes one for each build, and a quote located
    on its own gets a whole build's worth. Spent as it goes; never shared between builds."""

    occurrences: int = MAX_OCCURRENCES_PER_BUILD
    fuzzy_work: int = FUZZY_WORK_PER_BUILD
