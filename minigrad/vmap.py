"""``torch.vmap`` / ``torch.func.vmap``: a function of one example, mapped over a batch.

    vmap(f, in_dims=0, out_dims=0)(xs)  ==  stack([f(xs[0]), f(xs[1]), ...], out_dims)

``in_dims`` says, for each positional argument, which axis is the batch: an int, None (the
argument is shared by every example, not split), or a tree (tuple, list, dict) of those
matching a tree of tensors. ``out_dims`` says where the batch axis goes in each output.
The typical use is per-example gradients: ``vmap(grad(loss), in_dims=(None, 0, 0))(params,
xs, ys)`` gives one gradient per example.

How it runs: f is called once per example, on that example's slices, and the results are
stacked. That gives exactly what batching rules would give for every function f that treats
its examples independently (no in-place writes to shared arguments, no randomness that
should differ per example: ``randomness`` "error" and "different" both draw fresh numbers
per call here, "same" is not reproduced), at the cost of a Python loop over the examples
(``chunk_size`` is accepted and has nothing to do). Slices are views, so gradients flow back
to the batched arguments through the stack.
"""

import functools

from .errors import ArgumentError, ShapeError

__all__ = ["vmap"]


def _map(fn, tree, dims):
    """fn(leaf, dim) over a tree, with ``dims`` an int/None for all leaves or a matching tree."""
    if isinstance(tree, (tuple, list)):
        if isinstance(dims, (tuple, list)):
            if len(dims) != len(tree):
                raise ArgumentError(f"vmap: in_dims {dims!r} does not match an argument of {len(tree)} entries")
            return type(tree)(_map(fn, t, d) for t, d in zip(tree, dims))
        return type(tree)(_map(fn, t, dims) for t in tree)
    if isinstance(tree, dict):
        if isinstance(dims, dict):
            return {k: _map(fn, v, dims[k]) for k, v in tree.items()}
        return {k: _map(fn, v, dims) for k, v in tree.items()}
    return fn(tree, dims)


def _batch_sizes(args, in_dims):
    from .tensor import Tensor

    sizes = []

    def size(leaf, dim):
        if dim is None:
            return leaf
        if not isinstance(dim, int):
            raise ArgumentError(f"vmap: in_dims entries must be ints or None, got {dim!r}")
        if not isinstance(leaf, Tensor):
            raise ArgumentError(f"vmap: in_dim {dim} was given for a {type(leaf).__name__}, which has no axes to map")
        if not -leaf.ndim <= dim < max(leaf.ndim, 1) or leaf.ndim == 0:
            raise ShapeError(f"vmap: in_dim {dim} is out of range for a tensor of shape {tuple(leaf.shape)}")
        sizes.append(leaf.shape[dim])
        return leaf

    _map(size, list(args), list(in_dims))
    if not sizes:
        raise ArgumentError("vmap: at least one argument must be mapped (every in_dim is None)")
    if len(set(sizes)) != 1:
        raise ShapeError(f"vmap: the mapped axes have different sizes {sizes}; they must all be equal")
    return sizes[0]


def _stack(results, out_dims):
    from .ops.shape import stack
    from .tensor import Tensor

    first = results[0]
    if isinstance(first, (tuple, list)):
        dims = out_dims if isinstance(out_dims, (tuple, list)) else [out_dims] * len(first)
        return type(first)(_stack([r[i] for r in results], dims[i]) for i in range(len(first)))
    if isinstance(first, dict):
        return {k: _stack([r[k] for r in results], out_dims[k] if isinstance(out_dims, dict) else out_dims)
                for k in first}
    if out_dims is None:
        return first
    if not isinstance(first, Tensor):
        from .creation import tensor

        results = [tensor(r) for r in results]
    return stack(results, out_dims)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """func mapped over the ``in_dims`` axes of its arguments; see the module docstring."""
    if randomness not in ("error", "different", "same"):
        raise ArgumentError(f"vmap: randomness must be 'error', 'different' or 'same', got {randomness!r}")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        dims = in_dims if isinstance(in_dims, (tuple, list)) else (in_dims,) * len(args)
        if len(dims) != len(args):
            raise ArgumentError(f"vmap: in_dims has {len(dims)} entries for {len(args)} positional arguments")
        n = _batch_sizes(args, dims)
        if n == 0:
            raise ShapeError("vmap: the mapped axes have size 0; there is no example to call the function on")
        results = []
        for i in range(n):
            example = _map(lambda leaf, d: leaf if d is None else leaf.select(d, i), list(args), list(dims))
            results.append(func(*example, **kwargs))
        return _stack(results, out_dims)
    return wrapper
