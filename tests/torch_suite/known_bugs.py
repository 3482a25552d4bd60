"""Cases of the suite that fail on a real minigrad bug not fixed yet: name (or name-dtype) -> reason.

They run as strict xfails, so each stays visible and the suite fails once it is fixed (then delete
its line here).
"""

KNOWN_BUGS = {
    # missing API, wrong result dtypes
    # error types differ from torch's
    "zeros dtype string": "zeros(2, dtype='float32') accepts a string dtype, deliberately (docs/differences-from-"
                          "pytorch.md); torch raises TypeError",
    "tensor of strings": "tensor(['a']) raises DTypeError (TypeError); torch ValueError (creation.py)",
    "full bad size type": "full(3, 1.0) accepts an int size; torch raises TypeError (creation.py)",
    "numpy of grad tensor": "x.numpy() on a tensor that requires grad does not raise; torch RuntimeError",
    "bool negation": "-bool raises DTypeError (TypeError); torch RuntimeError",
}
