"""dossier/yaml_syntax.py: the fix a YAML error suggests is right. The messages themselves are pinned by
tests/invalid/syntax and tests/invalid/yaml-mistakes (expected.txt)."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from dossier.diagnostics import Report
from dossier.yaml_reader import parse_yaml
from dossier.yaml_syntax import quoted

# One line of text as an editor types it: no line breaks, no control characters (those are errors of their own).
LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1).filter(
    lambda text: text == text.strip() and "\ufeff" not in text
)


@given(LINE)
def test_the_quoted_value_a_fix_suggests_reads_back_as_written(value: str) -> None:
    assert yaml.safe_load(f"key: {quoted(value)}") == {"key": value}


def test_a_value_that_goes_on_after_its_quotes_is_fixed_by_the_quoting_the_message_gives() -> None:
    report = Report()
    parse_yaml('quote: "safe" in their homes\n', "notes.yaml", report)
    [error] = report.errors
    fixed = error.message.rsplit("put the whole value in quotes: ", 1)[1]
    assert fixed == "quote: '\"safe\" in their homes'"
    assert yaml.safe_load(fixed) == {"quote": '"safe" in their homes'}
