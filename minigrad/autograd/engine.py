"""The backward engine: walks the graph from the outputs back to the leaves.

1. Order. Starting at the outputs' nodes, count for every node how many edges reach it
   (its consumers). A node runs only once all its consumers have run, so the gradient
   arriving at it is complete (Kahn's algorithm; a loop, not recursion, so a chain of
   100 000 ops is fine).
2. Run. Each node gets the summed gradient of each of its outputs, calls its
   ``backward``, and passes one gradient to each input. A tensor used twice gets two
   contributions, and they add (multivariable chain rule).
3. Broadcasting. ``y = x + b`` with b of shape (3,) and x of shape (2, 3) copies b
   along the first axis; its gradient must undo that by summing. ``sum_to`` does it once,
   here, for every op, whenever a gradient comes back larger than its input.
4. Leaves. Gradients reaching leaves are added into ``leaf.grad`` (``backward``) or
   returned (``grad``). A leaf with post-accumulate-grad hooks is finished as soon as its
   last edge has run, so a hook can act on it (send it to other processes) while the rest
   of the graph is still walked; ``queue_callback`` functions run when the walk ends.

Without ``create_graph`` the whole walk (each backward and each hook, as in PyTorch) runs
under ``no_grad``, switched once, not per node: nothing is recorded. With it, the backward's
own ops are recorded, so the gradients can be differentiated again.
"""

import contextlib
import itertools
import sys

from ..errors import GraphError, ShapeError
from . import anomaly, recorder
from .function import Function
from .grad_mode import set_grad_enabled


def _topological_order(roots):
    """Nodes reachable from ``roots`` in an order where each node follows all its consumers.

    An edge (x, i) leads to a node when i is an output index, to a leaf when i is None (see
    Tensor._edge): testing i costs less than ``isinstance(x, Function)``, per edge of every walk.
    """
    roots = list(dict.fromkeys(roots))  # two outputs of one node are one root: count its edges once
    deps = {}
    seen = set(roots)
    stack = list(roots)
    while stack:
        node = stack.pop()
        for edge in node.edges:
            if edge is not None and edge[1] is not None:
                parent = edge[0]
                deps[parent] = deps.get(parent, 0) + 1
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
    order = []
    ready = [n for n in roots if n not in deps]
    while ready:
        node = ready.pop()
        order.append(node)
        for edge in node.edges:
            if edge is not None and edge[1] is not None:
                parent = edge[0]
                left = deps[parent] - 1
                deps[parent] = left
                if left == 0:
                    ready.append(parent)
    return order


def _needed_nodes(order, targets):
    """The nodes lying on a path to one of ``targets`` (edge keys): only they must run."""
    needed = set()
    for node in reversed(order):  # producers first, so each edge's end is already decided
        for edge in node.edges:
            if edge is not None and (_key(edge) in targets or edge[0] in needed):
                needed.add(node)
                break
    return needed


def _key(edge):
    """A dictionary key for where a gradient goes: (node, output index) or (leaf tensor, None)."""
    return (id(edge[0]), edge[1])


_ON_HOST = contextlib.nullcontext()


def _device_of(node):
    """The node's GPU made current while its backward runs (CuPy allocates on the current GPU,
    so cuda:1's gradients stay on cuda:1); nothing to do on the CPU."""
    device = node._output_meta[0][2]
    if device.type == "cpu":
        return _ON_HOST
    from ..backend import on_device

    return on_device(device)


def _zeros(node, i):
    from ..tensor import Tensor

    shape, dtype, device = node._output_meta[i]
    from ..backend import xp_for

    return Tensor._make(xp_for(device).zeros(shape, dtype=dtype))


def _fit_shape(grad, shape, node, i):
    """Sum a broadcast gradient back to its input's shape (the one shared helper)."""
    if grad.shape == shape:
        return grad
    from ..ops.shape import sum_to

    try:
        return sum_to(grad, shape)
    except ShapeError:
        raise ShapeError(
            f"{type(node).__name__}.backward returned a gradient of shape {tuple(grad.shape)} for input {i} "
            f"of shape {tuple(shape)}"
        ) from None


class _NoDoubleBackward(Function):
    """Stands in the graph for a backward that cannot be differentiated again."""

    @staticmethod
    def backward(ctx, *grads):
        raise GraphError(
            f"{ctx.op_name} does not support double backward (differentiating its gradient); "
            "its backward is not written with differentiable ops"
        )


def _mark_not_twice(node, grads):
    """With create_graph, let gradients of an op without double backward raise when used."""
    from ..tensor import Tensor

    stub = _NoDoubleBackward()
    stub.op_name = type(node).__name__
    stub.edges = node.edges
    stub._input_meta = node._input_meta
    # one stub output per gradient, so a gradient flowing back into any of them reaches the
    # stub's backward (which raises) instead of being skipped as "no gradient arrived"
    device = next((g.device for g in grads if g is not None), None)
    stub._output_meta = tuple(((), "float64", device) if g is None else (g.shape, g.dtype, g.device)
                              for g in grads)
    return tuple(None if g is None else Tensor._make(g.array, stub, i) for i, g in enumerate(grads))


_NO_BLAME = contextlib.nullcontext()  # reusable, so the common case builds nothing per node


def _blame(node):
    """With anomaly detection on, ops inside a backward report that backward's node."""
    return anomaly.running_backward(node) if anomaly.is_enabled() else _NO_BLAME


def _add_grad(grads, owned, k, g, create_graph):
    """Add one more contribution ``g`` to the gradient waiting under key ``k``.

    Without create_graph, a sum the engine made itself (``owned``) is held by nothing else,
    so later contributions are added into it in place: a weight used at 64 time steps then
    costs one new array, not 63.
    """
    old = grads.get(k)
    if old is None:
        grads[k] = g
    elif k in owned and old.dtype == g.dtype:
        old.array += g.array
    else:
        grads[k] = old + g
        if not create_graph:
            owned.add(k)


def _ref_counts(g):
    """How many references hold a gradient Tensor, its array and the array's memory owner."""
    base = g.array.base
    return sys.getrefcount(g), sys.getrefcount(g.array), 0 if base is None else sys.getrefcount(base)


def _fresh_ref_counts():
    """The counts ``_ref_counts`` gives for a gradient (a view of a fresh array) that only one
    local variable holds. Measured, not assumed: the numbers differ between Python versions."""
    from ..backend import xp_for
    from ..tensor import Tensor

    g = Tensor._make(xp_for("cpu").empty(2)[1:])
    return _ref_counts(g)


_FRESH = []  # _fresh_ref_counts(), measured on first use


def _sole_owner(g, leaf, counts):
    """True when the engine's local ``g`` is the only holder of the gradient and of its memory
    (``counts = _ref_counts(g)``, taken in the engine), and it has the leaf's memory layout.

    Then it can become ``leaf.grad`` as it is, instead of a copy (PyTorch's AccumulateGrad
    steals such gradients too): copying every weight's gradient costs a tenth of a small
    MLP's training step. A gradient also held elsewhere (returned to two inputs, a view of
    an array still in use, kept by a hook) has more references, and is copied.
    """
    if not _FRESH:
        _FRESH.append(_fresh_ref_counts())
    if g.grad_fn is not None or g._requires_grad or g.array.strides != leaf.array.strides:
        return False
    fresh = _FRESH[0]  # all(n <= f for n, f in zip(counts, fresh)), written out: it runs per leaf
    return counts[0] <= fresh[0] and counts[1] <= fresh[1] and counts[2] <= fresh[2]


def _run_hooks(hooks, g):
    """Call each hook on the gradient; a returned value replaces it, and must keep its shape."""
    from ..tensor import Tensor

    for hook in list(hooks):
        new = hook(g)
        if new is None:
            continue
        if not isinstance(new, Tensor):
            new = Tensor._make(g.xp.asarray(new, dtype=g.dtype))  # an array or number returned
        if new.shape != g.shape:
            raise ShapeError(f"hook {getattr(hook, '__name__', hook)!r} has changed the size of value: "
                             f"it returned shape {tuple(new.shape)} for a gradient of shape {tuple(g.shape)}")
        g = new
    return g


# ---- what DistributedDataParallel needs: gradients as soon as they are ready, and an end ----
post_hooks_in_use = False  # True once any leaf has a post-accumulate-grad hook (then leaves are counted)
_callbacks = []  # queue_callback's functions, run when the backward running now ends


def queue_callback(callback):
    """Call ``callback()`` once the backward running now has finished (PyTorch's
    ``Variable._execution_engine.queue_callback``); a hook calls it during backward."""
    _callbacks.append(callback)


def _leaf_edge_counts(order):
    """How many edges reach each leaf that has post-accumulate-grad hooks. When its count
    falls to 0 during the walk its gradient is complete, and it is finished right then."""
    counts = {}
    for node in order:
        for edge in node.edges:
            if edge is not None and not isinstance(edge[0], Function) and edge[0]._post_hooks:
                k = _key(edge)
                counts[k] = counts.get(k, 0) + 1
    return counts


def _run_post_hooks(leaf):
    for hook in list(leaf._post_hooks):
        hook(leaf)


def _node_backward(node, outs, create_graph, check_anomaly):
    """One node's backward on the gradients of its outputs: one gradient per input (or None)."""
    if len(outs) > 1 and node.materialize_grads:  # (`None in outs` would compare Tensors with ==)
        outs = [g if g is not None else _zeros(node, i) for i, g in enumerate(outs)]
    if recorder.active is None:
        in_grads = node.backward(node, *outs)
    else:  # a profile is running (minigrad.profiler): time the backward
        in_grads = recorder.active.run(type(node).__name__ + "Backward", "backward", [g.array for g in outs if g is not None],
                                       node.backward, node, *outs)
    if not isinstance(in_grads, tuple):
        in_grads = (in_grads,)
    if len(in_grads) != len(node.edges):
        raise GraphError(f"{type(node).__name__}.backward returned {len(in_grads)} gradients for {len(node.edges)} inputs")
    if create_graph and not node.supports_double_backward:
        in_grads = _mark_not_twice(node, in_grads)
    if check_anomaly:
        anomaly.check_backward(node, in_grads)
    return in_grads


# ---- which backward is running: what register_multi_grad_hook (autograd/graph.py) asks ----
walks_watched = False  # True once a multi-grad hook exists: from then on each backward records its Walk
_walks = []  # the walks running now, innermost last (a hook may run a backward of its own)
_walk_count = itertools.count()


class Walk:
    """One run of ``run_backward`` (PyTorch's graph task): an ``id``, and which tensors it
    gives a gradient. A tensor made by a node gets one when that node runs; a leaf when a
    node that runs has an edge to it, or it is a root; with ``inputs``, only the nodes on a
    path to them run and only the leaves among them count. Found from the graph the first
    time it is asked, so a backward without multi-grad hooks pays nothing."""

    def __init__(self, roots, inputs):
        self.id = next(_walk_count)
        self._roots, self._inputs = roots, inputs
        self._nodes = self._leaves = None

    def _trace(self):
        edges = [r._edge() for r in self._roots]
        order = _topological_order([node for node, i in edges if i is not None])
        nodes = set(order)
        targets = None
        if self._inputs is not None:
            targets = {_key(t._edge()) for t in self._inputs}
            nodes = _needed_nodes(order, targets) | {
                node for node in order if any((id(node), i) in targets for i in range(len(node._output_meta)))}
        leaves = {_key(e) for e in edges if e[1] is None}
        leaves.update(_key(e) for node in nodes for e in node.edges if e is not None and e[1] is None)
        self._nodes, self._leaves = nodes, leaves if targets is None else leaves & targets

    def will_compute(self, tensor):
        """Whether this walk computes a gradient for ``tensor`` (and so runs its hooks)."""
        if self._nodes is None:
            self._trace()
        edge = tensor._edge()
        return edge[0] in self._nodes if edge[1] is not None else _key(edge) in self._leaves


def current_walk():
    """The innermost backward running now (None outside backward, or before any multi-grad hook)."""
    return _walks[-1] if _walks else None


def _run_node_hooks(hooks, grads, *more):
    """Each hook(tuple(grads), *more) in turn; a hook that returns something replaces grads."""
    for hook in list(hooks.values()):
        result = hook(tuple(grads), *(tuple(m) for m in more))
        if result is not None:
            grads = list(result) if isinstance(result, (tuple, list)) else [result]
    return grads


def run_backward(roots, root_grads, retain_graph=False, create_graph=False, inputs=None,
                 allow_unused=False):
    """Backpropagate ``root_grads`` from ``roots``.

    Without ``inputs`` gradients accumulate into the leaves' ``.grad`` (``Tensor.backward``).
    With ``inputs`` they are returned, one per input, and no ``.grad`` changes (``minigrad.grad``).
    """
    if not walks_watched:
        return _walk(roots, root_grads, retain_graph, create_graph, inputs, allow_unused)
    _walks.append(Walk(roots, inputs))
    try:
        return _walk(roots, root_grads, retain_graph, create_graph, inputs, allow_unused)
    finally:
        _walks.pop()


def _walk(roots, root_grads, retain_graph, create_graph, inputs, allow_unused):
    """run_backward's walk over the graph (see the module docstring)."""
    grads = {}
    leaves = {}  # id -> leaf tensor that receives a gradient
    root_nodes = []
    for r, g in zip(roots, root_grads):
        edge = r._edge()
        k = _key(edge)
        grads[k] = grads[k] + g if k in grads else g
        if isinstance(edge[0], Function):
            root_nodes.append(edge[0])
        else:
            leaves[id(r)] = r

    order = _topological_order(root_nodes)
    targets = None
    needed = None
    if inputs is not None:
        targets = {_key(t._edge()): t for t in inputs}
        needed = _needed_nodes(order, targets)
    captured = {}
    owned = set()  # keys whose gradient is a sum made here (see _add_grad)
    pending = _leaf_edge_counts(order) if post_hooks_in_use and inputs is None else None

    blame = anomaly.is_enabled()  # looked up once: the common case costs nothing per node
    with set_grad_enabled(create_graph):  # switched once for the whole walk, hooks included
        for node in order:
            nid = id(node)
            n_out = len(node._output_meta)
            if needed is not None and node not in needed and not any((nid, i) in targets for i in range(n_out)):
                continue
            if n_out == 1:  # the common case, without a loop
                g = grads.pop((nid, 0), None)
                if g is None:
                    continue
                outs = [g]
            else:
                outs = [grads.pop((nid, i), None) for i in range(n_out)]
                if all(g is None for g in outs):
                    continue
            if node._output_hooks:
                for i, hooks in node._output_hooks.items():
                    if outs[i] is not None:
                        outs[i] = _run_hooks(hooks, outs[i])
            if targets is not None:
                for i, g in enumerate(outs):
                    if (nid, i) in targets:
                        captured[(nid, i)] = g
                if node not in needed:
                    continue
            if node._pre_node_hooks:  # grad_fn.register_prehook: may replace the gradients in
                outs = _run_node_hooks(node._pre_node_hooks, list(outs))
            if blame or node._output_meta[0][2].type != "cpu":
                with _blame(node), _device_of(node):
                    in_grads = _node_backward(node, outs, create_graph, blame)
            else:
                in_grads = _node_backward(node, outs, create_graph, False)
            if node._post_node_hooks:  # grad_fn.register_hook: may replace the gradients out
                in_grads = _run_node_hooks(node._post_node_hooks, list(in_grads), outs)
            input_meta = node._input_meta
            for i, (edge, g) in enumerate(zip(node.edges, in_grads)):
                if edge is None or g is None:
                    continue
                shape = input_meta[i][0]
                if g.array.shape != shape:
                    g = _fit_shape(g, shape, node, i)
                k = (id(edge[0]), edge[1])  # _key(edge), inlined
                if k in grads:
                    _add_grad(grads, owned, k, g, create_graph)
                else:  # the first contribution (a chain has no other): _add_grad's first case, inlined
                    grads[k] = g
                if edge[1] is None:  # a leaf: a node's edge always has an output index
                    leaves[k[0]] = edge[0]
                    if pending and k in pending:
                        pending[k] -= 1
                        if pending[k] == 0:  # complete: into .grad now, then the post hooks
                            leaf, g = edge[0], grads.pop(k)
                            if leaf._hooks:
                                g = _run_hooks(leaf._hooks, g)
                            leaf._accumulate_grad(g, create_graph)
                            _run_post_hooks(leaf)
            if not retain_graph and node._saved is not None:  # node._free(), inlined
                node._saved = None
                node._freed = True
        in_grads = outs = g = None  # drop the loop's last references, so _sole_owner can see the gradients free

        # (still in the same grad mode: switching it once for both loops costs less)
        for leaf in leaves.values():
            k = (id(leaf), None)
            g = grads.pop(k, None)
            if g is None:
                continue
            if leaf._hooks:
                g = _run_hooks(leaf._hooks, g)
            if targets is not None:
                if k in targets:
                    captured[k] = g
            else:
                counts = _ref_counts(g)  # taken in a statement of its own, as _FRESH was measured
                if leaf.grad is None and not create_graph and not leaf._hooks and _sole_owner(g, leaf, counts):
                    leaf._grad = g  # nothing else holds it: no copy needed
                else:
                    leaf._accumulate_grad(g, create_graph)
                if leaf._post_hooks:
                    _run_post_hooks(leaf)

    if _callbacks:
        queued, _callbacks[:] = list(_callbacks), []
        for callback in queued:
            callback()
    if targets is None:
        return None
    results = []
    for t in inputs:
        g = captured.get(_key(t._edge()))
        if g is None and not allow_unused:
            raise GraphError(
                f"grad: one of the inputs (shape {tuple(t.shape)}) was not used to compute the "
                "outputs; pass allow_unused=True to get None for it"
            )
        results.append(g)
    return tuple(results)
