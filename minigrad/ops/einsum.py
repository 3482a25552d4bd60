"""einsum: Einstein summation, one notation for every sum of products (matmul, traces, outer products, ...).

``einsum("ij,jk->ik", A, B)`` names each axis of each operand with a letter. Letters that
appear in the output are kept; every other letter is summed over. So

    out[output letters] = sum over the other letters of  prod_k operand_k[its letters]

Everything in PyTorch's form works: ``...`` for any number of leading (broadcast) axes,
a letter repeated in one operand for its diagonal (``"ii->i"``, ``"ii->"`` is the trace),
an implicit output (no ``->``: the ``...`` axes, then the letters that appear exactly
once, in alphabetical order, capitals first), and size-1 axes that broadcast.

The wrapper ``einsum`` rewrites the equation so that the Function sees a plain one: every
``...`` replaced by fresh letters, every operand broadcast so that one letter has one size
everywhere. Broadcasting is the differentiable ``broadcast_to``, whose backward sums the
gradient back, so the Function itself never has to think about it.

Notation: docs/notation.md.
"""

import math
import string

from ..autograd.function import Function
from ..backend import get_array_module as _xp  # NumPy or CuPy, whichever holds the arrays
from ..dtypes import promote
from ..errors import ArgumentError, ArgumentRuntimeError, ShapeError
from ..tensor import Tensor
from .elementwise import _conj
from .shape import broadcast_to, reshape

LETTERS = string.ascii_uppercase + string.ascii_lowercase  # the order of an implicit output


class Einsum(Function):
    """out = einsum(inputs -> output) for a plain equation (no ``...``, one size per letter).

    Forward: two operands are one batched matmul (``_pair_product``); one, or three and more,
    go to NumPy's (CuPy's) einsum, with an optimized contraction order for three and more.

    Backward. out is linear in each operand, so dL/dX_k is the sum over every letter of
    G[output letters] times the product of the other operands, kept at X_k's letters:

        dL/dX_k = einsum(output, other operands' letters -> letters of X_k)(G, others...)

    (for "ij,jk->ik" this is dL/dA = einsum("ik,jk->ij", G, B) = G @ B^T). Two cases need
    care, because an einsum output cannot name a letter twice nor name one no input has:

    - a letter repeated in X_k ("ii"): X_k was only read on its diagonal, so the gradient
      is zero off it. Rename the second "i" to a fresh "I" and add the identity E[i, I] as
      one more operand: its delta puts the gradient on the diagonal.
    - a letter of X_k in no other operand and not in the output ("ij->i", j): it was summed
      within X_k alone, so every X_k[.., j] gets the same gradient. Leave j out of the
      einsum and broadcast the result along it.

    Each gradient is another Einsum of Tensors, so double backward comes for free. Complex
    operands enter it conjugated (ops/complex_numbers.py).
    """

    complex_grad = True

    @staticmethod
    def forward(ctx, *arrays, inputs, output):
        ctx.inputs, ctx.output = inputs, output
        ctx.save_for_backward(*arrays)
        xp = _xp(*arrays)
        z = None
        if len(arrays) == 2:
            z = _pair_product(xp, arrays[0], inputs[0], arrays[1], inputs[1], output)
        if z is None:
            z = xp.einsum(",".join(inputs) + "->" + output, *arrays, optimize=len(arrays) > 2)
        if len(arrays) == 1 and xp.may_share_memory(z, arrays[0]):
            z = z.copy()  # a single-operand einsum can be a view ("ij->ji"); outputs own their memory
        return xp.asarray(z)

    @staticmethod
    def backward(ctx, g):
        operands = ctx.saved_tensors
        grads = []
        for k, x in enumerate(operands):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            grads.append(_operand_grad(g, ctx.output, operands, ctx.inputs, k))
        return tuple(grads)


def _operand_grad(g, output, operands, inputs, k):
    """dL/d operand k (see Einsum's docstring)."""
    x, letters = operands[k], inputs[k]
    sizes = dict(zip(letters, x.shape))
    used = set(output).union(*[inputs[j] for j in range(len(inputs)) if j != k])
    free = iter(c for c in LETTERS if c not in used and c not in letters)
    xp = x.xp
    subs, args = [output], [g]
    for j, (t, s) in enumerate(zip(operands, inputs)):
        if j != k:
            subs.append(s)
            args.append(_conj(t))  # complex operands enter conjugated (ops/complex_numbers.py)
    target, seen = [], set()
    for c in letters:
        if c in seen:  # a repeated letter: a fresh one, tied to the first by the identity
            fresh = next(free)
            sizes[fresh] = sizes[c]
            subs.append(c + fresh)
            args.append(Tensor._make(xp.eye(sizes[c], dtype=x.dtype)))
            target.append(fresh)
        else:
            seen.add(c)
            target.append(c)
    present = set("".join(subs))
    kept = "".join(c for c in target if c in present)
    result = Einsum.apply(*args, inputs=tuple(subs), output=kept)
    if len(kept) != len(target):  # letters summed inside X_k alone: the gradient is constant along them
        result = reshape(result, tuple(sizes[c] if c in present else 1 for c in target))
        result = broadcast_to(result, x.shape)
    return result


def _pair_product(xp, a, sa, b, sb, out):
    """einsum of two operands as one batched matmul, or None when a letter repeats in an operand.

    Every letter is of one of four kinds: in both operands and the output (a batch axis), in
    both but not the output (summed: the inner axis of the product), in a only (rows) or b
    only (columns). Letters of one operand alone that the output drops are summed first.
    Then A is laid out as (batch, rows, inner), B as (batch, inner, columns), and
    z = A @ B runs on BLAS, where NumPy's own einsum loop would not.
    """
    if len(set(sa)) != len(sa) or len(set(sb)) != len(sb):
        return None
    a, sa = _sum_lonely(a, sa, sb, out)
    b, sb = _sum_lonely(b, sb, sa, out)
    size = dict(zip(sa, a.shape))
    size.update(zip(sb, b.shape))
    batch = [c for c in sa if c in sb and c in out]
    inner = [c for c in sa if c in sb and c not in out]
    rows = [c for c in sa if c not in sb]
    cols = [c for c in sb if c not in sa]

    def n(letters):
        return int(math.prod(size[c] for c in letters))

    A = a.transpose(tuple(sa.index(c) for c in batch + rows + inner)).reshape(n(batch), n(rows), n(inner))
    B = b.transpose(tuple(sb.index(c) for c in batch + inner + cols)).reshape(n(batch), n(inner), n(cols))
    order = batch + rows + cols
    z = xp.matmul(A, B).reshape(tuple(size[c] for c in order))
    z = z.transpose(tuple(order.index(c) for c in out))
    return z if z.flags.c_contiguous else z.copy()


def _sum_lonely(x, s, other, out):
    """x summed over the letters of s in neither ``other`` nor ``out``, and the letters left."""
    drop = tuple(i for i, c in enumerate(s) if c not in other and c not in out)
    if not drop:
        return x, s
    return x.sum(axis=drop), "".join(c for i, c in enumerate(s) if i not in drop)


# ---- parsing: PyTorch's equation -> a plain one ------------------------------------------------------
def _parse(equation, shapes):
    """(inputs, output): one string of letters per operand, no ``...`` left, and the output.

    Raises ArgumentError for a malformed equation and ShapeError for shapes that do not fit it.
    """
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->", 1)
        if "->" in out:
            raise ArgumentRuntimeError(f"einsum: equation {equation!r} has more than one '->'")
    else:
        lhs, out = eq, None
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise ArgumentRuntimeError(f"einsum: equation {equation!r} names {len(terms)} operands, got {len(shapes)}")
    for term in terms + ([out] if out is not None else []):
        rest = term.replace("...", "", 1)
        bad = [c for c in rest if c not in LETTERS]
        if bad:
            raise ArgumentRuntimeError(f"einsum: equation {equation!r}: {bad[0]!r} is not a letter (a-z, A-Z) "
                                "or a single '...'")
    # how many axes each '...' stands for, and fresh letters for them (right-aligned, as broadcasting)
    used = set(eq)
    spare = [c for c in LETTERS if c not in used]
    counts = []
    for term, shape in zip(terms, shapes):
        named = len(term.replace("...", ""))
        if "..." in term:
            if len(shape) < named:
                raise ShapeError(f"einsum: operand of shape {tuple(shape)} has fewer dimensions than "
                                 f"the {named} letters of {term!r}")
            counts.append(len(shape) - named)
        else:
            if len(shape) != named:
                raise ShapeError(f"einsum: {term!r} names {named} dimensions, but the operand has shape "
                                 f"{tuple(shape)}")
            counts.append(0)
    n_ell = max(counts, default=0)
    if n_ell > len(spare):
        raise ArgumentRuntimeError(f"einsum: equation {equation!r} uses too many letters")
    ell = "".join(spare[:n_ell])
    inputs = tuple(t.replace("...", ell[n_ell - c:]) for t, c in zip(terms, counts))
    if out is None:
        once = sorted((c for c in set("".join(terms)) if c != "." and "".join(terms).count(c) == 1),
                      key=LETTERS.index)
        output = ell + "".join(once)
    else:
        output = out.replace("...", ell)
        for c in output:
            if output.count(c) > 1:
                raise ArgumentRuntimeError(f"einsum: output subscript {c!r} appears more than once in {equation!r}")
            if c not in "".join(inputs):
                raise ArgumentRuntimeError(f"einsum: output subscript {c!r} in {equation!r} does not appear in "
                                    "any input")
    return inputs, output


def _sizes(inputs, shapes, equation):
    """The size of every letter: equal everywhere, or 1 (which broadcasts)."""
    sizes = {}
    for k, (term, shape) in enumerate(zip(inputs, shapes)):
        mine = {}
        for c, n in zip(term, shape):
            if c in mine and mine[c] != n:
                raise ShapeError(f"einsum: subscript {c} is repeated in operand {k} of {equation!r} but "
                                 f"its sizes differ, {mine[c]} != {n} (shape {tuple(shape)})")
            mine[c] = n
        for c, n in mine.items():
            old = sizes.get(c, 1)
            if n != old and 1 not in (n, old):
                raise ShapeError(f"einsum: subscript {c} has size {n} in operand {k} (shape {tuple(shape)}) of "
                                 f"{equation!r}, which does not broadcast with size {old} seen before")
            sizes[c] = n if old == 1 else old
    return sizes


def einsum(equation, *operands):
    """Einstein summation, like torch.einsum: ``einsum("bij,bjk->bik", A, B)``.

    The operands may also come as one list: ``einsum("ij,jk", [A, B])``. See the module
    docstring for the notation and the Einsum Function for the gradient.
    """
    if not isinstance(equation, str):
        raise ArgumentError(f"einsum: the first argument must be the equation string, got {type(equation).__name__}")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands:
        raise ArgumentError("einsum: needs at least one operand")
    for t in operands:
        if not isinstance(t, Tensor):
            raise ArgumentError(f"einsum: operands must be tensors, got {type(t).__name__}")
    dtype = operands[0].dtype
    for t in operands[1:]:
        dtype = promote(dtype, t.dtype)
    if any(t.dtype != dtype for t in operands):
        from .elementwise import cast

        operands = tuple(cast(t, dtype) for t in operands)
    shapes = [t.shape for t in operands]
    inputs, output = _parse(equation, shapes)
    sizes = _sizes(inputs, shapes, equation)
    plain = []
    for t, term in zip(operands, inputs):
        want = tuple(sizes[c] for c in term)
        plain.append(t if want == t.shape else broadcast_to(t, want))
    return Einsum.apply(*plain, inputs=inputs, output=output)


TENSOR_METHODS = {}
