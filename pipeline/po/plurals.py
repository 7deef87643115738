"""Plural-Forms expressions of gettext catalogs, read and judged as GNU msgfmt 0.21 does.

The `plural=` expression is a small C language (`n`, numbers, `! * / % + - < > <= >= == != && ||
?:` and parentheses). It is parsed here by a shift-reduce parser that keeps the same stack as
the bison parser of GNU gettext, so an expression nested deeper than that stack holds is refused
as msgfmt refuses it, and evaluated the way msgfmt checks it: for n = 0 … 1000, in C's unsigned
64-bit arithmetic, a division by zero stopping that evaluation. Nothing is ever handed to `eval`.
The parser reads each character once; the evaluation computes each node of the expression once,
for all 1001 values of n together, so both take time linear in the size of the expression.

Standard library only (Babel's plural rules are CLDR rules, not this C grammar)."""

from __future__ import annotations

import operator
import string
from dataclasses import dataclass
from typing import Callable, Iterator

WORD = 1 << 64  # C's unsigned long
_MASK = WORD - 1
_SIGN = 1 << 63  # a value at or above this is negative once msgfmt reads it as a signed long
CHECKED = 1001  # msgfmt evaluates the expression for n = 0 … 1000
STACK_LIMIT = 9999  # parser symbols that exhaust the 10,000 states of bison's stack (YYMAXDEPTH)

# binary operators and how tightly they bind (all associate to the left)
_BINDING = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
            "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
_SPACE = " \t"  # the only characters skipped between tokens
_END = ";\n"  # an expression ends here (or at the end of the text)
_SINGLE = set("n?:()*/%+-")
_C_SPACE = " \t\n\v\f\r"  # isspace() in the C locale


@dataclass(frozen=True)
class Node:
    """One operation of an expression: `op` is "n", "num", "!", "?:" or a binary operator;
    `args` are the indexes of its operands among the nodes before it."""

    op: str
    args: tuple[int, ...] = ()
    number: int = 0


@dataclass(frozen=True)
class Expression:
    """A parsed `plural=` expression: each operation after its operands, `root` the whole."""

    nodes: tuple[Node, ...]
    root: int


@dataclass(frozen=True)
class Fault:
    """The first n (counting from 0) for which msgfmt rejects the expression, and why:
    "division" (by zero), "negative", or "range" (`value` not below nplurals)."""

    kind: str
    n: int
    value: int = 0


def count_of(text: str) -> int | None:
    """The nplurals value at the start of `text` (what follows `nplurals=`): leading white space
    skipped, digits read as C's strtoul reads them (saturating at its maximum); None when no digit."""
    rest = text.lstrip(_C_SPACE)
    digits = len(rest) - len(rest.lstrip(string.digits))
    if digits == 0:
        return None
    return min(int(rest[:digits]), _MASK)


# --- reading ---------------------------------------------------------------------------------------


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """(kind, number) pairs ending with ("end", 0), or with ("error", 0) at a character msgfmt refuses."""
    position, length = 0, len(text)
    while True:
        while position < length and text[position] in _SPACE:
            position += 1
        if position == length or text[position] in _END:
            yield ("end", 0)
            return
        char = text[position]
        pair = text[position:position + 2]
        if char.isascii() and char.isdigit():
            start = position
            while position < length and text[position].isascii() and text[position].isdigit():
                position += 1
            yield ("num", int(text[start:position]) & _MASK)  # C accumulates modulo 2**64
            continue
        if pair in ("==", "!=", "&&", "||", "<=", ">="):
            yield (pair, 0)
            position += 2
        elif char in _SINGLE or char in "<>!":
            yield (char, 0)
            position += 1
        else:  # a lone "=", "&" or "|", or any other character
            yield ("error", 0)
            return


def parse(text: str) -> Expression | None:
    """The expression at the start of `text` (what follows `plural=`), or None where msgfmt says
    "invalid plural expression": a syntax error, or nesting deeper than its parser's stack."""
    nodes: list[Node] = []
    stack: list[int | str] = []  # the parser's symbols: an int is an expression (its node), a str a token

    def push(symbol: int | str) -> bool:
        stack.append(symbol)
        return len(stack) < STACK_LIMIT

    def node(op: str, args: tuple[int, ...] = (), number: int = 0) -> int:
        nodes.append(Node(op, args, number))
        return len(nodes) - 1

    for kind, number in _tokens(text):
        if kind == "error":
            return None
        if not stack or isinstance(stack[-1], str):  # an operand is due
            if kind in ("n", "num"):
                if not push(kind):
                    return None
                stack[-1] = node(kind, (), number)
            elif kind not in ("(", "!") or not push(kind):
                return None
            continue
        if kind in ("n", "num", "(", "!"):  # two operands in a row
            return None
        _reduce(stack, node, kind)
        if kind == "end":
            return Expression(tuple(nodes), stack[0]) if len(stack) == 1 else None  # type: ignore[arg-type]
        opening = {")": "(", ":": "?"}.get(kind)
        if opening is not None and (len(stack) < 2 or stack[-2] != opening):
            return None
        if not push(kind):
            return None
        if kind == ")":
            stack[-3:] = [stack[-2]]
    return None  # not reached: the tokens end with "end" or "error"


def _reduce(stack: list[int | str], node: Callable[..., int], ahead: str) -> None:
    """Fold the operations on top of the stack that bind tighter than the token `ahead`."""
    while len(stack) >= 2 and isinstance(stack[-1], int):
        below = stack[-2]
        if below == "!":
            stack[-2:] = [node("!", (stack[-1],))]
        elif below in _BINDING:
            if ahead in _BINDING and _BINDING[ahead] > _BINDING[below]:
                return
            stack[-3:] = [node(below, (stack[-3], stack[-1]))]
        elif below == ":" and ahead in (":", ")", "end"):  # `?:` groups to the right
            stack[-5:] = [node("?:", (stack[-5], stack[-3], stack[-1]))]
        else:  # after "(", "?", or ":" before "?" or an operator: wait for more
            return


# --- evaluating ------------------------------------------------------------------------------------

_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul}
_COMPARISON = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
               "==": operator.eq, "!=": operator.ne}
_DIVISION = {"/": operator.floordiv, "%": operator.mod}


@dataclass(frozen=True)
class Values:
    """What an expression gives for n = 0 … 1000 (`of_n[n]`), and for which n its evaluation stops
    on a division by zero (bit n of `faults`; `of_n[n]` then means nothing)."""

    of_n: list[int]
    faults: int = 0


def evaluate(expression: Expression) -> Values:
    """The values of the expression for n = 0 … 1000, each node computed once for all of them.
    Of two operands the larger is computed first, so that few results wait for their sibling at
    any time (at most about log2 of the number of nodes)."""
    nodes = expression.nodes
    sizes: list[int] = []
    for item in nodes:  # operands come before their operation
        sizes.append(1 + sum(sizes[index] for index in item.args))
    done: dict[int, Values] = {}
    todo = [(expression.root, False)]
    while todo:
        index, operands_done = todo.pop()
        item = nodes[index]
        if item.op == "n":
            done[index] = Values(list(range(CHECKED)))
        elif item.op == "num":
            done[index] = Values([item.number] * CHECKED)
        elif operands_done:
            done[index] = _apply(item.op, [done.pop(operand) for operand in item.args])
        else:
            todo.append((index, True))
            todo.extend((operand, False) for operand in sorted(item.args, key=sizes.__getitem__))
    return done[expression.root]


def _apply(op: str, operands: list[Values]) -> Values:
    if op == "!":
        return Values(list(map(operator.not_, operands[0].of_n)), operands[0].faults)
    if op == "?:":
        return _choice(*operands)
    left, right = operands
    if op in ("&&", "||"):
        return _logical(op, left, right)
    faults = left.faults | right.faults
    if op in _COMPARISON:
        return Values(list(map(_COMPARISON[op], left.of_n, right.of_n)), faults)
    if op in _ARITHMETIC:
        result = list(map(_ARITHMETIC[op], left.of_n, right.of_n))
        if min(result) < 0 or max(result) > _MASK:  # C wraps around modulo 2**64
            result = [value & _MASK for value in result]
        return Values(result, faults)
    divisors = right.of_n
    if 0 in divisors:
        faults |= _bits([not divisor for divisor in divisors])
        divisors = [divisor or 1 for divisor in divisors]
    return Values(list(map(_DIVISION[op], left.of_n, divisors)), faults)


def _logical(op: str, left: Values, right: Values) -> Values:
    """`&&` and `||` give 0 or 1, and evaluate their right operand only when the left one does not decide."""
    truth = list(map(bool, left.of_n))
    result = list(map(operator.and_ if op == "&&" else operator.or_, truth, map(bool, right.of_n)))
    faults = left.faults
    if right.faults:
        evaluated = _bits(truth) if op == "&&" else ~_bits(truth)
        faults |= right.faults & evaluated
    return Values(result, faults)


def _choice(condition: Values, then: Values, otherwise: Values) -> Values:
    """`?:` evaluates one branch for each n."""
    faults = condition.faults
    if then.faults or otherwise.faults:
        chosen = _bits(condition.of_n)
        faults |= (then.faults & chosen) | (otherwise.faults & ~chosen)
    return Values([a if c else b for c, a, b in zip(condition.of_n, then.of_n, otherwise.of_n)], faults)


def _bits(flags: list) -> int:
    """An int with bit n set where flags[n] is true."""
    return sum(1 << n for n, flag in enumerate(flags) if flag)


def first_fault(expression: Expression, nplurals: int) -> Fault | None:
    """Why msgfmt rejects the expression with `nplurals` forms, for the smallest n it tries that
    fails; None when every n = 0 … 1000 gives a form below nplurals."""
    result = evaluate(expression)
    limit = min(nplurals, _SIGN)  # msgfmt looks for a negative value first, then one too large
    wrong = next((n for n, value in enumerate(result.of_n) if value >= limit), CHECKED) \
        if max(result.of_n) >= limit else CHECKED
    stopped = (result.faults & -result.faults).bit_length() - 1 if result.faults else CHECKED
    if stopped <= wrong and stopped < CHECKED:
        return Fault("division", stopped)
    if wrong == CHECKED:
        return None
    value = int(result.of_n[wrong])
    return Fault("negative", wrong, value - WORD) if value >= _SIGN else Fault("range", wrong, value)
