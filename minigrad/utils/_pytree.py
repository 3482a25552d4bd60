"""``torch.utils._pytree``: nested containers ("pytrees") flattened to their leaves and back.

A pytree is a leaf (a tensor, a number, anything not a registered container) or a container
of pytrees: list, tuple, named tuple, dict, OrderedDict, defaultdict, or a type registered with
``register_pytree_node``. ``tree_flatten(tree)`` gives the leaves in order and a ``TreeSpec``
(the shape of the nesting); ``tree_unflatten(leaves, spec)`` rebuilds the tree from new leaves;
``tree_map(fn, tree)`` is the two around ``fn`` applied to every leaf.
"""

from collections import OrderedDict, defaultdict, namedtuple

# type -> (flatten: node -> (children, context), unflatten: (children, context) -> node)
SUPPORTED_NODES = {}


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None):
    """Make ``cls`` a container: ``flatten_fn(node) -> (children, context)`` and
    ``unflatten_fn(children, context) -> node``."""
    SUPPORTED_NODES[cls] = (flatten_fn, unflatten_fn)


register_pytree_node(list, lambda x: (list(x), None), lambda children, _: list(children))
register_pytree_node(tuple, lambda x: (list(x), None), lambda children, _: tuple(children))
register_pytree_node(dict, lambda x: (list(x.values()), list(x)), lambda children, keys: dict(zip(keys, children)))
register_pytree_node(OrderedDict, lambda x: (list(x.values()), list(x)),
                     lambda children, keys: OrderedDict(zip(keys, children)))
register_pytree_node(defaultdict, lambda x: (list(x.values()), (x.default_factory, list(x))),
                     lambda children, context: defaultdict(context[0], zip(context[1], children)))


def is_namedtuple(obj):
    cls = obj if isinstance(obj, type) else type(obj)
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


def _node_type(tree):
    if is_namedtuple(tree):
        return namedtuple  # (stands for every named tuple class; the class is the context)
    return type(tree) if type(tree) in SUPPORTED_NODES else None


def _flatten_node(tree, kind):
    if kind is namedtuple:
        return list(tree), type(tree)
    return SUPPORTED_NODES[kind][0](tree)


def _unflatten_node(kind, children, context):
    if kind is namedtuple:
        return context(*children)
    return SUPPORTED_NODES[kind][1](children, context)


class TreeSpec:
    """The shape of a pytree: its node type, the node's context (dict keys, ...) and the specs
    of its children; ``num_leaves`` counts the leaves under it."""

    def __init__(self, type, context, children_specs):
        self.type, self.context, self.children_specs = type, context, list(children_specs)
        self.num_leaves = sum(c.num_leaves for c in self.children_specs)
        self.num_children = len(self.children_specs)

    def is_leaf(self):
        return False

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and not other.is_leaf() and self.type == other.type
                and self.context == other.context and self.children_specs == other.children_specs)

    def __repr__(self):
        name = getattr(self.type, "__name__", str(self.type))
        return f"TreeSpec({name}, {self.context}, [{', '.join(map(repr, self.children_specs))}])"

    def unflatten(self, leaves):
        return tree_unflatten(leaves, self)


class LeafSpec(TreeSpec):
    """The spec of one leaf."""

    def __init__(self):
        super().__init__(None, None, [])
        self.num_leaves = 1

    def is_leaf(self):
        return True

    def __eq__(self, other):
        return isinstance(other, LeafSpec)

    def __repr__(self):
        return "*"


def tree_flatten(tree, is_leaf=None):
    """(leaves in order, TreeSpec); ``is_leaf(node)`` True stops the descent at that node."""
    leaves = []

    def walk(node):
        kind = None if is_leaf is not None and is_leaf(node) else _node_type(node)
        if kind is None:
            leaves.append(node)
            return LeafSpec()
        children, context = _flatten_node(node, kind)
        return TreeSpec(kind, context, [walk(c) for c in children])

    return leaves, walk(tree)


def tree_unflatten(leaves, treespec):
    """The pytree of shape ``treespec`` holding ``leaves`` (as many as it has)."""
    leaves = list(leaves)
    if len(leaves) != treespec.num_leaves:
        raise ValueError(f"tree_unflatten: treespec expects {treespec.num_leaves} leaves, got {len(leaves)}")
    position = iter(leaves)

    def build(spec):
        if spec.is_leaf():
            return next(position)
        return _unflatten_node(spec.type, [build(c) for c in spec.children_specs], spec.context)

    return build(treespec)


def tree_leaves(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None):
    return tree_flatten(tree, is_leaf)[1]


def tree_map(fn, tree, *rest, is_leaf=None):
    """The pytree of the same shape with fn(leaf, *the matching leaves of rest) at each leaf."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = []
    for other in rest:
        other_leaves, other_spec = tree_flatten(other, is_leaf)
        if other_spec != spec:
            raise ValueError(f"tree_map: the trees differ in structure: {spec} and {other_spec}")
        others.append(other_leaves)
    return tree_unflatten([fn(*args) for args in zip(leaves, *others)], spec)


def tree_map_only(type_or_types, fn, tree, is_leaf=None):
    """tree_map over the leaves that are instances of ``type_or_types``; the others are kept."""
    return tree_map(lambda x: fn(x) if isinstance(x, type_or_types) else x, tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None):
    return all(map(pred, tree_leaves(tree, is_leaf)))


def tree_any(pred, tree, is_leaf=None):
    return any(map(pred, tree_leaves(tree, is_leaf)))


def tree_all_only(type_or_types, pred, tree, is_leaf=None):
    return all(pred(x) for x in tree_leaves(tree, is_leaf) if isinstance(x, type_or_types))


def tree_any_only(type_or_types, pred, tree, is_leaf=None):
    return any(pred(x) for x in tree_leaves(tree, is_leaf) if isinstance(x, type_or_types))


__all__ = ["TreeSpec", "LeafSpec", "register_pytree_node", "tree_flatten", "tree_unflatten", "tree_leaves",
           "tree_structure", "tree_map", "tree_map_only", "tree_all", "tree_any", "tree_all_only", "tree_any_only",
           "SUPPORTED_NODES", "is_namedtuple"]
