"""Keras's optimizers: built without parameters, given them at the first ``apply``.

A Keras optimizer is made before the model has weights (``Adam(learning_rate=1e-3)`` or just
``compile(optimizer="adam")``) and meets the variables at its first ``apply(grads, variables)``,
where it creates their state. One step, as Keras runs it::

    g = clip(g)                      clipnorm / global_clipnorm / clipvalue, if set
    θ = θ - lr · λ · θ               weight decay, decoupled from the gradient, if weight_decay=λ
    θ = update_step(g, θ, lr)        the rule of each optimizer below
    iterations += 1

The rules are Keras's own and differ from PyTorch's in small ways that change the numbers:
Keras's Adam adds ε to √v *before* the bias correction (PyTorch after it), its RMSprop adds ε
inside the square root, its Adagrad starts the accumulator at 0.1 and adds ε inside the root,
and every ε defaults to 1e-7. Updates run on the raw arrays under ``no_grad``, in place, so
the model sees them and no graph records them.
"""

import math

import numpy as np

from ..autograd.grad_mode import no_grad
from ..backend import get_array_module, to_device
from ..errors import ArgumentError, ShapeError
from . import schedules  # noqa: F401  (keras.optimizers.schedules)

_BASE_ARGS = ("weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "name")


class Optimizer:
    """The base of every Keras optimizer: learning rate, clipping, weight decay, iterations.

    ``learning_rate`` is a number, a schedule (a callable taking the iteration count, as
    ``keras.optimizers.schedules`` are) or a callable of no arguments; callbacks such as
    ``ReduceLROnPlateau`` assign a new number to it between epochs.
    """

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 name=None, **kwargs):
        name = name or _snake(type(self).__name__)
        if kwargs:
            raise ArgumentError(f"{type(self).__name__}: argument(s) not recognized: {kwargs}"
                                + (" (Keras 3 names it learning_rate)" if "lr" in kwargs else ""))
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ArgumentError(f"{type(self).__name__}: only one of clipnorm, clipvalue and global_clipnorm "
                                f"can be set, got clipnorm={clipnorm}, clipvalue={clipvalue}, "
                                f"global_clipnorm={global_clipnorm}")
        self.name = name
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.iterations = 0
        self.built = False
        self._state = {}  # each variable (a Parameter) -> its dict of slot arrays
        self._no_decay_ids, self._no_decay_names = set(), ()

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self._current_learning_rate():g}>"

    # ---- the learning rate ------------------------------------------------------------------
    def _current_learning_rate(self):
        lr = self.learning_rate
        if callable(lr):
            try:
                return float(lr(self.iterations))  # a schedule of the step
            except TypeError:
                return float(lr())
        return float(lr)

    # ---- state ------------------------------------------------------------------------------
    def build(self, variables):
        """Create the state (momenta, moments, accumulators) of each variable."""
        for v in variables:
            if v not in self._state:
                self._state[v] = self.build_variable(get_array_module(v.array), v.array)
        self.built = True

    def build_variable(self, xp, array):
        """The slot arrays of one variable (subclasses): a dict of arrays shaped like it."""
        return {}

    @property
    def variables(self):
        """The state arrays, variable by variable, in the order the variables were first seen."""
        return [slot for slots in self._state.values() for slot in slots.values()]

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Leave these variables, or those whose name holds one of ``var_names``, undecayed."""
        self._no_decay_ids |= {id(v) for v in var_list or ()}
        self._no_decay_names = tuple(var_names or ())

    def _decays(self, variable):
        if id(variable) in self._no_decay_ids:
            return False
        name = getattr(variable, "name", None) or ""
        return not any(part in name for part in self._no_decay_names)

    # ---- one step ---------------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        """Keras's older form of ``apply``: an iterable of (gradient, variable) pairs."""
        pairs = list(grads_and_vars)
        return self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def apply(self, grads, trainable_variables):
        """One update of ``trainable_variables`` (Parameters) from ``grads`` (Tensors, arrays or None).

        A variable whose gradient is None took no part in the loss and is left as it is.
        """
        grads, trainable_variables = list(grads), list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ArgumentError(f"{type(self).__name__}.apply: got {len(grads)} gradients for "
                                f"{len(trainable_variables)} variables")
        pairs = [(_raw(g), v) for g, v in zip(grads, trainable_variables) if g is not None]
        self.build([v for _, v in pairs])
        lr = self._current_learning_rate()
        with no_grad():
            arrays = self._clip([g for g, _ in pairs])
            for g, v in zip(arrays, (v for _, v in pairs)):
                p = v.array
                if g.shape != p.shape:
                    raise ShapeError(f"{type(self).__name__}.apply: a variable of shape {tuple(p.shape)} "
                                     f"got a gradient of shape {tuple(g.shape)}")
                g = g.astype(p.dtype, copy=False)
                if self.weight_decay and self._decays(v):
                    p -= p * (self.weight_decay * lr)  # decoupled: θ shrinks whatever the gradient
                self.update_step(g, p, lr, self._state[v])
                v._vbox[0] += 1  # the version counter: a graph that saved the old value sees it changed
        self.iterations += 1

    def _clip(self, grads):
        """Keras's gradient clipping: each by its own norm, all by their joint norm, or each entry."""
        if self.clipnorm:
            c = self.clipnorm
            return [g * c / max(_l2(g), c) for g in grads]
        if self.global_clipnorm:
            total = math.sqrt(sum(_l2(g) ** 2 for g in grads))
            scale = self.global_clipnorm * min(1.0 / total if total else math.inf, 1.0 / self.global_clipnorm)
            return [g * scale for g in grads]
        if self.clipvalue:
            xp = get_array_module(*grads) if grads else None
            return [xp.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def update_step(self, g, p, lr, slots):
        """Change the array ``p`` in place from its gradient ``g`` (subclasses)."""
        raise NotImplementedError

    # ---- the state, saved with a model ------------------------------------------------------
    def state_arrays(self, variables):
        """The slot arrays of ``variables``, variable by variable, as NumPy copies (state is made
        first for a variable that has none yet): what ``model.save`` stores."""
        self.build(variables)
        return [np.array(to_device(slot, "cpu")) for v in variables for slot in self._state[v].values()]

    def load_state_arrays(self, variables, arrays, iterations):
        """Put back what ``state_arrays`` gave (for the same variables, in the same order)."""
        self.build(variables)
        slots = [(v, name) for v in variables for name in self._state[v]]
        if len(slots) != len(arrays):
            raise ShapeError(f"{type(self).__name__}: the saved optimizer state has {len(arrays)} arrays, "
                             f"this model's optimizer needs {len(slots)}")
        for (v, name), a in zip(slots, arrays):
            mine = self._state[v][name]
            if tuple(np.shape(a)) != tuple(mine.shape):
                raise ShapeError(f"{type(self).__name__}: saved slot {name!r} has shape {tuple(np.shape(a))}, "
                                 f"the variable's is {tuple(mine.shape)}")
            mine[...] = to_device(np.asarray(a, dtype=mine.dtype), v.device)
        self.iterations = int(iterations)

    # ---- configuration ----------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "learning_rate": self.learning_rate}
        config.update({k: getattr(self, k) for k in _BASE_ARGS if k != "name"})
        config.update({k: getattr(self, k) for k in self._own_args})
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    _own_args = ()


class SGD(Optimizer):
    """Stochastic gradient descent, with Keras's momentum form::

        m = μ m - lr g                 (m₀ = 0; momentum μ)
        θ = θ + m                      or, with nesterov, θ = θ + μ m - lr g
        θ = θ - lr g                   when μ = 0

    PyTorch keeps the velocity without the learning rate (b = μ b + g; θ -= lr b): the same
    steps while lr is constant, different ones after the learning rate changes.
    """

    _own_args = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        if not 0 <= momentum <= 1:
            raise ArgumentError(f"SGD: momentum must be in [0, 1], got {momentum}")
        super().__init__(learning_rate, **kwargs)
        self.momentum, self.nesterov = momentum, nesterov

    def build_variable(self, xp, array):
        return {"momentum": xp.zeros_like(array)} if self.momentum else {}

    def update_step(self, g, p, lr, slots):
        if not self.momentum:
            p -= lr * g
            return
        m = slots["momentum"]
        m *= self.momentum
        m -= lr * g
        p += self.momentum * m - lr * g if self.nesterov else m


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), as Keras writes it::

        v = ρ v + (1 - ρ) g²           running mean of g²                 (v₀ = 0)
        a = ρ a + (1 - ρ) g            if centered: running mean of g
        Δ = lr g / √(v - a² + ε)       centered;   lr g / √(v + ε) otherwise
        m = μ m + Δ; θ = θ - m         with momentum μ;   θ = θ - Δ without

    ε sits inside the square root (PyTorch adds it outside), and defaults to 1e-7.
    """

    _own_args = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build_variable(self, xp, array):
        slots = {"velocity": xp.zeros_like(array)}
        if self.momentum > 0:
            slots["momentum"] = xp.zeros_like(array)
        if self.centered:
            slots["average_gradient"] = xp.zeros_like(array)
        return slots

    def update_step(self, g, p, lr, slots):
        xp, rho = get_array_module(p), self.rho
        v = slots["velocity"]
        v *= rho
        v += (1 - rho) * g * g
        if self.centered:
            a = slots["average_gradient"]
            a *= rho
            a += (1 - rho) * g
            step = lr * g / xp.sqrt(v - a * a + self.epsilon)
        else:
            step = lr * g / xp.sqrt(v + self.epsilon)
        if self.momentum > 0:
            m = slots["momentum"]
            m *= self.momentum
            m += step
            step = m
        p -= step


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), in the paper's "efficient" form that Keras uses::

        m = β₁ m + (1 - β₁) g          (m₀ = 0)
        v = β₂ v + (1 - β₂) g²         (v₀ = 0);   v = max(v_max, v) with amsgrad
        α = lr √(1 - β₂ᵗ) / (1 - β₁ᵗ)  both bias corrections folded into the step size
        θ = θ - α m / (√v + ε)

    ε is added to the *uncorrected* √v. PyTorch adds it to √v̂ = √v / √(1 - β₂ᵗ), which makes
    its ε effectively √(1 - β₂ᵗ) times smaller; with Keras's default ε = 1e-7 (PyTorch's 1e-8)
    the first steps of the two differ noticeably when gradients are small.
    """

    _own_args = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def build_variable(self, xp, array):
        slots = {"momentum": xp.zeros_like(array), "velocity": xp.zeros_like(array)}
        if self.amsgrad:
            slots["velocity_hat"] = xp.zeros_like(array)
        return slots

    def update_step(self, g, p, lr, slots):
        xp, b1, b2 = get_array_module(p), self.beta_1, self.beta_2
        t = self.iterations + 1
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        m, v = slots["momentum"], slots["velocity"]
        m += (g - m) * (1 - b1)  # = β₁ m + (1 - β₁) g
        v += (g * g - v) * (1 - b2)
        if self.amsgrad:
            v_hat = slots["velocity_hat"]
            xp.maximum(v_hat, v, out=v_hat)
            v = v_hat
        p -= (m * alpha) / (xp.sqrt(v) + self.epsilon)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): the base class's
    ``θ = θ - lr λ θ`` before the Adam step, with Keras's default λ = 0.004 (PyTorch: 0.01)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ArgumentError("AdamW: weight_decay must be a number, got None")
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         weight_decay=weight_decay, **kwargs)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as Keras writes it::

        s = s + g²                     (s₀ = initial_accumulator_value = 0.1)
        θ = θ - lr g / √(s + ε)

    The accumulator starts at 0.1 (PyTorch: 0) and ε sits inside the root (PyTorch: outside).
    """

    _own_args = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build_variable(self, xp, array):
        return {"accumulator": xp.full_like(array, self.initial_accumulator_value)}

    def update_step(self, g, p, lr, slots):
        xp = get_array_module(p)
        s = slots["accumulator"]
        s += g * g
        p -= lr * g / xp.sqrt(s + self.epsilon)


_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "adagrad": Adagrad}


def get(identifier):
    """An optimizer from a name (``"adam"``, any case), a config dict or an optimizer object."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ArgumentError(f"keras.optimizers.get: unknown optimizer {identifier!r}; "
                                f"known names: {', '.join(sorted(_BY_NAME))}")
        return cls()
    if isinstance(identifier, dict) and "class_name" in identifier:
        return get(identifier["class_name"]).from_config(identifier.get("config", {}))
    raise ArgumentError(f"keras.optimizers.get: could not interpret optimizer identifier {identifier!r}")


def _raw(g):
    """The array of a gradient given as a Tensor or an array."""
    return g.array if hasattr(g, "array") else g


def _l2(g):
    xp = get_array_module(g)
    return float(xp.sqrt((g.astype(xp.float64) ** 2).sum()))


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() and i and not name[i - 1].isupper() else c.lower()
                   for i, c in enumerate(name))
