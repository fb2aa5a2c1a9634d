"""The expression whitelist, and the budget every evaluation runs under.

SpiffWorkflow evaluates conditions, scripts and DMN cells with plain ``eval``/``exec``: it is not a sandbox
(``().__class__.__base__.__subclasses__()`` works). Every expression is therefore parsed and checked against this
whitelist before it may be loaded or run: no attribute access to dunders, no imports, no lambdas or definitions,
calls only to a few named functions, nothing nested deeper than MAX_DEPTH. Nothing may blow up either: no powers, no
repetition of a string or list (``"a" * 10000000000`` fills the memory before any timeout), no huge numbers.

Python cannot interrupt a single C call (``round(1, -10**12)`` computes 10**(10**12) before any timeout looks), so
what the parse check cannot see is bounded when it runs, in two ways:

- every step is cheap: each operator of a diagram's expression is compiled into a call of a guard below, and each
  allowed function is a wrapper; they refuse arguments that would make that one step expensive (round()'s ndigits
  beyond ±MAX_NDIGITS, int()/float() of a text longer than MAX_NUMBER_TEXT, sum() of anything but numbers, a key
  function other than these wrappers, str() with an encoding) and values larger than MAX_RESULT_ITEMS (characters of
  a text, items of a list counted into the lists inside it) or integers longer than MAX_RESULT_BITS. Lists, tuples,
  sets and dicts a diagram builds ([a, b]) or changes (d[k] = v) are measured the same way;
- the steps are counted: each guard and wrapper charges its work to the run's budget, and a run (one engine step of
  a request, one decision, one row of a publish trial: see ``budget``) may spend at most RUN_STEPS steps and
  RUN_SECONDS seconds inside expressions.
"""
import ast
import operator
import time
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from functools import lru_cache


from ..i18n import _l
from ..refusals import Refused
from .wording import names

MAX_EXPRESSION_LENGTH = 2000
MAX_NUMBER = 10 ** 12        # literals
MAX_DEPTH = 50               # nested syntax (a sum of 600 terms is 600 deep: too deep to compile and run)
MAX_RESULT_ITEMS = 10_000    # characters of a text; items of a list, tuple, set or dict, counted into nested ones
MAX_STORED_ITEMS = 50_000    # everything one script leaves in the task data
MAX_RESULT_BITS = 256        # integers
MAX_DECIMAL_DIGITS = 77      # a Decimal made an integer (round(d), int(d)): about MAX_RESULT_BITS
MAX_NDIGITS = 20             # round(x, ndigits)
MAX_NUMBER_TEXT = 100        # int("…"), float("…")
RUN_STEPS = 1_000_000        # work of one run (items touched), see budget()
RUN_SECONDS = 0.25           # time of one run inside expressions


class UnsafeExpression(Refused, ValueError):
    """An expression outside the whitelist; the message is shown to province staff."""


class ExpressionBudgetExceeded(UnsafeExpression):
    """A run spent more steps or time in expressions than its budget allows."""


# --- The whitelist (checked before a version is stored, and again before anything runs) ------------------------

_ALLOWED_NODES = (
    ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.Pass,
    ast.Name, ast.Load, ast.Store, ast.Constant, ast.Tuple, ast.List, ast.Dict, ast.Set,
    ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
    ast.IfExp, ast.Call, ast.Subscript, ast.Slice, ast.keyword,
)
_SEQUENCE_FUNCTIONS = {'str', 'sorted'}


def _parse(source: str, mode: str):
    try:
        return ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise UnsafeExpression(_l('表达式语法错误：%(reason)s', reason=exc.msg)) from None
    except (ValueError, RecursionError, MemoryError):  # a NUL character; nesting the parser itself gives up on
        raise UnsafeExpression(_l('表达式无法解析')) from None


def _check_depth(tree) -> None:
    """Compiling and running nest as deep as the syntax: refuse before Python's own recursion limit is reached."""
    depth = {tree: 1}
    for node in ast.walk(tree):  # breadth first: a parent before its children
        for child in ast.iter_child_nodes(node):
            depth[child] = depth[node] + 1
            if depth[child] > MAX_DEPTH:
                raise UnsafeExpression(_l('表达式嵌套过深（超过 %(limit)s 层，例如很长的连加），请拆成几步',
                                          limit=MAX_DEPTH))


def _root(target):
    """The name a subscript assignment changes (`d["a"][0] = …` → d), None for anything else."""
    while isinstance(target, ast.Subscript):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def _targets(node):
    """The single targets of an assignment, tuples unpacked."""
    todo = list(node.targets) if isinstance(node, ast.Assign) else [node.target]
    while todo:
        target = todo.pop()
        if isinstance(target, (ast.Tuple, ast.List)):
            todo.extend(target.elts)
        else:
            yield target


@lru_cache(maxsize=4096)
def check_expression(source: str, mode: str = 'eval') -> None:
    """Raise UnsafeExpression unless *source* uses only whitelisted syntax and functions."""
    if source is None:
        return
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression(_l('表达式过长（超过 %(limit)s 个字符）', limit=MAX_EXPRESSION_LENGTH))
    tree = _parse(source, mode)
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
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            for target in _targets(node):
                if isinstance(target, ast.Subscript) and _root(target) is None:
                    raise UnsafeExpression(_l('只能给数据项或其中的元素赋值（例如 d["k"] = 1）'))
    _check_depth(tree)
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


# --- The budget -----------------------------------------------------------------------------------------------

class _Budget:
    __slots__ = ('steps', 'spent', 'since')

    def __init__(self):
        self.steps, self.spent, self.since = 0, 0.0, None


_BUDGET: ContextVar[_Budget | None] = ContextVar('expression_budget', default=None)


@contextmanager
def budget(fresh: bool = False):
    """One budget for every expression evaluated inside: RUN_STEPS steps and RUN_SECONDS seconds spent in them
    (only the time inside expressions counts, so a slow database or a busy machine does not use it up). Nested
    calls share the outermost budget unless *fresh* (a trial of one cell); an evaluation outside any gets one of its
    own."""
    if _BUDGET.get() is not None and not fresh:
        yield
        return
    token = _BUDGET.set(_Budget())
    try:
        yield
    finally:
        _BUDGET.reset(token)


@contextmanager
def evaluating():
    """Time one evaluation against the current budget (see budget())."""
    with budget():
        spending = _BUDGET.get()
        if spending.since is not None:  # already timed by an evaluation around this one
            yield
            return
        spending.since = time.monotonic()
        try:
            _charge(1)
            yield
        finally:
            spending.spent += time.monotonic() - spending.since
            spending.since = None


def _charge(steps: int) -> None:
    spending = _BUDGET.get()
    if spending is None:
        return
    spending.steps += steps
    if spending.steps > RUN_STEPS:
        raise ExpressionBudgetExceeded(_l('表达式的计算量超出限额（%(limit)s 步）', limit=RUN_STEPS))
    if spending.since is not None and spending.spent + time.monotonic() - spending.since > RUN_SECONDS:
        raise ExpressionBudgetExceeded(_l('表达式运行超时（超过 %(limit)s 秒）', limit=RUN_SECONDS))


# --- Sizes ------------------------------------------------------------------------------------------------------

_SIZED = (str, bytes, list, tuple)
_NUMBERS = (int, float, Decimal)
_ONE = (int, float, bool, type(None), Decimal)


def weight(value, limit: int = MAX_RESULT_ITEMS) -> int:
    """About the work of copying, comparing or printing *value*: characters of a text, items of a list, tuple, set
    or dict counted into the ones inside it (a part that appears twice counts twice, as it prints), one for any other
    value. Counting stops soon after *limit*, so measuring costs at most about that much."""
    if type(value) in _ONE and not (type(value) is int and value.bit_length() > 64):
        return 1
    total, todo = 0, [value]
    while todo and total <= limit:
        item = todo.pop()
        if isinstance(item, (str, bytes)):
            total += 1 + len(item)
        elif isinstance(item, dict):
            total += 1 + 2 * len(item)
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 1 + len(item)
            todo.extend(item)
        elif isinstance(item, int):
            total += 1 + item.bit_length() // 64
        else:
            total += 1
    return total


def _too_big():
    return UnsafeExpression(_l('表达式的结果过大（超过 %(limit)s 个字符或元素）', limit=MAX_RESULT_ITEMS))


def _measured(value) -> None:
    """Charge the work of reading all of *value*; refuse one too large to read in one step."""
    size = weight(value)
    if size > MAX_RESULT_ITEMS:
        raise _too_big()
    _charge(size)


def checked(value):
    """*value* (a result), unless it is too large: charged by its size."""
    if isinstance(value, int) and value.bit_length() > MAX_RESULT_BITS:
        raise UnsafeExpression(_l('表达式的结果过大（整数过长）'))
    _measured(value)
    return value


def _deeper_than(value, limit: int) -> bool:
    todo = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            todo.extend((child, depth + 1) for child in (*item.keys(), *item.values()))
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend((child, depth + 1) for child in item)
    return False


def check_stored(context: dict, names) -> None:
    """What a script left in the task data can be stored and loaded again: each value it assigned (*names*) within
    MAX_RESULT_ITEMS, all of the task's data (a list it changed may be inside another) within MAX_STORED_ITEMS and
    nested at most MAX_DEPTH deep (the serializer recurses: scripts on several tasks could nest deeper and deeper)."""
    for name in names:
        if name in context:
            checked(context[name])
    data = list(context.values())
    if weight(data, MAX_STORED_ITEMS) > MAX_STORED_ITEMS:
        raise UnsafeExpression(_l('脚本存入的数据过多（超过 %(limit)s 个字符或元素）', limit=MAX_STORED_ITEMS))
    if _deeper_than(data, MAX_DEPTH):  # counted by weight() just now: at most MAX_STORED_ITEMS to walk
        raise UnsafeExpression(_l('脚本存入的数据嵌套过深（超过 %(limit)s 层）', limit=MAX_DEPTH))


# --- Run-time guards: every operator of a diagram's expression is compiled into one of these --------------------

def _guard_mul(a, b):
    _charge(2)
    if isinstance(a, _SIZED) or isinstance(b, _SIZED):
        seq, times = (a, b) if isinstance(a, _SIZED) else (b, a)
        if isinstance(times, int) and times > 0 and weight(seq) * times > MAX_RESULT_ITEMS:
            raise _too_big()
    elif isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_RESULT_BITS:
        raise UnsafeExpression(_l('表达式的结果过大（整数过长）'))
    return checked(a * b)


def _guard_mod(a, b):
    _charge(2)
    if isinstance(a, (str, bytes)):  # printf-style formatting: '%*d' % (10**9, 1) is a gigabyte
        raise UnsafeExpression(_l('表达式中不允许用 % 格式化字符串'))
    return checked(a % b)


def _arithmetic(operate):
    def guard(a, b):
        _charge(2)
        return checked(operate(a, b))
    return guard


_guard_add = _arithmetic(operator.add)
_guard_sub = _arithmetic(operator.sub)
_guard_div = _arithmetic(operator.truediv)
_guard_floordiv = _arithmetic(operator.floordiv)


def _guard_operand(value):
    """A comparison's operand: comparing reads all of it (`==` of two lists, `in` a list)."""
    _measured(value)
    return value


_guard_value = checked  # a list, tuple, set or dict the expression builds; a container it changed


# --- The allowed functions, each bounded ------------------------------------------------------------------------

def _number_text(function: str, value) -> None:
    if isinstance(value, (str, bytes)) and len(value) > MAX_NUMBER_TEXT:
        raise UnsafeExpression(_l('%(function)s() 的文字过长（超过 %(limit)s 个字符）', function=function,
                                  limit=MAX_NUMBER_TEXT))


def _whole(value) -> None:
    """A Decimal about to become an integer: Decimal('1E+999999999') would be a billion digits."""
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > MAX_DECIMAL_DIGITS:
        raise UnsafeExpression(_l('表达式的结果过大（整数过长）'))


def _key(key) -> None:
    if key is not None and key not in _WRAPPERS:
        raise UnsafeExpression(_l('key 只能是以下函数之一：%(functions)s', functions=names(sorted(SAFE_FUNCTIONS))))


def _round(number, ndigits=None):
    _charge(1)
    if ndigits is None:
        _whole(number)
    elif not (isinstance(ndigits, int) and -MAX_NDIGITS <= ndigits <= MAX_NDIGITS):
        raise UnsafeExpression(_l('round() 的小数位数应为 -%(limit)s 到 %(limit)s 之间的整数', limit=MAX_NDIGITS))
    return checked(round(number, ndigits))


def _int(*args, **kwargs):
    _charge(1)
    for value in (*args, *kwargs.values()):
        _number_text('int', value)
        _whole(value)
    return checked(int(*args, **kwargs))


def _float(*args):
    _charge(1)
    for value in args:
        _number_text('float', value)
    return float(*args)


def _str(*args):
    if len(args) > 1:  # str(b, encoding) decodes: only the plain conversion
        raise UnsafeExpression(_l('str() 只能有一个参数'))
    _measured(args)
    return checked(str(*args))


def _sum(iterable, /, start=0):
    _measured(iterable)
    items = list(iterable)
    if not isinstance(start, _NUMBERS) or not all(isinstance(item, _NUMBERS) for item in items):
        raise UnsafeExpression(_l('sum() 只能对数字求和'))  # lists or tuples added up: quadratic copying
    return checked(sum(items, start))


def _sorted(iterable, /, *, key=None, reverse=False):
    _key(key)
    _measured(iterable)
    return checked(sorted(iterable, key=key, reverse=reverse))


def _choosing(choose):
    """min()/max(): read everything once."""
    def wrapper(*args, **kwargs):
        _key(kwargs.get('key'))
        _measured(args)
        return choose(*args, **kwargs)
    return wrapper


def _reading(read):
    """any()/all(): read everything once."""
    def wrapper(iterable, /):
        _measured(iterable)
        return read(iterable)
    return wrapper


def _simple(function):
    """len(), bool(), abs(): one step."""
    def wrapper(value, /):
        _charge(1)
        return checked(function(value))
    return wrapper


SAFE_FUNCTIONS = {
    'min': _choosing(min), 'max': _choosing(max), 'abs': _simple(abs), 'round': _round, 'len': _simple(len),
    'int': _int, 'float': _float, 'str': _str, 'bool': _simple(bool), 'sum': _sum, 'any': _reading(any),
    'all': _reading(all), 'sorted': _sorted,
}
for _name, _function in SAFE_FUNCTIONS.items():  # error messages name the function as written: round(), not _round()
    _function.__name__ = _function.__qualname__ = _name
_WRAPPERS = frozenset(SAFE_FUNCTIONS.values())

GUARDS = {name: value for name, value in globals().items() if name.startswith('_guard_')}
_BINARY_GUARDS = {ast.Mult: '_guard_mul', ast.Add: '_guard_add', ast.Mod: '_guard_mod', ast.Sub: '_guard_sub',
                  ast.Div: '_guard_div', ast.FloorDiv: '_guard_floordiv'}


def _call(guard: str, args: list, where):
    return ast.copy_location(ast.Call(ast.Name(guard, ast.Load()), args, []), where)


class _Guard(ast.NodeTransformer):
    """`a * b` → `_guard_mul(a, b)`, `a < b` → `_guard_operand(a) < _guard_operand(b)`, `[a, b]` →
    `_guard_value([a, b])`, `x *= y` → `x = _guard_mul(x, y)`, `d[k] = v` → `d[k] = v; _guard_value(d)` (names
    starting with _ are refused in the diagrams' own text, so nothing there can reach or replace the guards)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        return _call(_BINARY_GUARDS[type(node.op)], [node.left, node.right], node)

    def visit_Compare(self, node):
        self.generic_visit(node)
        node.left = _call('_guard_operand', [node.left], node.left)
        node.comparators = [_call('_guard_operand', [c], c) for c in node.comparators]
        return node

    def _display(self, node):
        self.generic_visit(node)
        if isinstance(getattr(node, 'ctx', None), ast.Store):  # the targets of `a, b = …`
            return node
        return _call('_guard_value', [node], node)

    visit_List = visit_Tuple = visit_Set = visit_Dict = _display

    def visit_Assign(self, node):
        self.generic_visit(node)
        return self._stored(node)

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        current = ast.parse(ast.unparse(node.target), mode='eval').body  # the target, read
        assign = ast.copy_location(ast.Assign([node.target], _call(_BINARY_GUARDS[type(node.op)],
                                                                   [current, node.value], node)), node)
        return self._stored(assign)

    @staticmethod
    def _stored(node):
        roots = sorted({_root(t) for t in _targets(node) if isinstance(t, ast.Subscript)})
        return [node, *(ast.copy_location(ast.Expr(_call('_guard_value', [ast.Name(root, ast.Load())], node)), node)
                        for root in roots)]


@lru_cache(maxsize=4096)
def guarded_code(source: str, mode: str = 'eval'):
    """*source*, checked against the whitelist, compiled with every operation guarded."""
    check_expression(source, mode)
    tree = ast.fix_missing_locations(_Guard().visit(_parse(source, mode)))
    try:
        return compile(tree, '<diagram expression>', mode)
    except (RecursionError, MemoryError, SyntaxError, ValueError):
        raise UnsafeExpression(_l('表达式无法编译')) from None


@lru_cache(maxsize=4096)
def assigned_names(source: str) -> tuple[str, ...]:
    """The names a script assigns or changes (check_stored measures them after it ran)."""
    found = set()
    for node in ast.walk(_parse(source, 'exec')):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            found.update(filter(None, (_root(t) for t in _targets(node))))
    return tuple(sorted(found))


def reason(exc: BaseException):
    """Why an evaluation failed, in words for people: the engine's own wrapper (a WorkflowTaskException around the
    real error) taken off."""
    seen = set()
    while (type(exc).__module__.startswith('SpiffWorkflow') and id(exc) not in seen
           and (exc.__cause__ or exc.__context__) is not None):
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    if isinstance(exc, Refused):
        return exc.message
    if isinstance(exc, ZeroDivisionError):
        return _l('除数为零')
    if isinstance(exc, NameError):
        return _l('数据项“%(name)s”不存在', name=getattr(exc, 'name', None) or exc)
    if isinstance(exc, KeyError):
        return _l('数据中没有“%(key)s”', key=exc.args[0] if exc.args else '')
    if isinstance(exc, IndexError):
        return _l('下标超出范围')
    if isinstance(exc, TypeError):
        return _l('数据类型不符：%(detail)s', detail=exc)
    if isinstance(exc, (OverflowError, InvalidOperation)):
        return _l('数值超出范围或无效')
    if isinstance(exc, ValueError):
        return _l('数值无效：%(detail)s', detail=exc)
    if isinstance(exc, RecursionError):
        return _l('表达式嵌套过深')
    if isinstance(exc, MemoryError):
        return _l('内存不足')
    return _l('%(error)s：%(detail)s', error=type(exc).__name__, detail=exc)
