"""The op index: every public name, the Function whose backward it runs, and where that is derived.

A learner reading ``nn.LSTM`` or ``a @ b`` wants the backward formula in one jump. This
module builds that map from the code itself, so it cannot drift from it:

- the public surfaces: ``minigrad.x``, ``nn.X`` (its ``forward``), ``F.x``, the Tensor
  methods and the operators (``a @ b`` is ``Tensor.__matmul__``, installed by
  ``minigrad/ops/__init__.py`` from each family's ``TENSOR_METHODS``);
- for each, the names its code refers to (its bytecode's global and attribute names, nested
  functions included), resolved in its module: a ``Function`` subclass named there is applied
  directly; a minigrad function or layer named there is called, and is followed in turn;
- for each ``Function``, the file and line of its class, where the docstring derives the
  backward, and the registry entries (``minigrad/testing/entries``) that check it.

The reading is static and over-approximates: a name in an error branch or in the other arm of
an ``if`` counts too (``F.linear`` lists both its fused node and MatMul + Add). It never
misses a Function named in the code it reads.

    python -m minigrad.testing --index          # print the table
    python -m minigrad.testing --index FILE     # write it (docs/op-index.md)
"""

import dis
import functools
import inspect
import os
import types

from ..autograd.function import Function

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the minigrad package
MAX_DEPTH = 4  # how far a composition is followed (a Transformer reaches its Functions in 3)


def rel_path(path):
    """A file of the package as ``ops/conv.py`` (relative to minigrad/)."""
    return os.path.relpath(os.path.abspath(path), ROOT).replace(os.sep, "/")


@functools.lru_cache(maxsize=None)
def where(cls):
    """``ops/conv.py:123``: the file and first line of a class or function."""
    try:
        path = inspect.getsourcefile(cls)
        _, line = inspect.getsourcelines(cls)
    except (OSError, TypeError):
        return "?"
    return f"{rel_path(path)}:{line}"


def is_function_class(obj):
    return isinstance(obj, type) and issubclass(obj, Function) and obj is not Function


def is_minigrad(obj):
    module = getattr(obj, "__module__", None) or ""
    return module == "minigrad" or module.startswith("minigrad.")


def code_objects(fn):
    """The code object of a function and of every function nested in it."""
    code = getattr(fn, "__code__", None)
    stack, result = ([code] if code is not None else []), []
    while stack:
        c = stack.pop()
        result.append(c)
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return result


def unwrap(obj):
    """The plain function behind a method, staticmethod, property or decorated function."""
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if isinstance(obj, property):
        obj = obj.fget
    obj = getattr(obj, "__func__", obj)
    return inspect.unwrap(obj) if callable(obj) else obj


BINARY = {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__", "//": "__floordiv__",
          "%": "__mod__", "**": "__pow__", "@": "__matmul__", "&": "__and__", "|": "__or__", "^": "__xor__"}
UNARY = {"UNARY_NEGATIVE": "__neg__", "UNARY_INVERT": "__invert__"}


def operators_used(fn):
    """The Tensor operator methods (``__add__``, ...) a function's arithmetic may call."""
    used = []
    for code in code_objects(fn):
        for ins in dis.get_instructions(code):
            name = UNARY.get(ins.opname)
            if ins.opname == "BINARY_OP":
                name = BINARY.get(ins.argrepr.rstrip("="))
            if name is not None and name not in used:
                used.append(name)
    return used


def imported(fn):
    """What a function's own ``import`` statements bring in: {local name: module or object}."""
    import importlib

    found, module = {}, None
    package = (getattr(fn, "__module__", "") or "").rpartition(".")[0]
    for code in code_objects(fn):
        consts = [None, None]
        for ins in dis.get_instructions(code):
            if ins.opname == "LOAD_CONST":
                consts = [consts[-1], ins.argval]
            elif ins.opname == "IMPORT_NAME":  # after LOAD_CONST level, LOAD_CONST fromlist
                level = consts[0] if isinstance(consts[0], int) else 0
                if level:  # from .x import y, from .. import y
                    base = package.rsplit(".", level - 1)[0] if level > 1 else package
                    name = f"{base}.{ins.argval}" if ins.argval else base
                else:
                    name = ins.argval
                module = None
                if name == "minigrad" or name.startswith("minigrad."):  # never import optional packages
                    try:
                        module = importlib.import_module(name)
                    except (ImportError, ValueError):
                        pass
            elif ins.opname == "IMPORT_FROM" and module is not None and is_minigrad_module(module):
                value = getattr(module, ins.argval, None)
                if value is None:
                    try:
                        value = importlib.import_module(f"{module.__name__}.{ins.argval}")
                    except ImportError:
                        continue
                found[ins.argval] = value
    return found


LOADS = ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_FAST", "LOAD_DEREF", "LOAD_CLOSURE")
ATTRS = ("LOAD_ATTR", "LOAD_METHOD")
SKIPPED_OPERATORS = ("__mod__", "__floordiv__", "__pow__")  # in op code these are index arithmetic


_CACHE = {}  # function -> referenced(function): the code does not change while the index is built


def referenced(fn, tensor_methods):
    """The Function classes and minigrad callables a function's code names.

    Global names resolve in the function's module (or its own imports, or its closure);
    ``module.name`` resolves on that module; any other ``x.name`` that is a Tensor method
    (``x.exp()``) is taken as that method. When the function applies no Function itself, its
    arithmetic operators (``a * b``) count as calls of the Tensor operators.
    """
    fn = unwrap(fn)
    if fn in _CACHE:
        return _CACHE[fn]
    env = getattr(fn, "__globals__", {})
    local = imported(fn)
    if fn.__closure__:  # a method made by a factory: the function it wraps is a free variable
        for name, cell in zip(fn.__code__.co_freevars, fn.__closure__):
            try:
                local[name] = cell.cell_contents
            except ValueError:  # an empty cell
                pass
    found = []
    for code in code_objects(fn):
        module = None
        for ins in dis.get_instructions(code):
            value = None
            if ins.opname in LOADS:
                name = ins.argval
                value = local.get(name) if name in local or ins.opname != "LOAD_GLOBAL" else env.get(name)
            elif ins.opname in ATTRS:
                if module is not None:
                    value = vars(module).get(ins.argval)
                elif not ins.argval.startswith("__"):
                    value = tensor_methods.get(ins.argval)
            module = value if isinstance(value, types.ModuleType) and is_minigrad_module(value) else None
            if value is not None and module is None and value is not fn and value not in found:
                found.append(value)
    functions = [f for f in found if is_function_class(f)]
    callees = [f for f in found if not is_function_class(f) and is_minigrad(f) and is_callee(f)]
    if not functions:
        callees.extend(tensor_methods[op] for op in operators_used(fn)
                       if op in tensor_methods and op not in SKIPPED_OPERATORS)
    _CACHE[fn] = functions, callees
    return functions, callees


def is_callee(obj):
    """A function or a layer class (not an exception or a plain data class)."""
    if inspect.isfunction(obj):
        return True
    from ..nn.module import Module

    return isinstance(obj, type) and issubclass(obj, Module)


def is_minigrad_module(module):
    return module.__name__ == "minigrad" or module.__name__.startswith("minigrad.")


def bodies(obj):
    """(the code that runs when a public object is called, the callables it keeps to call).

    A function is its own code. A layer is its ``forward`` and ``__init__`` (which makes the
    sublayers it calls), from its first minigrad base that defines them, and a callable it keeps
    as a class attribute (``function = staticmethod(F.relu)``) is a call.
    """
    if not isinstance(obj, type):
        fn = unwrap(obj)
        return ([fn] if inspect.isfunction(fn) else []), []
    codes, kept = [], []
    for name in ("forward", "__init__"):
        owner = next((k for k in obj.__mro__ if name in vars(k)), None)
        if owner is not None and is_minigrad(owner) and owner.__name__ != "Module":
            value = unwrap(vars(owner)[name])
            if inspect.isfunction(value):
                codes.append(value)
    for k in obj.__mro__:
        for name, value in vars(k).items():
            if isinstance(value, staticmethod) and is_minigrad(value.__func__) and value.__func__ not in kept:
                kept.append(value.__func__)
    return codes, kept


_REACH = {}


def reach(obj, tensor_methods, depth=MAX_DEPTH, stack=()):
    """The Functions a call of ``obj`` runs: those it applies itself, else those of its callees.

    The search stops at the first level that applies a Function: what that callee calls for
    its own bookkeeping is its business, not the caller's derivation.
    """
    if obj in _REACH:
        return _REACH[obj]
    codes, callees = bodies(obj)
    direct = []
    for code in codes:
        fs, cs = referenced(code, tensor_methods)
        direct.extend(f for f in fs if f not in direct)
        callees.extend(c for c in cs if c not in callees)
    if direct or depth == 0:
        result = (direct, [])
    else:
        parts = []
        for c in callees:
            if c is obj or c in stack:
                continue
            fs = reach(c, tensor_methods, depth - 1, stack + (obj,))[2]
            if fs:
                parts.append((c, fs))
        result = ([], parts)
    flat = list(result[0])
    for _, fs in result[1]:
        flat.extend(f for f in fs if f not in flat)
    result = result + (flat,)
    if not stack:
        _REACH[obj] = result
    return result


OPERATORS = {
    "__add__": "a + b", "__radd__": "b + a", "__sub__": "a - b", "__rsub__": "b - a",
    "__mul__": "a * b", "__rmul__": "b * a", "__truediv__": "a / b", "__rtruediv__": "b / a",
    "__floordiv__": "a // b", "__rfloordiv__": "b // a", "__mod__": "a % b", "__rmod__": "b % a",
    "__pow__": "a ** b", "__rpow__": "b ** a", "__matmul__": "a @ b", "__rmatmul__": "b @ a",
    "__neg__": "-a", "__pos__": "+a", "__abs__": "abs(a)", "__invert__": "~a",
    "__getitem__": "a[i]", "__setitem__": "a[i] = v",
    "__eq__": "a == b", "__ne__": "a != b", "__lt__": "a < b", "__le__": "a <= b",
    "__gt__": "a > b", "__ge__": "a >= b",
    "__and__": "a & b", "__rand__": "b & a", "__or__": "a | b", "__ror__": "b | a",
    "__xor__": "a ^ b", "__rxor__": "b ^ a", "__lshift__": "a << b", "__rlshift__": "b << a",
    "__rshift__": "a >> b", "__rrshift__": "b >> a",
    "__iadd__": "a += b", "__isub__": "a -= b", "__imul__": "a *= b", "__itruediv__": "a /= b",
    "__imod__": "a %= b", "__ifloordiv__": "a //= b", "__iand__": "a &= b", "__ior__": "a |= b",
    "__ixor__": "a ^= b", "__ilshift__": "a <<= b", "__irshift__": "a >>= b",
}


def public_names():
    """Every public op as (surface, name shown, object), in a stable order."""
    import minigrad
    import minigrad.nn as nn
    import minigrad.nn.functional as F
    from minigrad.nn.module import Module
    from minigrad.ops import TENSOR_METHODS
    from minigrad.tensor import Tensor

    rows = []
    for name in sorted(F.__all__):
        rows.append(("F", f"F.{name}", getattr(F, name)))
    for name in sorted(nn.__all__):
        obj = getattr(nn, name)
        if isinstance(obj, type) and issubclass(obj, Module) and obj is not Module:
            rows.append(("nn", f"nn.{name}", obj))
    for name in sorted(dir(minigrad)):
        obj = getattr(minigrad, name)
        if not name.startswith("_") and inspect.isfunction(obj) and is_minigrad(obj):
            rows.append(("minigrad", f"minigrad.{name}", obj))
    import minigrad.fft as fft
    import minigrad.linalg as linalg
    import minigrad.sparse as sparse
    import minigrad.special as special

    for prefix, module, names in (("minigrad.linalg", linalg, dir(linalg)),
                                  ("minigrad.fft", fft, [n for n in dir(fft) if n in fft.__all__]),
                                  ("minigrad.sparse", sparse, sparse.__all__),
                                  ("minigrad.special", special, special.__all__)):
        for name in sorted(names):
            obj = getattr(module, name)
            if not name.startswith("_") and inspect.isfunction(obj) and is_minigrad(obj):
                rows.append(("minigrad", f"{prefix}.{name}", obj))
    for name in sorted(vars(Tensor)):
        obj = vars(Tensor)[name]
        if name in OPERATORS:
            rows.append(("operator", f"{OPERATORS[name]}  (Tensor.{name})", obj))
        elif not name.startswith("_") and (isinstance(obj, property) and name in TENSOR_METHODS
                                           or callable(unwrap(obj)) and not isinstance(obj, property)):
            rows.append(("Tensor", f"Tensor.{name}", obj))
    return rows


def backward_closure(functions, tensor_methods):
    """The Functions given, and those their backwards apply (Conv2d's backward applies
    Conv2dGradWeight, whose own backward is derived beside it), and so on."""
    result, frontier = list(functions), list(functions)
    while frontier:
        f = frontier.pop()
        direct, callees = referenced(f.backward, tensor_methods)
        applied = list(direct) + [g for c in callees for g in reach(c, tensor_methods)[2]]
        for g in applied:
            if g not in result:
                result.append(g)
                frontier.append(g)
    return result


def tensor_methods():
    """{name: plain function} for every Tensor attribute that is not a property."""
    from minigrad.tensor import Tensor

    return {name: unwrap(value) for name, value in vars(Tensor).items() if not isinstance(value, property)}


def registry_checks():
    """Function class -> the names of the registry entries that check it."""
    from .registry import all_entries

    checks = {}
    for entry in all_entries():
        for f in entry.functions:
            checks.setdefault(f, []).append(entry.name)
    return checks


def short(obj):
    """How a callee is named in the table: ``F.relu``, ``nn.Linear``, ``ops/shape.py reshape``."""
    import minigrad.nn as nn
    import minigrad.nn.functional as F

    name = getattr(obj, "__name__", repr(obj))
    if getattr(F, name, None) is obj:
        return f"F.{name}"
    if getattr(nn, name, None) is obj:
        return f"nn.{name}"
    return name


def build():
    """The index: one dict per public name (surface, name, direct, parts, reached)."""
    methods = tensor_methods()
    rows = []
    for surface, name, obj in public_names():
        direct, parts, reached = reach(obj, methods)
        rows.append({"surface": surface, "name": name, "direct": direct,
                     "parts": [(short(c), fs) for c, fs in parts], "reached": reached,
                     "doc": docstring_line(obj) if surface in ("nn", "F") else None})
    return rows


def docstring_line(obj):
    """The ``Function: ...`` or ``Composition: ...`` paragraph of a layer's or function's docstring."""
    doc = inspect.cleandoc(obj.__doc__ or "")
    for paragraph in doc.split("\n\n"):
        if paragraph.startswith(("Function: ", "Composition: ")):
            return " ".join(paragraph.split())
    return None


def function_cell(f):
    return f"`{f.__name__}` ({where(f)})"


def describe(row):
    """The middle and right columns of one row, as markdown (a layer's or F function's own
    docstring line first, where it has one)."""
    if row.get("doc"):
        found = row["direct"] or row["reached"]
        return row["doc"].replace("|", "\\|"), ", ".join(function_cell(f) for f in found)
    if row["direct"]:
        return "Function", ", ".join(function_cell(f) for f in row["direct"])
    if row["reached"]:
        calls = ", ".join(dict.fromkeys(name for name, _ in row["parts"]))
        return (f"no Function: a composition of {calls}",
                ", ".join(function_cell(f) for f in row["reached"]))
    return "no Function: no graph of its own (creation, queries, containers, identity)", ""


HEADING = """\
# Op index

Every public name of minigrad, the `Function` whose `backward` it runs, and the file:line of
that class: its docstring states the forward formula and derives the backward (the notation is
in [notation.md](notation.md)). "No Function: a composition of ..." means autograd
differentiates the ops it calls; their Functions are listed. For `nn.*` and `F.*` the middle
column is the `Function:` / `Composition:` line of the docstring. The right column is found by
reading the code (minigrad/testing/op_index.py), so a name on a branch not taken can appear.

Generated by `python -m minigrad.testing --index docs/op-index.md`; tests/test_op_index.py
fails when this page is stale. Line numbers move with the code: regenerate after editing ops.
The same lookup from Python:

```python
>>> from minigrad.testing import op_index
>>> from minigrad.ops.linalg import MatMul
>>> op_index.where(MatMul).split(":")[0]
'ops/linalg.py'

```
"""

SECTIONS = (("nn", "Layers: `minigrad.nn`"), ("F", "Functions: `minigrad.nn.functional` as `F`"),
            ("minigrad", "Functions: `minigrad`"), ("operator", "Operators (installed on Tensor by `minigrad/ops/__init__.py`)"),
            ("Tensor", "Tensor methods"))


def render(rows=None):
    """The markdown page."""
    rows = build() if rows is None else rows
    checks = registry_checks()
    out = [HEADING]
    for surface, title in SECTIONS:
        out += ["", f"## {title}", "", "| name | Function | where derived |", "| --- | --- | --- |"]
        for row in rows:
            if row["surface"] == surface:
                kind, text = describe(row)
                out.append(f"| `{row['name']}` | {kind} | {text} |")
    reached = backward_closure(list(dict.fromkeys(f for row in rows for f in row["reached"])), tensor_methods())
    out += ["", "## Every Function, and the registry entries that check it", "",
            "Functions applied only inside another's backward (Conv2dGradWeight, ...) are listed too.", "",
            "| Function | where derived | registry entries |", "| --- | --- | --- |"]
    for f in sorted(set(reached) | set(checks), key=lambda f: (where(f), f.__name__)):
        out.append(f"| `{f.__name__}` | {where(f)} | {', '.join(checks.get(f, [])) or '(none)'} |")
    return "\n".join(out) + "\n"


def main(path=None):
    """Print the index, or write it to ``path``; returns an exit status."""
    text = render()
    if path is None:
        print(text, end="")
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {path}")
    return 0
