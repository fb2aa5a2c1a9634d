"""The expression whitelist.

SpiffWorkflow evaluates conditions, scripts and DMN cells with plain ``eval``/``exec``: it is not a sandbox
(``().__class__.__base__.__subclasses__()`` works). Every expression is therefore parsed and checked against this
whitelist before it may be loaded or run: no attribute access to dunders, no imports, no lambdas or definitions,
calls only to a few named functions. Nothing may blow up either: no powers, no repetition of a string or list
(``"a" * 10000000000`` fills the memory before any timeout), no huge numbers.
"""
import ast
from functools import lru_cache


from ..i18n import _l
from ..refusals import Refused
from .wording import names

SAFE_FUNCTIONS = {
    'min': min, 'max': max, 'abs': abs, 'round': round, 'len': len, 'int': int, 'float': float,
    'str': str, 'bool': bool, 'sum': sum, 'any': any, 'all': all, 'sorted': sorted,
}

_ALLOWED_NODES = (
    ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.Pass,
    ast.Name, ast.Load, ast.Store, ast.Constant, ast.Tuple, ast.List, ast.Dict, ast.Set,
    ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
    ast.IfExp, ast.Call, ast.Subscript, ast.Slice, ast.keyword,
)
MAX_EXPRESSION_LENGTH = 2000
MAX_NUMBER = 10 ** 12
_SEQUENCE_FUNCTIONS = {'str', 'sorted'}


class UnsafeExpression(Refused, ValueError):
    """An expression outside the whitelist; the message is shown to province staff."""


@lru_cache(maxsize=4096)
def check_expression(source: str, mode: str = 'eval') -> None:
    """Raise UnsafeExpression unless *source* uses only whitelisted syntax and functions."""
    if source is None:
        return
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression(_l('表达式过长（超过 %(limit)s 个字符）', limit=MAX_EXPRESSION_LENGTH))
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise UnsafeExpression(_l('表达式语法错误：%(reason)s', reason=exc.msg)) from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeExpression(_l('表达式中不允许使用 %(syntax)s', syntax=type(node).__name__))
        if isinstance(node, ast.Name) and node.id.startswith('_'):
            raise UnsafeExpression(_l('表达式中不允许使用以下划线开头的名称 %(name)s', name=node.id))
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in SAFE_FUNCTIONS):
                raise UnsafeExpression(_l('表达式只能调用以下函数：%(functions)s',
                                          functions=names(sorted(SAFE_FUNCTIONS))))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and '__' in node.value:
            raise UnsafeExpression(_l('表达式中的字符串不允许包含 "__"'))
        if (isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)
                and abs(node.value) > MAX_NUMBER):
            raise UnsafeExpression(_l('表达式中的数字 %(number)s 过大（绝对值不能超过 10^12）', number=node.value))
    _check_repetition(tree)


def _is_sequence(node, names) -> bool:
    """Whether *node* is visibly a string or list: a literal, str()/sorted(), a name assigned one, or built of them."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, bytes))
    if isinstance(node, (ast.List, ast.Tuple)):
        return True
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id in _SEQUENCE_FUNCTIONS
    if isinstance(node, ast.BinOp):
        return _is_sequence(node.left, names) or _is_sequence(node.right, names)
    if isinstance(node, ast.IfExp):
        return _is_sequence(node.body, names) or _is_sequence(node.orelse, names)
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Slice) and _is_sequence(node.value, names)
    return False


def _check_repetition(tree) -> None:
    """Refuse `sequence * n`: a constant factor needs no loop to exhaust the memory. Names a script assigns a
    string or list anywhere count as sequences (`s = "a"` then `s *= 10000000000`)."""
    names, grown = set(), True
    while grown:  # until no assignment makes another name a sequence
        grown = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _is_sequence(node.value, names):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in names:
                        names.add(target.id)
                        grown = True
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and _is_sequence(node.left, names):
            raise UnsafeExpression(_l('表达式中不允许用 % 格式化字符串'))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            repeated = _is_sequence(node.left, names) or _is_sequence(node.right, names)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Mult):
            repeated = _is_sequence(node.target, names) or _is_sequence(node.value, names)
        else:
            continue
        if repeated:
            raise UnsafeExpression(_l('表达式中不允许重复字符串或列表（如 "a" * 1000），结果可能大到耗尽内存'))


# --- Run-time guards -------------------------------------------------------------------------------------------
# What the parse check cannot see — a learner's text times a number, a value squared again and again — is bounded
# when it runs: every `*`, `+` and `%` of a diagram's expression is compiled into a call of the guards below, which
# refuse a result larger than MAX_RESULT_ITEMS characters or items, or an integer longer than MAX_RESULT_BITS bits.
MAX_RESULT_ITEMS = 100_000
MAX_RESULT_BITS = 256
_SIZED = (str, bytes, list, tuple)


def _too_big(value) -> bool:
    if isinstance(value, _SIZED):
        return len(value) > MAX_RESULT_ITEMS
    return isinstance(value, int) and value.bit_length() > MAX_RESULT_BITS


def _guard_mul(a, b):
    if isinstance(a, _SIZED) or isinstance(b, _SIZED):
        seq, times = (a, b) if isinstance(a, _SIZED) else (b, a)
        if isinstance(times, int) and len(seq) * times > MAX_RESULT_ITEMS:
            raise UnsafeExpression(_l('表达式的结果过大（超过 %(limit)s 个字符或元素）', limit=MAX_RESULT_ITEMS))
    elif isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_RESULT_BITS:
        raise UnsafeExpression(_l('表达式的结果过大（整数过长）'))
    return a * b


def _guard_add(a, b):
    result = a + b
    if _too_big(result):
        raise UnsafeExpression(_l('表达式的结果过大（超过 %(limit)s 个字符或元素）', limit=MAX_RESULT_ITEMS))
    return result


def _guard_mod(a, b):
    if isinstance(a, (str, bytes)):  # printf-style formatting: '%*d' % (10**9, 1) is a gigabyte
        raise UnsafeExpression(_l('表达式中不允许用 % 格式化字符串'))
    return a % b


GUARDS = {'_guard_mul': _guard_mul, '_guard_add': _guard_add, '_guard_mod': _guard_mod}
_GUARDED_OPS = {ast.Mult: '_guard_mul', ast.Add: '_guard_add', ast.Mod: '_guard_mod'}


class _Guard(ast.NodeTransformer):
    """`a * b` → `_guard_mul(a, b)`; `x *= y` → `x = _guard_mul(x, y)` (names starting with _ are refused in the
    diagrams' own text, so nothing there can reach or replace the guards)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        guard = _GUARDED_OPS.get(type(node.op))
        if guard is None:
            return node
        return ast.copy_location(ast.Call(ast.Name(guard, ast.Load()), [node.left, node.right], []), node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        guard = _GUARDED_OPS.get(type(node.op))
        if guard is None:
            return node
        current = ast.parse(ast.unparse(node.target), mode='eval').body  # the target, read
        call = ast.Call(ast.Name(guard, ast.Load()), [current, node.value], [])
        return ast.copy_location(ast.Assign([node.target], call), node)


@lru_cache(maxsize=4096)
def guarded_code(source: str, mode: str = 'eval'):
    """*source*, checked against the whitelist, compiled with its arithmetic guarded."""
    check_expression(source, mode)
    tree = ast.fix_missing_locations(_Guard().visit(ast.parse(source, mode=mode)))
    return compile(tree, '<diagram expression>', mode)
