"""The expression whitelist: Python's `ast` parse of the text, walked node by node.

Nothing is ever evaluated by Python (no eval/exec/compile-to-code, no arithmetic on Python
ints): every accepted node becomes a PyTensor graph node, every other one an ExpressionError
with the column of the offending text. Every literal becomes a float64 graph constant, so
`9**9**9**9` is at worst `inf`.
"""

from __future__ import annotations

import ast
import math
import operator
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytensor.tensor.variable import TensorVariable

MAX_LENGTH = 500
# Levels of nested operations. Rewrite time grows steeply with nesting: 30-level towers
# (x**x**..., sin(x)**sin(x)**..., (x+(x+...)**2)**2) compile in 1-2 s here, 40 levels in
# ~6 s, 60 levels in ~19 s. Nobody types 30 levels by hand.
MAX_DEPTH = 30

VARIABLE = "x"
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
# Names of pytensor.tensor functions. Only names here: this module is imported by `grad
# --help` and the window, which must not pay for importing PyTensor (~1 s cold).
FUNCTIONS: tuple[str, ...] = (
    "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "abs"
)  # fmt: skip
_BINARY_OPS: dict[type[ast.operator], Callable[[TensorVariable, TensorVariable], TensorVariable]]
_BINARY_OPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}  # fmt: skip
# A chain of one family (x+x-x..., a*b/c) is flat to the reader and counts as one level.
_CHAIN_FAMILIES = {ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product"}
# Child nodes that carry no position and add no nesting (operators, load/store context).
_SYNTAX_ONLY = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)
# Plain words for the constructs a user is most likely to type by accident.
_NODE_WORDS: dict[type, str] = {
    getattr(ast, name): words
    for names, words in [
        ("Subscript Slice", "indexing and slices"), ("Lambda", "lambda functions"),
        ("ListComp SetComp DictComp GeneratorExp", "comprehensions"),
        ("JoinedStr FormattedValue", "f-strings"), ("NamedExpr", "assignments (:=)"),
        ("Compare", "comparisons"), ("BoolOp", "'and'/'or'"), ("IfExp", "'if'/'else'"),
        ("List Set Dict", "lists, sets and dicts"), ("Starred", "'*' arguments"),
        ("Await Yield YieldFrom", "'await'/'yield'"),
    ]
    for name in names.split()
}  # fmt: skip


class ExpressionError(ValueError):
    """A rejected expression: a plain-words message and the 1-based column of the problem."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column


def build_graph_of(text: str, x: TensorVariable) -> TensorVariable:
    """The graph of ``text`` as a function of ``x``, or ExpressionError saying what is wrong."""
    tree, source = _parse_ast(text)
    _check_depth(tree.body, source)
    return _Builder(source, x).build(tree.body)


class _Source:
    """The single line Python parses, with columns mapped back to the user's text."""

    def __init__(self, line: str, prefix: int) -> None:
        self.line, self.prefix = line, prefix
        self._bytes = line.encode("utf-8")

    def column(self, byte_offset: int) -> int:
        """1-based column in the user's text of an ast offset (which counts UTF-8 bytes)."""
        return self.prefix + len(self._bytes[:byte_offset].decode("utf-8", "ignore")) + 1

    def between(self, start: int, end: int) -> tuple[str, int]:
        """The token between two nodes (an operator) and its byte offset."""
        gap = self._bytes[start:end].decode("utf-8", "ignore")
        token = gap.strip(" \t\f()")
        return token, start + len(gap[: gap.find(token)].encode("utf-8"))


def _parse_ast(text: str) -> tuple[ast.Expression, _Source]:
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text", 1)
    if len(text) > MAX_LENGTH:
        message = f"the expression is too long ({len(text)} characters; at most {MAX_LENGTH})"
        raise ExpressionError(message, MAX_LENGTH + 1)
    body = text.rstrip()
    line = body.lstrip()  # Python rejects leading spaces as an indent
    prefix = len(body) - len(line)
    if not line:
        raise ExpressionError("the expression is empty", 1)
    for index, char in enumerate(line):
        if "\ud800" <= char <= "\udfff":
            # A byte that is not UTF-8 (Python keeps it as a lone surrogate from argv).
            raise ExpressionError(
                "invalid text: the expression is not valid UTF-8 here", prefix + index + 1
            )
        if char in "\r\n\x00":
            what = "a null character" if char == "\x00" else "a line break"
            raise ExpressionError(
                f"the expression must be one line; found {what}", prefix + index + 1
            )
    if "^" in line:
        raise ExpressionError(
            "use ** for powers ('^' is not a power in Python)", prefix + line.find("^") + 1
        )
    try:
        # "1if x" only warns; as an error it reaches the user as a located SyntaxError
        # instead of a stray line on stderr.
        with warnings.catch_warnings():
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(line, mode="eval")
    except SyntaxError as error:
        raise _syntax_error(error, line, prefix) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply", prefix + 1) from None
    return tree, _Source(line, prefix)


def _syntax_error(error: SyntaxError, line: str, prefix: int) -> ExpressionError:
    if not error.offset:  # eval mode reports running out of input at offset 0
        return ExpressionError("syntax error: the expression ends too soon", prefix + len(line) + 1)
    column = min(error.offset, len(line) + 1)  # SyntaxError offsets count characters
    message = f"syntax error: {error.msg}"
    if error.msg == "invalid decimal literal":
        message += " (put * between a number and a name: 2*x)"
    return ExpressionError(message, prefix + column)


def _check_depth(root: ast.AST, source: _Source) -> None:
    """Reject deep nesting before any recursion (ours, PyTensor's) or slow compile starts.

    Levels are operations: names and numbers add none, and a chain of one operator family
    counts once; towers such as x**x**x or x/(1+x/(1+...)) count every level.
    """
    stack: list[tuple[ast.AST, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            message = f"the expression is nested too deeply (more than {MAX_DEPTH} levels)"
            raise ExpressionError(message, source.column(getattr(node, "col_offset", 0)))
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SYNTAX_ONLY):
                continue
            flat = _same_chain(node, child) or isinstance(child, ast.Name | ast.Constant)
            stack.append((child, depth if flat else depth + 1))


def _same_chain(parent: ast.AST, child: ast.AST) -> bool:
    if not (isinstance(parent, ast.BinOp) and isinstance(child, ast.BinOp)):
        return False
    family = _CHAIN_FAMILIES.get(type(parent.op))
    return family is not None and family == _CHAIN_FAMILIES.get(type(child.op))


class _Builder:
    """Walks a parsed tree, checking each node against the whitelist as it builds the graph."""

    def __init__(self, source: _Source, x: TensorVariable) -> None:
        import pytensor.tensor as pt  # only when a graph is built (see FUNCTIONS)

        self._source, self._x, self._pt = source, x, pt

    def _error(self, message: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(message, self._source.column(getattr(node, "col_offset", 0)))

    def build(self, node: ast.AST) -> TensorVariable:
        if isinstance(node, ast.BinOp):
            operation = _BINARY_OPS.get(type(node.op))
            if operation is None:
                token, offset = self._source.between(
                    node.left.end_col_offset, node.right.col_offset
                )
                raise ExpressionError(
                    f"operator '{token}' is not allowed; use + - * / **",
                    self._source.column(offset),
                )
            return operation(self.build(node.left), self.build(node.right))
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub | ast.UAdd):
                operand = self.build(node.operand)
                return -operand if isinstance(node.op, ast.USub) else operand
            token, _ = self._source.between(node.col_offset, node.operand.col_offset)
            raise self._error(f"operator '{token}' is not allowed; use + - * / **", node)
        if isinstance(node, ast.Constant):
            return self._number(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Attribute):
            # Point at the dot, not at the start of whatever owns the attribute.
            _, offset = self._source.between(node.value.end_col_offset, node.end_col_offset)
            raise ExpressionError("attribute access is not allowed", self._source.column(offset))
        if isinstance(node, ast.Tuple):
            raise self._error("commas are not allowed (use '.' for decimals)", node)
        words = _NODE_WORDS.get(type(node), f"'{type(node).__name__}' nodes")
        raise self._error(
            f"{words} are not allowed; use numbers, x, + - * / ** and functions", node
        )

    def _number(self, node: ast.Constant) -> TensorVariable:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "text (strings) is" if isinstance(value, str | bytes) else f"{value!r} is"
            if isinstance(value, complex):
                kind = "complex numbers are"
            raise self._error(f"{kind} not allowed; only real numbers", node)
        try:
            number = float(value)  # the only use we make of a Python int
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self._error("number too large", node)
        return self._pt.constant(number, dtype="float64")

    def _name(self, node: ast.Name) -> TensorVariable:
        if node.id == VARIABLE:
            return self._x
        if node.id in CONSTANTS:
            return self._pt.constant(CONSTANTS[node.id], dtype="float64")
        if node.id in FUNCTIONS:
            raise self._error(f"'{node.id}' is a function; call it like {node.id}(x)", node)
        constants = ", ".join(CONSTANTS)
        message = f"unknown name '{node.id}'; 'x' is the only variable (constants: {constants})"
        raise self._error(message, node)

    def _call(self, node: ast.Call) -> TensorVariable:
        allowed = ", ".join(FUNCTIONS)
        if isinstance(node.func, ast.Attribute):
            self.build(node.func)  # raises, pointing at the attribute name
        if not isinstance(node.func, ast.Name):
            raise self._error(f"only named functions can be called: {allowed}", node)
        name = node.func.id
        if name == VARIABLE or name in CONSTANTS:
            raise self._error(f"'{name}' is not a function; write {name}*(...) to multiply", node)
        if name not in FUNCTIONS:
            raise self._error(f"unknown function '{name}'; allowed: {allowed}", node)
        if node.keywords:
            raise self._error(f"{name}() takes no keyword arguments", node.keywords[0])
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise self._error(f"{name}() takes exactly one argument", node)
        return getattr(self._pt, name)(self.build(node.args[0]))
