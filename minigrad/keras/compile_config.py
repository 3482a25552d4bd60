"""``compile``'s arguments as JSON, so a saved model comes back compiled.

``model.save`` stores ``get_compile_config()`` next to the architecture, and ``load_model``
hands it to ``compile_from_config``, as Keras does: the loaded model can ``evaluate`` and
``fit`` at once. What each argument becomes:

- names (``"adam"``, ``"mse"``, ``"accuracy"``), numbers, None: themselves;
- lists and dicts (one loss per output, metrics per output): the same nest, element by element;
- an optimizer, loss, metric or learning-rate schedule object:
  ``{"module": "keras.losses", "class_name": "BinaryCrossentropy", "config": {...}}``, its
  ``get_config()`` (itself serialised: an optimizer's schedule nests inside it);
- one of Keras's loss or metric functions (``keras.losses.mean_squared_error``): its name.

Anything else (a function of your own, a lambda learning rate, a PyTorch-style optimizer)
cannot be written as JSON: ``serialize`` raises ``ArgumentError`` naming it.
"""

import numpy as np

from ..errors import ArgumentError
from . import losses, metrics, optimizers, schedules

_MODULES = {"keras.optimizers": optimizers, "keras.losses": losses, "keras.metrics": metrics,
            "keras.optimizers.schedules": schedules}
_BASES = ((optimizers.Optimizer, "keras.optimizers"), (losses.Loss, "keras.losses"),
          (metrics.Metric, "keras.metrics"), (schedules.LearningRateSchedule, "keras.optimizers.schedules"))


def serialize(value, where="compile"):
    """``value`` (a compile argument) as JSON-ready data; see the module docstring."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, np.generic):  # a NumPy number (a learning rate a callback set): a Python one
        return value.item()
    if isinstance(value, (list, tuple)):
        return [serialize(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): serialize(v, f"{where}[{k!r}]") for k, v in value.items()}
    for base, module in _BASES:
        if isinstance(value, base):
            return {"module": module, "class_name": type(value).__name__,
                    "config": serialize(value.get_config(), f"{where}: {type(value).__name__}")}
    name = getattr(value, "__name__", None)
    if callable(value) and name is not None and any(f is value for f in _known_functions(name)):
        return name
    raise ArgumentError(f"{where}: cannot save {value!r} (of type {type(value).__name__}) as a compile setting; "
                        "use names, numbers or keras.optimizers / losses / metrics objects")


def deserialize(value):
    """The compile argument ``serialize`` wrote: objects remade from their configs."""
    if isinstance(value, list):
        return [deserialize(v) for v in value]
    if isinstance(value, dict) and set(value) == {"module", "class_name", "config"} and value["module"] in _MODULES:
        cls = getattr(_MODULES[value["module"]], value["class_name"], None)
        if not isinstance(cls, type):
            raise ArgumentError(f"compile config: unknown {value['module']} class {value['class_name']!r}")
        return cls.from_config(deserialize(value["config"]))
    if isinstance(value, dict):
        return {k: deserialize(v) for k, v in value.items()}
    return value


def _known_functions(name):
    """The loss and metric functions Keras knows by ``name`` (what that name means in compile)."""
    found = []
    for module in (losses, metrics):
        try:
            f = module.get(name)
        except ArgumentError:
            continue
        if callable(f) and not isinstance(f, (losses.Loss, metrics.Metric)):
            found.append(f)
    return found
