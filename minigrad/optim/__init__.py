"""Optimizers: the update rules that turn gradients into parameter changes.

Each rule lives in its own file with its formula in the docstring: ``SGD`` (with momentum and
Nesterov), ``Adam`` (and AMSGrad), ``AdamW``, ``NAdam``, ``RAdam``, ``Adamax``, ``RMSprop``,
``Adagrad``, ``Adadelta``, ``ASGD``, ``Rprop`` and the quasi-Newton ``LBFGS`` (with its strong
Wolfe line search in ``line_search.py``). ``Optimizer`` is their
base (parameter groups, per-parameter state, ``zero_grad``, state dicts), and
``optim.lr_scheduler`` changes their learning rates over time; ``optim.swa_utils`` averages a
model's weights (SWA, EMA).
"""

from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "NAdam", "RAdam", "Adamax", "RMSprop", "Adagrad", "Adadelta",
           "ASGD", "Rprop", "LBFGS", "lr_scheduler", "swa_utils"]
