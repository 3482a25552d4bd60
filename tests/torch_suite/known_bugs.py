"""Cases of the suite that fail on a real minigrad bug not fixed yet: name (or name-dtype) -> reason.

They run as strict xfails, so each stays visible and the suite fails once it is fixed (then delete
its line here).
"""

KNOWN_BUGS = {
    # missing API
    "torch.logspace": "minigrad has no logspace (creation.py)",
    "torch.tanh int": "tanh of an int tensor raises DTypeError; torch gives float32 (ops/activation.py)",
    "torch.erf int": "erf of an int tensor raises DTypeError; torch gives float32 (ops/activation.py)",
    "torch.sigmoid int": "sigmoid of an int tensor raises DTypeError; torch gives float32 as exp does (ops/activation.py)",
    "F.pdist": "minigrad.nn.functional has no pdist",
    "F.alpha_dropout eval": "minigrad.nn.functional has no alpha_dropout",
    "torch.special.erfcx": "minigrad.special has no erfcx",
    "torch.special.i0": "minigrad.special has no i0",
    "x.type() string": "x.type() without a dtype (the type name, 'torch.FloatTensor') is not supported (tensor.py)",
    "x.sum(dtype int)": "int64.sum(dtype=int32) gives int64; torch int32 (ops/reduction.py)",
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
    "zeros dtype string": "zeros(2, dtype='float32') accepts a string dtype; torch raises TypeError (creation.py)",
    "tensor of strings": "tensor(['a']) raises DTypeError (TypeError); torch ValueError (creation.py)",
    "full bad size type": "full(3, 1.0) accepts an int size; torch raises TypeError (creation.py)",
    "arange huge negative range": "arange(5, 0, 1) gives an empty tensor; torch raises RuntimeError (creation.py)",
    "view non-contiguous": "x.t().view(6) copies (ops/shape.py view is reshape); torch raises RuntimeError as the "
                           "strides cannot express it",
    "F.conv2d negative padding": "conv2d: negative padding raises ArgumentError (ValueError); torch RuntimeError",
    "F.conv2d zero stride": "conv2d: stride 0 raises ArgumentError (ValueError); torch RuntimeError",
    "nn.Conv2d zero stride": "nn.Conv2d: stride 0 raises ArgumentError (ValueError); torch RuntimeError",
    "F.avg_pool2d zero stride": "avg_pool2d: stride 0 raises ArgumentError (ValueError); torch RuntimeError",
    "numpy of grad tensor": "x.numpy() on a tensor that requires grad does not raise; torch RuntimeError",
    "int requires_grad": "requires_grad on an int tensor raises DTypeError (TypeError); torch RuntimeError",
    "bool subtraction": "bool - bool raises DTypeError (TypeError); torch RuntimeError",
    "bool negation": "-bool raises DTypeError (TypeError); torch RuntimeError",
}
