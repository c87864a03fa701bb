"""CPython's "Did you mean" hint for a ``NameError``, as ``python main.py`` prints it.

CPython suggests the closest name among the module's globals and the builtins
when a weighted edit distance (a case change costs 1, any other edit 2) is
within about a third of the two names' lengths; otherwise it prints no hint.
The builtins are frozen here as CPython 3.11 holds them, in its order, so
that the hint does not depend on the interpreter that runs the pipeline
(3.12 moved the hint to Python and changed its first threshold).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

_EDIT = 2
_CASE = 1
_LONGEST = 40  # CPython gives up on longer names
_MODULE_NAMES = (
    "__name__ __doc__ __package__ __loader__ __spec__ __annotations__ __builtins__ "
    "__file__ __cached__"
)
_BUILTIN_NAMES = (
    "__name__ __doc__ __package__ __loader__ __spec__ __build_class__ __import__ abs all any "
    "ascii bin breakpoint callable chr compile delattr dir divmod eval exec format getattr "
    "globals hasattr hash hex id input isinstance issubclass iter aiter len locals max min "
    "next anext oct ord pow print repr round setattr sorted sum vars None Ellipsis "
    "NotImplemented False True bool memoryview bytearray bytes classmethod complex dict "
    "enumerate filter float frozenset property int list map object range reversed set slice "
    "staticmethod str super tuple type zip __debug__ BaseException BaseExceptionGroup "
    "Exception GeneratorExit KeyboardInterrupt SystemExit ArithmeticError AssertionError "
    "AttributeError BufferError EOFError ImportError LookupError MemoryError NameError "
    "OSError ReferenceError RuntimeError StopAsyncIteration StopIteration SyntaxError "
    "SystemError TypeError ValueError Warning FloatingPointError OverflowError "
    "ZeroDivisionError BytesWarning DeprecationWarning EncodingWarning FutureWarning "
    "ImportWarning PendingDeprecationWarning ResourceWarning RuntimeWarning SyntaxWarning "
    "UnicodeWarning UserWarning BlockingIOError ChildProcessError ConnectionError "
    "FileExistsError FileNotFoundError InterruptedError IsADirectoryError NotADirectoryError "
    "PermissionError ProcessLookupError TimeoutError IndentationError IndexError KeyError "
    "ModuleNotFoundError NotImplementedError RecursionError UnboundLocalError UnicodeError "
    "BrokenPipeError ConnectionAbortedError ConnectionRefusedError ConnectionResetError "
    "TabError UnicodeDecodeError UnicodeEncodeError UnicodeTranslateError ExceptionGroup "
    "EnvironmentError IOError open quit exit copyright credits license help"
)
MODULE_GLOBALS = tuple(_MODULE_NAMES.split())
BUILTINS = tuple(_BUILTIN_NAMES.split())


def _cost(a: str, b: str) -> int:
    if a == b:
        return 0
    return _CASE if a.lower() == b.lower() else _EDIT


def distance(a: str, b: str, limit: int) -> int:
    """CPython's weighted edit distance, or ``limit + 1`` once it is sure to exceed ``limit``."""
    if a == b:
        return 0
    # Common ends never change the distance; dropping them keeps the row short.
    while a and b and a[0] == b[0]:
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    if not a or not b:
        return _EDIT * (len(a) + len(b))
    if max(len(a), len(b)) > _LONGEST:
        return limit + 1
    if len(b) < len(a):
        a, b = b, a
    if (len(b) - len(a)) * _EDIT > limit:
        return limit + 1
    row = [_EDIT * (i + 1) for i in range(len(a))]
    result = 0
    for b_index, char in enumerate(b):
        # CPython starts each row's edge at b_index * cost rather than
        # (b_index + 1) * cost, so an edit at the front is cheaper than it
        # should be; its hints follow that, so ours do too ("mx" -> "max").
        diagonal = result = b_index * _EDIT
        lowest = None
        for index, other in enumerate(a):
            substitute = diagonal + _cost(char, other)
            diagonal = row[index]
            result = min(min(result, diagonal) + _EDIT, substitute)
            row[index] = result
            lowest = result if lowest is None else min(lowest, result)
        if lowest is not None and lowest > limit:
            return limit + 1
    return result


def _closest(wrong: str, names: Iterable[str]) -> str | None:
    best: str | None = None
    best_distance = 1 << 62
    for name in names:
        if name == wrong:
            continue
        limit = min((len(name) + len(wrong) + 3) * _EDIT // 6, best_distance - 1)
        found = distance(wrong, name, limit)
        if found <= limit and (best is None or found < best_distance):
            best, best_distance = name, found
    return best


@lru_cache(maxsize=4096)
def suggestion(wrong: str, defined: tuple[str, ...]) -> str | None:
    """The name CPython's hint offers for ``wrong``, given the module's own names in order
    (cached: the same misspellings of the same few names recur)."""
    if len(wrong) > _LONGEST:
        return None
    # CPython looks in the module's names first and only then in the builtins:
    # a close own name wins over a closer builtin ("vals" -> "values", not "vars").
    return _closest(wrong, (*MODULE_GLOBALS, *defined)) or _closest(wrong, BUILTINS)
