"""A safe YAML reader that remembers where every value came from.

PyYAML's ``safe_load`` forgets positions and silently keeps the last of two
duplicate keys. This reader composes the node graph with ``SafeLoader`` (so only
safe tags are constructed), turns it into plain Python values itself, records
line and column for every key and value, and refuses duplicate keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from casuslab.errors import InputError, Location
from casuslab.i18n import N_, _, os_reason

PathKey = tuple  # a path into the data: ("stages", 0, "questions", 1, "id")


@dataclass
class Positions:
    """Line/column (1-based) of every value, of every mapping key, and of every mapping's start."""

    path: str
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def value(self, loc: PathKey) -> Location:
        """Where the value at ``loc`` starts; falls back to the nearest enclosing node."""
        loc = tuple(loc)
        while loc not in self.values and loc:
            loc = loc[:-1]
        line, col = self.values.get(loc, (1, 1))
        return Location(self.path, line, col)

    def key(self, loc: PathKey) -> Location:
        """Where the key of the mapping entry at ``loc`` is; else where its value is."""
        loc = tuple(loc)
        if loc in self.keys:
            line, col = self.keys[loc]
            return Location(self.path, line, col)
        return self.value(loc)

    def mapping(self, loc: PathKey) -> Location:
        """The first line of the mapping at ``loc`` (line 1 for the top level)."""
        loc = tuple(loc)
        if not loc:
            return Location(self.path, 1, 1)
        return self.value(loc)


@dataclass
class LoadedYaml:
    data: Any
    positions: Positions


class YamlProblem(InputError):
    """The file is not valid YAML (or not the YAML we accept); carries a stable code."""

    def __init__(self, code: str, message: str, location: Location):
        super().__init__(message, location)
        self.code = code


# libyaml's loader is ~13x faster and keeps the same marks; fall back to pure Python.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, positions: Positions):
        self.loader = loader
        self.positions = positions

    def build(self, node: yaml.Node, loc: PathKey) -> Any:
        self.positions.values[loc] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,)) for i, item in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, loc: PathKey) -> dict:
        result: dict = {}
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(
                    "CL003",
                    _("YAML merge keys ('<<') are not supported in scenarios; write the fields out"),
                    Location(self.positions.path, *_mark(key_node)),
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(
                    "CL003",
                    _("a key must be a plain word, not a list or a mapping"),
                    Location(self.positions.path, *_mark(key_node)),
                )
            key = self.loader.construct_object(key_node)
            if key in seen:
                first_line = seen[key].start_mark.line + 1
                raise YamlProblem(
                    "CL002",
                    _("duplicate key '{key}' (first given on line {line}); "
                      "YAML would silently keep only the last one: remove or rename one of them").format(
                        key=key, line=first_line),
                    Location(self.positions.path, *_mark(key_node)),
                )
            seen[key] = key_node
            self.positions.keys[loc + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, loc + (key,))
        return result


# What the YAML parser says (English, from PyYAML/libyaml), for the problems trainers meet most.
_PARSER_PROBLEMS = {
    "did not find expected node content": N_("a value is missing or starts with a character YAML does not allow"),
    "did not find expected key": N_("a field is missing where YAML expects one"),
    "did not find expected '-' indicator": N_("a list item does not start with '- '"),
    "found character that cannot start any token": N_("a character that cannot start a value (quote the text)"),
    "found unexpected end of stream": N_("the file ends in the middle of a text (a quote is not closed?)"),
    "could not find expected ':'": N_("a field has no ':' after its name"),
    "found undefined alias": N_("an alias (*name) names no anchor (&name)"),
    "found duplicate anchor": N_("an anchor (&name) is defined twice"),
    "expected <block end>": N_("a line is not indented like the lines around it"),
    "expected ',' or ']'": N_("a list between [ and ] is not closed with ']'"),
    "expected ',' or '}'": N_("a mapping between { and } is not closed with '}'"),
}


def _parser_problem(problem: str) -> str:
    """The parser's problem in the user's language when it is a common one; else as the parser says it."""
    for english, message in _PARSER_PROBLEMS.items():
        if english in problem:
            return _(message)
    return problem


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or str(exc)).strip()
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    leading = source_line[: len(source_line) - len(source_line.lstrip())]
    if "\t" in leading or source_line[col - 1 : col] == "\t" or "\\t" in problem:
        return YamlProblem(
            "CL004",
            _("a tab character is used for indentation; YAML only allows spaces: replace the tab by spaces"),
            Location(path, line, col),
        )
    if "mapping values are not allowed" in problem and ": " not in source_line[: max(col - 1, 0)]:
        return YamlProblem(
            "CL001",
            _("this line is indented further than the field above it: "
              "fields of one mapping must start in the same column"),
            Location(path, line, col),
        )
    if "mapping values are not allowed" in problem:
        return YamlProblem(
            "CL005",
            _("a ': ' (colon and space) inside a text makes YAML read it as a new field; "
              "put the whole text between quotes, or use '|' and write the text on the next lines"),
            Location(path, line, col),
        )
    if "found another document" in problem:
        return YamlProblem("CL001", _("the file holds more than one YAML document (a line '---' or '...'); a scenario "
                                      "is one document: remove that line and what does not belong after it"),
                           Location(path, line, col))
    if "could not determine a constructor" in problem:
        return YamlProblem("CL001", _("a YAML tag (a word after '!' or '!!') is not allowed here: remove it, or put "
                                      "the text between quotes"), Location(path, line, col))
    if "found duplicate anchor" in problem or "found undefined alias" in problem:
        return YamlProblem("CL001", _("YAML error: {problem}").format(problem=_parser_problem(problem)),
                           Location(path, line, col))
    if source_line.strip().startswith(("- ", "-")) or "expected <block end>" in problem or "did not find expected" in problem:
        message = _("this is not valid YAML: {problem} (check the indentation: items of one list or mapping "
                    "must start in the same column)")
    else:
        message = _("this is not valid YAML: {problem}")
    return YamlProblem("CL001", message.format(problem=_parser_problem(problem)), Location(path, line, col))


def parse_yaml(text: str, path: str) -> LoadedYaml:
    """Parse YAML text into plain values with positions. Raises YamlProblem."""
    positions = Positions(path)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise YamlProblem("CL006", _("the file is empty: expected a YAML mapping with the scenario's fields"),
                          Location(path, 1, 1))
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise YamlProblem("CL006", _("the file is empty: expected a YAML mapping"), Location(path, 1, 1))
        data = _Builder(loader, positions).build(node, ())
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, path, text) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML errors without a mark
        raise YamlProblem("CL001", _("this is not valid YAML: {problem}").format(problem=exc),
                          Location(path, 1, 1)) from None
    finally:
        loader.dispose()
    return LoadedYaml(data, positions)


def read_yaml(path: Path | str, *, display: str | None = None) -> LoadedYaml:
    """Read a YAML file as UTF-8; every failure becomes a YamlProblem with a location."""
    path = Path(path)
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise YamlProblem("CL007", _("file not found"), Location(shown)) from None
    except OSError as exc:
        raise YamlProblem("CL007", _("cannot read the file: {reason}").format(reason=os_reason(exc)),
                          Location(shown)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            "CL008",
            _("the file is not UTF-8 text (perhaps saved as Windows-1252/Latin-1): "
              "save it again with UTF-8 encoding"),
            Location(shown, line, col),
        ) from None
    return parse_yaml(text, shown)
