"""Form expressions (visible_if, required_if): a JSON-Logic subset, checked at publish, evaluated on the server.

The evaluator is maykin-json-logic-py (Open Forms' choice); this module is the only place that knows it,
so a swap stays local. Only the operators below are allowed: enough for conditions on answers, none that
loop or call out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from json_logic import jsonLogic

from tongban.core.errors import InvalidInput

OPERATORS = frozenset({"var", "==", "!=", "<", "<=", ">", ">=", "in", "and", "or", "!", "!!", "missing"})


def variables(tree: Any) -> set[str]:
    """The variable names an expression reads (first segment of dotted names)."""
    found: set[str] = set()
    if isinstance(tree, dict):
        for op, args in tree.items():
            if op == "var":
                name = args[0] if isinstance(args, list) and args else args
                if isinstance(name, str) and name:
                    found.add(name.split(".")[0])
            elif op == "missing":
                for name in args if isinstance(args, list) else [args]:
                    if isinstance(name, str):
                        found.add(name.split(".")[0])
            else:
                found |= variables(args)
    elif isinstance(tree, list):
        for arg in tree:
            found |= variables(arg)
    return found


def check(tree: Any, *, known: Iterable[str], where: str, where_en: str = "") -> None:
    """Refuse an expression with an unknown operator or variable (InvalidInput naming `where`, and
    `where_en` in the English message when given)."""
    place = (where, where_en or where)
    _check_ops(tree, place)
    unknown = sorted(variables(tree) - set(known))
    if unknown:
        raise InvalidInput(
            f"{where}：条件引用了不存在的字段 {'、'.join(unknown)}",
            f"{place[1]}: the condition refers to unknown fields {', '.join(unknown)}",
        )


def _check_ops(tree: Any, place: tuple[str, str]) -> None:
    where, where_en = place
    if isinstance(tree, dict):
        if len(tree) != 1:
            raise InvalidInput(f"{where}：条件格式不正确", f"{where_en}: the condition is malformed")
        ((op, args),) = tree.items()
        if op not in OPERATORS:
            raise InvalidInput(f"{where}：不支持的运算“{op}”", f"{where_en}: unsupported operator “{op}”")
        if op != "var":
            _check_ops(args, place)
    elif isinstance(tree, list):
        for arg in tree:
            _check_ops(arg, place)
    elif not (tree is None or isinstance(tree, str | int | float | bool)):
        raise InvalidInput(f"{where}：条件格式不正确", f"{where_en}: the condition is malformed")


def evaluate(tree: Any, data: Mapping[str, Any]) -> bool:
    """Truthiness of an expression over the answers; an empty expression is true."""
    if tree in (None, {}, True):
        return True
    return bool(jsonLogic(tree, dict(data)))
