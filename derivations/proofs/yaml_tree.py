"""The front matter as plain data *with positions*, read by PyYAML's safe loader only.

PyYAML's ``safe_load`` forgets where a value was written and keeps the last of two equal keys;
here the document is composed once with ``yaml.SafeLoader`` (no Python objects, no tags),
scalars are resolved by its safe constructor, and every value remembers its ``line:col`` in the
file so that a declaration error points at the declaration.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .source import fail

MAX_NODES = 5000


@dataclass(frozen=True)
class Node:
    """A YAML value (``dict`` of str → Node, ``list`` of Node, or a scalar) and its position."""

    value: Any
    line: int
    column: int
    kind: str            # "map", "list" or "scalar"
    key: tuple[int, int] | None = None   # where its key is, for a value in a mapping


def load(path: str, text: str, first_line: int) -> Node:
    """The front matter ``text`` (starting on file line ``first_line``) as a :class:`Node`."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + first_line, mark.column + 1) if mark else (first_line, 1)
        problem = " ".join(str(exc.problem or exc.context or "malformed YAML").split())
        raise fail(path, line, col, f"expected valid YAML in the front matter ({problem})") from None
    except yaml.YAMLError as exc:
        raise fail(path, first_line, 1, f"expected valid YAML in the front matter ({exc})") from None
    if root is None:
        return Node({}, first_line, 1, "map")
    return _convert(path, root, loader, first_line, depth=0, budget=[MAX_NODES])


def _convert(path: str, node, loader, first_line: int, depth: int, budget: list) -> Node:
    import yaml

    line, col = node.start_mark.line + first_line, node.start_mark.column + 1
    budget[0] -= 1
    if budget[0] < 0:      # aliases can multiply a small text into a huge tree
        raise fail(path, line, col, f"expected a front matter of at most {MAX_NODES} values")
    if depth > 20:
        raise fail(path, line, col, "expected a front matter nested at most 20 levels deep")
    if node.tag not in _PLAIN_TAGS:
        raise fail(path, line, col, f"expected plain YAML values, got the tag {node.tag}")
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Node] = {}
        for key, value in node.value:
            k = _convert(path, key, loader, first_line, depth + 1, budget)
            if k.kind != "scalar" or not isinstance(k.value, str):
                raise fail(path, k.line, k.column, f"expected a name as key, got {k.value!r}")
            if k.value in out:
                raise fail(path, k.line, k.column, f"expected each key once, got {k.value!r} "
                           f"again (first on line {out[k.value].line})")
            v = _convert(path, value, loader, first_line, depth + 1, budget)
            at = (k.line, k.column) if v.kind == "scalar" and v.value is None else (v.line, v.column)
            out[k.value] = Node(v.value, *at, v.kind, key=(k.line, k.column))
        return Node(out, line, col, "map")
    if isinstance(node, yaml.SequenceNode):
        return Node([_convert(path, v, loader, first_line, depth + 1, budget) for v in node.value],
                    line, col, "list")
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise fail(path, line, col, f"expected a plain value ({' '.join(str(exc).split())})") \
            from None
    return Node(value, line, col, "scalar")


_PLAIN_TAGS = {"tag:yaml.org,2002:" + t for t in
               ("map", "seq", "str", "int", "float", "bool", "null")}
