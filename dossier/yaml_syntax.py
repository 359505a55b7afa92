"""PyYAML's scanner, parser and composer errors told as an editor sees the mistake, each with its fix.

PyYAML names tokens the editor never typed (`<block end>`, `?`, `<scalar>`) and often stumbles a line after
the mistake. What went wrong is almost always one of a few things: a value that starts with a quote mark (or
a bracket) and goes on after it, a ': ' inside a value, a tab, a line indented to no level above it, a key
without its ':', a quote or a list left open, a value starting with a character YAML reserves. Each is
recognised from the error and the lines around it, and told where the fix goes. Anything else keeps PyYAML's
own words, with its tokens named as the editor would name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# `key: value` on one line, after any indentation and list dashes: the key stops at the first ': '.
KEY_LINE = re.compile(
    r"(?P<lead>(?>[ ]*(?:-[ ]+)*))(?P<key>[^\s#:'\"\[\]{},&*!|>%@`-][^:#]*?|-[^\s:][^:]*?):(?=[ \t]|$)"
)
DASH_WITHOUT_SPACE = re.compile(r"[ ]*-[^\s-]")
KEY_WITHOUT_SPACE = re.compile(r"[ ]*(?:-[ ]+)*[A-Za-z_][\w-]*:[^\s/]")
LONGEST_SHOWN = 70  # a fix longer than this is shown with its middle left out
TOKEN_NAMES = {
    "'<block end>'": "the end of the indented block",
    "'<block mapping start>'": "a key",
    "'<block sequence start>'": "a list item",
    "'<scalar>'": "a value",
    "'?'": "a key",
    "'-'": "a list item ('- ')",
    "'<stream end>'": "the end of the file",
    "'<document start>'": "'---'",
}
# What a value may not start with unquoted, and what YAML reads it as.
RESERVED_STARTS = {"@": "a reserved character", "`": "a reserved character", "%": "a directive"}


@dataclass(frozen=True)
class SyntaxProblem:
    """Where to fix a YAML error (0-based, as PyYAML's marks) and what to do."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class _Stumble:
    """Where PyYAML stumbled (0-based), what it said, and the text's lines."""

    problem: str
    context: str
    line: int
    column: int
    started: yaml.Mark | None  # where the part it was reading starts
    lines: list[str]


@dataclass(frozen=True)
class _KeyLine:
    number: int  # 0-based
    indent: int  # columns before the first dash or the key
    key_column: int
    key: str
    value_column: int  # where the value starts, or the line's end
    value: str  # as written, trailing spaces dropped


def _key_line(lines: list[str], number: int) -> _KeyLine | None:
    if not 0 <= number < len(lines):
        return None
    line = lines[number]
    found = KEY_LINE.match(line)
    if found is None:
        return None
    value_column = found.end()
    while value_column < len(line) and line[value_column] in " \t":
        value_column += 1
    return _KeyLine(
        number, _indent(line), found.start("key"), found.group("key"), value_column, line[value_column:].rstrip()
    )


def _text(lines: list[str], number: int) -> str:
    """Line `number` (0-based), or '' past either end: a mark may stand at the end of the text."""
    return lines[number] if 0 <= number < len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _line_above(lines: list[str], number: int) -> int | None:
    """The nearest line above `number` holding more than a comment, or None."""
    for above in range(min(number, len(lines)) - 1, -1, -1):
        text = lines[above].strip()
        if text and not text.startswith("#"):
            return above
    return None


def quoted(value: str) -> str:
    """`value` as a YAML quoted scalar that reads back as exactly `value`."""
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fix(key: str, value: str) -> str:
    """`key: 'value'`, the middle left out when it is long (the quoting is at the ends)."""
    fixed = f"{key}: {quoted(value)}" if key else quoted(value)
    if len(fixed) <= LONGEST_SHOWN:
        return fixed
    return fixed[: LONGEST_SHOWN - 25] + " \u2026 " + fixed[-20:]


def _spaces(count: int) -> str:
    return f"{count} space{'s' * (count != 1)}"


# What PyYAML's reader counts as a line break: NEL and the Unicode line and paragraph separators too.
YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def explain_yaml_error(error: yaml.MarkedYAMLError, text: str) -> SyntaxProblem:
    """Where and what to fix for a YAML syntax error in `text`."""
    lines = YAML_LINE_BREAK.split(text)  # as PyYAML counts lines, so its marks index these
    problem = error.problem or ""
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    stumble = _Stumble(problem, context, line, column, error.context_mark, lines)
    for explain in _EXPLANATIONS:
        found = explain(stumble)
        if found is not None:
            return found
    return SyntaxProblem(line, column, _in_plain_words(error))


def _in_plain_words(error: yaml.MarkedYAMLError) -> str:
    """PyYAML's own words, its tokens named as an editor would, and where the enclosing part starts."""
    what = error.problem or error.context or "invalid YAML"
    for token, name in TOKEN_NAMES.items():
        what = what.replace(token, name)
    started = error.context_mark
    if error.context and started and error.problem:
        what = f"{what} ({error.context}, which starts at line {started.line + 1}, column {started.column + 1})"
    return f"{what}; check the quoting and the indentation of this line and the one above"


def _tab(at: _Stumble) -> SyntaxProblem | None:
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    if "'\\t'" not in problem:
        return None
    if _text(lines, line)[:column].strip():
        return SyntaxProblem(line, column, "a tab before the value; YAML allows only spaces here: use a space")
    return SyntaxProblem(
        line, column, "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces"
    )


def _reserved_start(at: _Stumble) -> SyntaxProblem | None:
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found is None or found.group(1) not in RESERVED_STARTS:
        return None
    char = found.group(1)
    pair = _key_line(lines, line)
    value = pair.value if pair and pair.value_column == column else _text(lines, line)[column:].rstrip()
    key = pair.key if pair and pair.value_column == column else ""
    return SyntaxProblem(
        line,
        column,
        f"a value cannot start with '{char}' in YAML ({RESERVED_STARTS[char]}); put the whole value in quotes: "
        f"{_fix(key, value)}",
    )


def _alias_or_anchor_start(at: _Stumble) -> SyntaxProblem | None:
    context, started, lines = at.context, at.started, at.lines
    if context not in ("while scanning an alias", "while scanning an anchor") or started is None:
        return None
    char, meaning = ("*", "an alias, *name") if "alias" in context else ("&", "an anchor, &name")
    pair = _key_line(lines, started.line)
    is_value = pair is not None and pair.value_column == started.column
    value = pair.value if pair and is_value else _text(lines, started.line)[started.column :].rstrip()
    return SyntaxProblem(
        started.line,
        started.column,
        f"a value cannot start with '{char}' (YAML reads it as {meaning}); put the whole value in quotes: "
        f"{_fix(pair.key if pair and is_value else '', value)}",
    )


def _undefined_alias(at: _Stumble) -> SyntaxProblem | None:
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    found = re.match(r"found undefined alias '(.*)'", problem)
    if found is None:
        return None
    name = found.group(1)
    pair = _key_line(lines, line)
    fix = f"; if it is text, put the whole value in quotes: {_fix(pair.key, pair.value)}" if pair else ""
    return SyntaxProblem(line, column, f"'*{name}' names no anchor ('&{name}') above it{fix}")


def _colon_in_value(at: _Stumble) -> SyntaxProblem | None:
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    if problem != "mapping values are not allowed here":
        return None
    pair = _key_line(lines, line)
    if pair is not None and column > pair.value_column:
        return SyntaxProblem(
            line,
            column,
            "': ' inside a value (YAML reads what comes before it as a key); put the whole value in quotes: "
            f"{_fix(pair.key, pair.value)}",
        )
    above = _line_above(lines, line)
    if above is None:
        return None
    if DASH_WITHOUT_SPACE.match(lines[above]):
        dash = lines[above].index("-")
        return SyntaxProblem(
            above, dash, f"a list item needs a space after its '-': write '- {lines[above][dash + 1 :].strip()}'"
        )
    if KEY_WITHOUT_SPACE.match(lines[above]):
        key, _, value = lines[above].strip().partition(":")
        return SyntaxProblem(
            above, lines[above].index(":"), f"a key needs a space after its ':': write '{key}: {value.strip()}'"
        )
    previous = _key_line(lines, above)
    if pair is not None and previous is not None and pair.key_column > previous.key_column and previous.value:
        return SyntaxProblem(
            line,
            pair.key_column,
            f"'{pair.key}:' is indented more than '{previous.key}:' on line {above + 1}, so YAML reads it as more "
            f"of that value; indent it {_spaces(previous.key_column)}, like '{previous.key}:'",
        )
    return None


def _list_after_key(at: _Stumble) -> SyntaxProblem | None:
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    if problem != "sequence entries are not allowed here":
        return None
    pair = _key_line(lines, line)
    fix = f", or put the whole value in quotes: {_fix(pair.key, pair.value)}" if pair else ""
    return SyntaxProblem(
        line,
        column,
        f"a list cannot start on the line of its key; write each item on a line of its own below it, as '- item' "
        f"indented more than the key{fix}",
    )


def _keys_not_allowed(at: _Stumble) -> SyntaxProblem | None:
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    if problem != "mapping keys are not allowed here":
        return None
    pair = _key_line(lines, line)
    fix = f": {_fix(pair.key, pair.value)}" if pair else ""
    return SyntaxProblem(line, column, f"a value cannot start with '? ' in YAML; put the whole value in quotes{fix}")


def _value_goes_on(at: _Stumble) -> SyntaxProblem | None:
    """A value that starts with a quote mark or a bracket and goes on after its end: `quote: "safe" at home`."""
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    if problem != "expected <block end>, but found '<scalar>'":
        return None
    pair = _key_line(lines, line)
    if pair is None or not pair.value or column <= pair.value_column:
        return None
    first = pair.value[0]
    if first in "\"'":
        why = (
            f"the value starts with a quote mark, so YAML reads {_quoted_part(pair.value)} as the whole value and "
            "cannot read what follows it"
        )
    elif first in "[{":
        what = "list" if first == "[" else "mapping"
        why = f"the value starts with '{first}', which YAML reads as a {what}, and goes on after it"
    else:
        return None
    return SyntaxProblem(line, pair.value_column, f"{why}; put the whole value in quotes: {_fix(pair.key, pair.value)}")


def _quoted_part(value: str) -> str:
    """The quoted scalar `value` starts with, up to its closing quote mark."""
    mark, index = value[0], 1
    while index < len(value):
        if value[index] == "\\" and mark == '"':
            index += 2
            continue
        if value[index] == mark:
            if mark == "'" and value[index + 1 : index + 2] == "'":
                index += 2
                continue
            return value[: index + 1]
        index += 1
    return value


def _misindented(at: _Stumble) -> SyntaxProblem | None:
    """A key or list item at a level that matches nothing above it (`expected <block end>, but found ...`)."""
    problem, line, column, lines = at.problem, at.line, at.column, at.lines
    found = re.match(r"expected <block end>, but found '(.*)'", problem)
    if found is None or line >= len(lines):
        return None
    token = found.group(1)
    if token in ("-", "<block sequence start>"):
        return _misindented_item(line, column, lines)
    if token in ("?", "<block mapping start>", "<scalar>"):
        return _misindented_key(line, column, lines)
    return None


def _misindented_item(line: int, column: int, lines: list[str]) -> SyntaxProblem:
    for above in range(line - 1, -1, -1):
        text = lines[above]
        if text.lstrip(" ").startswith("- ") and _indent(text) != column:
            return SyntaxProblem(
                line,
                column,
                f"this list item is indented {_spaces(column)} and the items of the list above "
                f"{_spaces(_indent(text))} (line {above + 1}); indent its '-' like theirs",
            )
    return SyntaxProblem(
        line,
        column,
        "a list item ('- ') where YAML expects a key; put the list under a key ('key:', then the items indented "
        "below it)",
    )


def _key_line_above(lines: list[str], number: int) -> _KeyLine | None:
    """The nearest `key:` line above `number`, past the lines of a value written over several (`quote: >-`)."""
    above = _line_above(lines, number)
    while above is not None:
        found = _key_line(lines, above)
        if found is not None:
            return found
        above = _line_above(lines, above)
    return None


def _misindented_key(line: int, column: int, lines: list[str]) -> SyntaxProblem | None:
    previous = _key_line_above(lines, line)
    if previous is None:
        return None
    above = previous.number
    if previous.indent == column and previous.key_column > column:
        return SyntaxProblem(
            line,
            column,
            f"this key is indented like the '-' on line {above + 1}, so it belongs to no entry of the list; indent "
            f"it {_spaces(previous.key_column)} to add it to that entry, or start a new entry with '- '",
        )
    return SyntaxProblem(
        line,
        column,
        f"this line is indented {_spaces(column)}, which lines up with nothing above it ('{previous.key}:' on line "
        f"{above + 1} is indented {_spaces(previous.key_column)}); indent it with spaces like the keys it belongs "
        "with",
    )


def _no_colon(at: _Stumble) -> SyntaxProblem | None:
    problem, started, lines = at.problem, at.started, at.lines
    if problem != "could not find expected ':'" or started is None:
        return None
    text = _text(lines, started.line).strip()
    above = _line_above(lines, started.line)
    previous = _key_line(lines, above) if above is not None else None
    if previous is not None and previous.value and " " in text:
        return SyntaxProblem(
            started.line,
            started.column,
            f"this line has no 'key:'; if it goes on with the value of '{previous.key}' (line {previous.number + 1}), "
            f"indent it more than '{previous.key}:', or write the value on one line",
        )
    word = text.split()[0] if text else "key"
    return SyntaxProblem(started.line, started.column, f"'{word}' has no ':' after it; write '{word}: VALUE'")


def _unclosed_quote(at: _Stumble) -> SyntaxProblem | None:
    problem, context, line, column, started, lines = at.problem, at.context, at.line, at.column, at.started, at.lines
    if context not in ("while scanning a quoted scalar", "while scanning a double-quoted scalar") or started is None:
        return None
    if problem.startswith("found unknown escape character"):
        return SyntaxProblem(
            line,
            column - 1,
            "inside double quotes a backslash starts an escape, and this one means nothing to YAML; write '\\\\' "
            "for a backslash, or put the value in single quotes",
        )
    mark = _text(lines, started.line)[started.column : started.column + 1] or '"'
    inside = '\\"' if mark == '"' else "''"
    return SyntaxProblem(
        started.line,
        started.column,
        f"the quote mark {mark} that starts this value is never closed; end the value with {mark} "
        f"(a {mark} inside it is written {inside})",
    )


def _unclosed_flow(at: _Stumble) -> SyntaxProblem | None:
    context, line, column, started = at.context, at.line, at.column, at.started
    found = re.match(r"while parsing a flow (sequence|mapping)", context)
    if found is None or started is None:
        return None
    opening, closing = ("[", "]") if found.group(1) == "sequence" else ("{", "}")
    if line == started.line:
        return SyntaxProblem(
            line,
            column,
            f"YAML cannot read the {opening}...{closing} here past this point; put an item that holds a quote "
            f"mark, ': ', a comma or a bracket in quotes",
        )
    return SyntaxProblem(
        started.line,
        started.column,
        f"the '{opening}' here is never closed; end the list on its line with '{closing}'"
        if opening == "["
        else f"the '{opening}' here is never closed; end the mapping on its line with '{closing}'",
    )


def _block_scalar(at: _Stumble) -> SyntaxProblem | None:
    context, line, column, started, lines = at.context, at.line, at.column, at.started, at.lines
    if context != "while scanning a block scalar" or started is None:
        return None
    pair = _key_line(lines, started.line)
    fix = f", or put the whole value in quotes: {_fix(pair.key, pair.value)}" if pair else ""
    sign = _text(lines, started.line)[started.column : started.column + 1] or "|"
    return SyntaxProblem(
        line, column, f"after '{sign}' the text must start on the next line, indented more than the key{fix}"
    )


def _second_document(at: _Stumble) -> SyntaxProblem | None:
    problem, line, column = at.problem, at.line, at.column
    if problem != "but found another document":
        return None
    return SyntaxProblem(
        line, column, "a second document ('---') in this file; dossier reads one: remove this line or what follows it"
    )


_EXPLANATIONS = (
    _tab,
    _reserved_start,
    _alias_or_anchor_start,
    _undefined_alias,
    _colon_in_value,
    _keys_not_allowed,
    _list_after_key,
    _value_goes_on,
    _misindented,
    _no_colon,
    _unclosed_quote,
    _unclosed_flow,
    _block_scalar,
    _second_document,
)
