"""``keras.optimizers.schedules``: learning rates that change with the step count.

A schedule is called with the optimizer's ``iterations`` (the number of updates done so far)
and returns the learning rate of the next update: ``Adam(learning_rate=ExponentialDecay(...))``.
"""

import math

from ..errors import ArgumentError


class LearningRateSchedule:
    """The base class: ``schedule(step)`` is the learning rate at that step."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        return dict(self.__dict__)

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _RatioDecay(LearningRateSchedule):
    """The two decays below take the same arguments and differ only in how they use step / decay_steps."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
        if decay_steps <= 0:
            raise ArgumentError(f"{type(self).__name__}: decay_steps must be > 0, got {decay_steps}")
        self.initial_learning_rate, self.decay_steps, self.decay_rate = initial_learning_rate, decay_steps, decay_rate
        self.staircase, self.name = staircase, name or type(self).__name__

    def _ratio(self, step):
        """step / decay_steps, floored with ``staircase``."""
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p


class ExponentialDecay(_RatioDecay):
    """lr = initial · decay_rate^(step / decay_steps) (the exponent floored with ``staircase``)."""

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._ratio(step)


class InverseTimeDecay(_RatioDecay):
    """lr = initial / (1 + decay_rate · step / decay_steps) (the ratio floored with ``staircase``)."""

    def __call__(self, step):
        return self.initial_learning_rate / (1 + self.decay_rate * self._ratio(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] up to boundaries[0] (included), values[1] up to boundaries[1], ..., values[-1] after."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(values) != len(boundaries) + 1:
            raise ArgumentError(f"PiecewiseConstantDecay: expected one more value than boundaries, got "
                                f"{len(boundaries)} boundaries and {len(values)} values")
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]


class CosineDecay(LearningRateSchedule):
    """Half a cosine from ``initial_learning_rate`` down to alpha · initial over ``decay_steps``,
    after an optional linear warm-up to ``warmup_target`` over ``warmup_steps``::

        lr = initial · ((1 - alpha) · ½ (1 + cos(π · min(step, decay_steps) / decay_steps)) + alpha)
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay", warmup_target=None,
                 warmup_steps=0):
        if decay_steps <= 0:
            raise ArgumentError(f"CosineDecay: decay_steps must be > 0, got {decay_steps}")
        self.initial_learning_rate, self.decay_steps, self.alpha = initial_learning_rate, decay_steps, alpha
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def __call__(self, step):
        start = self.initial_learning_rate
        if self.warmup_target is not None:
            if step < self.warmup_steps:
                return start + (self.warmup_target - start) * step / self.warmup_steps
            start, step = self.warmup_target, step - self.warmup_steps
        fraction = min(step, self.decay_steps) / self.decay_steps
        return start * ((1 - self.alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + self.alpha)


__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay", "CosineDecay"]
