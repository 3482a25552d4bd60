"""``minigrad.utils.checkpoint``: PyTorch's activation checkpointing, by name.

``checkpoint(fn, *args)`` in PyTorch saves memory by keeping only ``fn``'s inputs and
recomputing its inside during backward. Here it simply calls ``fn``: the results and
gradients are exactly those of the checkpointed call, without the memory saving (a
documented difference; minigrad's graphs free each saved array as soon as backward is past it).
"""


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default", debug=False,
               preserve_rng_state=True, **kwargs):
    return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):
    """Run the modules of ``functions`` (a Sequential or a list) one after another."""
    modules = list(functions.children()) if hasattr(functions, "children") else list(functions)
    for module in modules:
        input = module(input)
    return input
