"""Cases of the suite that fail on a real minigrad bug not fixed yet: name (or name-dtype) -> reason.

They run as strict xfails, so each stays visible and the suite fails once it is fixed (then delete
its line here).
"""

KNOWN_BUGS = {
    # missing API
    "torch.logspace": "minigrad has no logspace (creation.py)",
    "y.unsqueeze_": "no in-place shape methods: unsqueeze_ (ops/inplace.py)",
    "x.t_()": "no in-place shape methods: t_ (ops/inplace.py)",
    "x.squeeze_()": "no in-place shape methods: squeeze_ (ops/inplace.py)",
    "x.transpose_": "no in-place shape methods: transpose_ (ops/inplace.py)",
    "x.resize_ shape": "no Tensor.resize_",
    "torch.tanh int": "tanh of an int tensor raises DTypeError; torch gives float32 (ops/activation.py)",
    "torch.erf int": "erf of an int tensor raises DTypeError; torch gives float32 (ops/activation.py)",
    "torch.sigmoid int": "sigmoid of an int tensor raises DTypeError; torch gives float32 as exp does (ops/activation.py)",
    "torch.special.erfcx": "minigrad.special has no erfcx",
    "torch.special.i0": "minigrad.special has no i0",
    # error types differ from torch's
    "conv2d same stride": "conv2d: padding='same' with stride>1 raises ArgumentError (ValueError); torch RuntimeError",
    "conv2d bad padding string": "conv2d: unknown padding string raises ArgumentError (ValueError); torch RuntimeError",
    "max_pool2d pad too big": "max_pool2d: padding > kernel/2 raises ArgumentError (ValueError); torch RuntimeError",
    "cross_entropy float target shape": "cross_entropy: float target of the wrong shape raises DTypeError "
                                        "(TypeError); torch RuntimeError",
    "binary_cross_entropy out of range": "binary_cross_entropy: input outside [0, 1] raises ArgumentError "
                                         "(ValueError); torch RuntimeError",
    "max_pool2d kernel zero": "max_pool2d: kernel_size 0 raises ArgumentError (ValueError); torch RuntimeError",
    "conv_transpose2d bad output_padding": "conv_transpose2d: output_padding >= stride raises ArgumentError "
                                           "(ValueError); torch RuntimeError",
    "Parameter of ints grad": "nn.Parameter of an int tensor raises DTypeError (TypeError); torch RuntimeError",
    "numpy of grad tensor": "x.numpy() on a tensor that requires grad does not raise; torch RuntimeError",
    "int requires_grad": "requires_grad on an int tensor raises DTypeError (TypeError); torch RuntimeError",
    "bool subtraction": "bool - bool raises DTypeError (TypeError); torch RuntimeError",
    "bool negation": "-bool raises DTypeError (TypeError); torch RuntimeError",
}
