"""The expression whitelist.

SpiffWorkflow evaluates conditions, scripts and DMN cells with plain ``eval``/``exec``: it is not a sandbox
(``().__class__.__base__.__subclasses__()`` works). Every expression is therefore parsed and checked against this
whitelist before it may be loaded or run: no attribute access to dunders, no imports, no lambdas or definitions,
calls only to a few named functions.
"""
import ast
from functools import lru_cache

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


class UnsafeExpression(ValueError):
    """An expression outside the whitelist; the message is shown to province staff."""


@lru_cache(maxsize=4096)
def check_expression(source: str, mode: str = 'eval') -> None:
    """Raise UnsafeExpression unless *source* uses only whitelisted syntax and functions."""
    if source is None:
        return
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression(f'表达式过长（超过 {MAX_EXPRESSION_LENGTH} 个字符）')
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise UnsafeExpression(f'表达式语法错误：{exc.msg}') from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeExpression(f'表达式中不允许使用 {type(node).__name__}')
        if isinstance(node, ast.Name) and node.id.startswith('_'):
            raise UnsafeExpression(f'表达式中不允许使用以下划线开头的名称 {node.id}')
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in SAFE_FUNCTIONS):
                raise UnsafeExpression('表达式只能调用以下函数：' + '、'.join(sorted(SAFE_FUNCTIONS)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and '__' in node.value:
            raise UnsafeExpression('表达式中的字符串不允许包含 "__"')
