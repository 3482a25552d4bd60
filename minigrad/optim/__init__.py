"""Optimizers: the update rules that turn gradients into parameter changes.

Each rule lives in its own file with its formula in the docstring: ``SGD`` (with momentum and
Nesterov), ``Adam`` (and AMSGrad), ``AdamW``, ``RMSprop``, ``Adagrad``. ``Optimizer`` is their
base (parameter groups, per-parameter state, ``zero_grad``, state dicts), and
``optim.lr_scheduler`` changes their learning rates over time.
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "lr_scheduler"]
