"""Locate each quote in its article's text as an exact character span, and find mentions of people.

A quote is a W3C TextQuoteSelector (exact text, optional prefix and suffix). It is looked for in four ways,
each only if the ones before found nothing: `exact` (as written), `normalised` (whitespace, quote marks, dashes
and Unicode forms made alike, then mapped back to the original offsets), elided (a quote with "…": its parts,
each exact or normalised) and `fuzzy` (the closest passage, as Hypothesis re-anchors edited pages). Mentions of
people are found by name in the same normalised view.

The modules, each using only those above it:
    budget.py     what a quote and a build may spend on occurrences and fuzzy search
    normalise.py  the normalised view of a text (dossier.normal_form step by step), with a map back to the
                  original offsets
    context.py    a selector's prefix and suffix, compared without regard to whitespace
    exact.py      every occurrence of a quote that the context fits, within the budgets
    fuzzy.py      the passages closest to a quote that is not in the text as written
    elision.py    the parts of a quote with "…", and the tightest spans holding them in order
    locate.py     `locate_quote`: exact, then normalised, then elided, then fuzzy; a stale context named
    mentions.py   `find_mentions`: people's names and aliases in a text
    messages.py   what anchoring tells the editor (ambiguous, not found, found roughly, stale context, over
                  budget, moved)
    stage.py      `anchor_quotes`, the stage: every annotation of the dossier anchored, one budget for all

All but the stage are pure but for the budget they spend: text in, spans out. The normalised view of a text is
memoised, so anchoring many quotes in one article normalises it once.
"""

from dossier.anchor.locate import Candidate, QuoteMatch, QuoteStatus, locate_quote
from dossier.anchor.mentions import find_mentions
from dossier.anchor.messages import report_moved_anchors
from dossier.anchor.stage import anchor_quotes, text_hash
from dossier.normal_form import normalise_text

__all__ = [
    "Candidate",
    "QuoteMatch",
    "QuoteStatus",
    "anchor_quotes",
    "find_mentions",
    "locate_quote",
    "normalise_text",
    "report_moved_anchors",
    "text_hash",
]
