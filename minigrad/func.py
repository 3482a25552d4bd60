"""``torch.func``: derivatives as function transforms, and a module called with other weights.

    grad(f)(x)                  df/dx for a scalar f, a function of the same arguments as f
    grad_and_value(f)(x)        (df/dx, f(x))
    vjp(f, x) -> (f(x), vjp_fn) vjp_fn(v) = vᵀ J
    jvp(f, (x,), (u,))          (f(x), J u)
    jacrev(f)(x), jacfwd(f)(x)  J = df/dx, shape f(x).shape + x.shape
    hessian(f)(x)               the Jacobian of the gradient
    functional_call(module, params, args)   module(*args) with the tensors of ``params`` in
                                            place of its parameters and buffers

They run on minigrad's reverse-mode engine (autograd/functional.py): ``argnums`` picks the
arguments to differentiate, each a tensor or a tuple, list or dict of tensors (the gradient
has the same structure: a dict of parameters gives a dict of gradients), and ``has_aux``
lets f return (output, aux), aux passed through untouched. Transforms nest:
``grad(grad(f))`` is the second derivative.

Differences from PyTorch, which has forward mode and batching rules: jacfwd computes the
same matrix as jacrev, by reverse mode, one backward pass per output element; jvp uses the
double-backward trick. The results keep their graph (so an outer ``backward()`` or transform
can differentiate them) when an argument requires grad; otherwise they are plain tensors.
``vmap`` (in vmap.py) maps a function over a batch by calling it once per example.
"""

from .autograd import functional as AF
from .autograd.grad_mode import enable_grad, is_grad_enabled
from .errors import ArgumentError, ShapeError
from .vmap import vmap  # noqa: F401  (torch.func.vmap)


# ---- argument trees: a tensor, or tuples, lists and dicts of them ---------------------------------
def _flatten(tree):
    """(leaves, rebuild): the tensors of a tree in order, and a function putting new leaves back."""
    if isinstance(tree, (tuple, list)):
        parts = [_flatten(t) for t in tree]
        kind = type(tree)

        def rebuild(leaves):
            out, i = [], 0
            for sub, re in parts:
                out.append(re(leaves[i:i + len(sub)]))
                i += len(sub)
            return kind(out)
        return [leaf for sub, _ in parts for leaf in sub], rebuild
    if isinstance(tree, dict):
        keys = list(tree)
        leaves, rebuild_values = _flatten([tree[k] for k in keys])
        return leaves, lambda new: dict(zip(keys, rebuild_values(new)))
    return [tree], lambda new: new[0]


def _argnums(argnums, n_args, op):
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums or any(not isinstance(i, int) or not -n_args <= i < n_args for i in nums):
        raise ArgumentError(f"{op}: argnums {argnums!r} must be an int or a tuple of ints indexing the "
                            f"{n_args} positional arguments")
    return tuple(i % n_args for i in nums)


def _tracked(args, argnums, op):
    """(args with the chosen arguments' tensors replaced by copies that require grad, those
    copies, rebuilders for each chosen argument, whether to keep the graph)."""
    from .tensor import Tensor

    keep = is_grad_enabled() and any(isinstance(t, Tensor) and t.requires_grad
                                     for a in args for t in _flatten(a)[0])
    args, xs, rebuilders = list(args), [], []
    for i in argnums:
        leaves, rebuild = _flatten(args[i])
        if not all(isinstance(t, Tensor) for t in leaves):
            raise ArgumentError(f"{op}: argument {i} must be a tensor or a tuple, list or dict of tensors")
        if any(t.dtype.kind != "f" for t in leaves):
            raise ArgumentError(f"{op}: argument {i} must hold floating point tensors to differentiate, "
                                f"got {[str(t.dtype) for t in leaves]}")
        copies = [t.view_as(t) if keep and t.requires_grad else t.detach().requires_grad_() for t in leaves]
        args[i] = rebuild(copies)
        xs.append(copies)
        rebuilders.append(rebuild)
    return args, xs, rebuilders, keep


def _split_aux(out, has_aux, op):
    if not has_aux:
        return out, None
    if not isinstance(out, tuple) or len(out) != 2:
        raise ArgumentError(f"{op}: with has_aux=True the function must return (output, aux)")
    return out


def _shaped_like(argnums, per_arg):
    """One result for an int argnums, a tuple of them for a tuple."""
    return per_arg[0] if isinstance(argnums, int) else tuple(per_arg)


def _detached(tree, keep):
    leaves, rebuild = _flatten(tree)
    from .tensor import Tensor

    return rebuild([t if keep or not isinstance(t, Tensor) else t.detach() for t in leaves])


# ---- the transforms -----------------------------------------------------------------------------
def grad_and_value(func, argnums=0, has_aux=False):
    """A function returning (df/d args[argnums], f(args)) (with aux: (grad, (value, aux)))."""
    from .tensor import Tensor

    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args), "grad")
        args, xs, rebuilders, keep = _tracked(args, nums, "grad")
        with enable_grad():
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "grad")
        if not isinstance(out, Tensor) or out.numel() != 1:
            shape = tuple(out.shape) if isinstance(out, Tensor) else type(out).__name__
            raise ShapeError(f"grad: the function must return a one-element tensor, got {shape}")
        flat = [x for leaves in xs for x in leaves]
        grads = AF._vjp((out,), flat, AF._default_v(None, (out,), "output", "grad"), keep, False, "grad")
        per_arg, i = [], 0
        for leaves, rebuild in zip(xs, rebuilders):
            per_arg.append(rebuild([g if keep else g.detach() for g in grads[i:i + len(leaves)]]))
            i += len(leaves)
        value = out if keep else out.detach()
        g = _shaped_like(argnums, per_arg)
        return (g, (value, _detached(aux, keep))) if has_aux else (g, value)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """A function returning df/d args[argnums] for a scalar f (with aux: (grad, aux))."""
    both = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = both(*args, **kwargs)
        return (g, value[1]) if has_aux else g
    return wrapper


def vjp(func, *primals, has_aux=False):
    """(func(*primals), vjp_fn[, aux]); vjp_fn(cotangents) gives vᵀ J for each primal, a tuple."""
    nums = tuple(range(len(primals)))
    args, xs, rebuilders, keep = _tracked(primals, nums, "vjp") if primals else ([], [], [], False)
    with enable_grad():
        out, aux = _split_aux(func(*args), has_aux, "vjp")
    outs, _ = _flatten(out)
    flat = [x for leaves in xs for x in leaves]

    def vjp_fn(cotangents):
        vs, _ = _flatten(cotangents)
        AF._check_like(vs, outs, "output", "vjp")
        grads = AF._vjp(outs, flat, vs, keep, False, "vjp")
        per_arg, i = [], 0
        for leaves, rebuild in zip(xs, rebuilders):
            per_arg.append(rebuild([g if keep else g.detach() for g in grads[i:i + len(leaves)]]))
            i += len(leaves)
        return tuple(per_arg)

    result = (_detached(out, keep), vjp_fn)
    return result + (_detached(aux, keep),) if has_aux else result


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """(func(*primals), J tangents), primals and tangents tuples of the same structure."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise ArgumentError("jvp: primals and tangents must be tuples")
    xs_in, _ = _flatten(tuple(primals))
    us, _ = _flatten(tuple(tangents))
    AF._check_like(us, xs_in, "primal", "jvp")
    aux_box = []

    def flat_func(*xs):
        out, aux = _split_aux(func(*_flatten(tuple(primals))[1](list(xs))), has_aux, "jvp")
        aux_box.append(aux)
        leaves, rebuild = _flatten(out)
        aux_box.append(rebuild)
        return tuple(leaves)

    keep = is_grad_enabled() and any(t.requires_grad for t in xs_in)
    outs, jv = AF.jvp(flat_func, tuple(xs_in), tuple(us), create_graph=keep, strict=strict)
    aux, rebuild = aux_box[0], aux_box[1]
    result = (rebuild(list(outs)), rebuild(list(jv)))
    return result + (_detached(aux, keep),) if has_aux else result


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None):
    """A function returning the Jacobian of func with respect to args[argnums]: for each output
    tensor, shaped like argnums' arguments, blocks of shape output.shape + input.shape."""
    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args), "jacrev")
        args, xs, rebuilders, keep = _tracked(args, nums, "jacrev")
        with enable_grad():
            out, aux = _split_aux(func(*args, **kwargs), has_aux, "jacrev")
        outs, rebuild_out = _flatten(out)
        flat = [x for leaves in xs for x in leaves]
        rows = AF._jacobian_rows(outs, flat, keep, False, "jacrev")
        per_out = []
        for row in rows:
            per_arg, i = [], 0
            for leaves, rebuild in zip(xs, rebuilders):
                per_arg.append(rebuild([j if keep else j.detach() for j in row[i:i + len(leaves)]]))
                i += len(leaves)
            per_out.append(_shaped_like(argnums, per_arg))
        jac = rebuild_out(per_out)
        return (jac, _detached(aux, keep)) if has_aux else jac
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """jacrev's Jacobian (the same matrix; minigrad computes it by reverse mode)."""
    if randomness not in ("error", "same", "different"):
        raise ArgumentError(f"jacfwd: randomness must be 'error', 'same' or 'different', got {randomness!r}")
    return jacrev(func, argnums, has_aux=has_aux)


def hessian(func, argnums=0):
    """A function returning the Hessian of a scalar func: the Jacobian of its gradient."""
    return jacrev(jacrev(func, argnums), argnums)


# ---- calling a module with other tensors -----------------------------------------------------------
def functional_call(module, parameter_and_buffer_dicts, args=None, kwargs=None, *, tie_weights=True,
                    strict=False):
    """module(*args, **kwargs) with the named tensors of the dict(s) in place of the module's own
    parameters and buffers (names as in ``named_parameters``: "layer.weight"), restored after.

    Gradients flow to the given tensors (meta-learning: differentiate the loss with respect to
    weights that are not the module's). ``tie_weights``: a tensor the module holds under two
    names (tied weights) takes the given one under both. ``strict``: every parameter and buffer
    must be given, and nothing else."""
    dicts = parameter_and_buffer_dicts
    dicts = [dicts] if isinstance(dicts, dict) else list(dicts)
    given = {}
    for d in dicts:
        for name, t in d.items():
            if name in given:
                raise ArgumentError(f"functional_call: {name!r} is given more than once")
            given[name] = t
    own = dict(module.named_parameters(remove_duplicate=False))
    own.update(module.named_buffers(remove_duplicate=False))
    if strict:
        unexpected, missing = [n for n in given if n not in own], [n for n in own if n not in given]
        if unexpected or missing:
            raise ArgumentError(f"functional_call: strict=True, and the names do not match the module's: "
                                f"unexpected {unexpected}, missing {missing}")
    if tie_weights:  # the names of one tensor all take the tensor given under any of them
        by_id = {}
        for n, t in given.items():
            if n in own and by_id.setdefault(id(own[n]), t) is not t:
                raise ArgumentError(f"functional_call: {n!r} is tied to another given name, with another tensor")
        given.update({n: by_id[id(t)] for n, t in own.items() if n not in given and id(t) in by_id})
    swapped = []  # (store, name, original, whether it was there): what to put back
    try:
        for name, t in given.items():
            owner_name, _, attr = name.rpartition(".")
            owner = module.get_submodule(owner_name) if owner_name else module
            if attr in owner._parameters:
                store = owner._parameters
            elif attr in owner._buffers:
                store = owner._buffers
            else:  # a plain attribute, or a name the module lacks (strict=False): set for the call
                store = owner.__dict__
            swapped.append((store, attr, store.get(attr), attr in store))
            store[attr] = t
        args = () if args is None else args if isinstance(args, tuple) else (args,)
        return module(*args, **(kwargs or {}))
    finally:
        for store, attr, original, was_there in reversed(swapped):
            if was_there:
                store[attr] = original
            else:
                del store[attr]
