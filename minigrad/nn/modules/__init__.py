"""``torch.nn.modules``' import paths, for programs that import layers from where PyTorch
defines them:

    from minigrad.nn.modules.loss import _Loss            # a custom loss's base class
    from minigrad.nn.modules.batchnorm import _BatchNorm
    from minigrad.nn.modules.utils import _pair

Each submodule below holds the very classes of minigrad.nn (not copies, so isinstance checks
agree), gathered from the files that define them; ``utils`` is a file of its own.
"""

import importlib
import sys
import types

from . import utils

# PyTorch's submodule -> the minigrad.nn files whose classes and functions it holds
SOURCES = {
    "module": ["module"], "linear": ["linear"], "conv": ["conv", "lazy"], "activation": ["activation", "attention"],
    "loss": ["loss"], "batchnorm": ["normalization", "lazy"], "normalization": ["normalization", "groupnorm",
                                                                          "local_response_norm"],
    "instancenorm": ["instancenorm", "lazy"], "pooling": ["pooling"], "dropout": ["dropout"], "rnn": ["rnn"],
    "sparse": ["embedding", "embedding_bag"], "container": ["containers"], "flatten": ["flatten"],
    "padding": ["padding"], "pixelshuffle": ["pixelshuffle"], "channelshuffle": ["pixelshuffle"],
    "upsampling": ["upsampling"], "distance": ["distance"], "fold": ["fold"],
    "transformer": ["transformer", "transformer_decoder", "transformer_model"], "adaptive": ["adaptive"],
}
ALIASES = {"batchnorm": {"_NormBase": "NormBase"}}  # PyTorch's name -> minigrad's


def _defined_in(module):
    """The classes and functions a file defines (not the names it imports)."""
    return {name: obj for name, obj in vars(module).items()
            if isinstance(obj, (type, types.FunctionType)) and obj.__module__ == module.__name__}


def _alias_module(name, files):
    alias = types.ModuleType(f"{__name__}.{name}", f"torch.nn.modules.{name}: minigrad.nn's "
                             f"{', '.join(files)}.")
    for file in files:
        alias.__dict__.update(_defined_in(importlib.import_module(f"minigrad.nn.{file}")))
    for torch_name, ours in ALIASES.get(name, {}).items():
        setattr(alias, torch_name, getattr(alias, ours))
    return alias


for _name, _files in SOURCES.items():
    sys.modules[f"{__name__}.{_name}"] = globals()[_name] = _alias_module(_name, _files)
    # the layers themselves too, as torch.nn.modules.Linear
    globals().update({k: v for k, v in vars(globals()[_name]).items() if isinstance(v, type) and k[0] != "_"})

__all__ = ["utils", *SOURCES]
