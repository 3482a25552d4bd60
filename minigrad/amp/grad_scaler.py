"""GradScaler: dynamic loss scaling, the guard that makes float16 training safe.

In float16, small gradients underflow to 0. Multiplying the loss by a large factor S scales
every gradient by S (the chain rule is linear), lifting them into range; dividing them by S
before the step undoes it. If any scaled gradient overflowed to inf or nan, the step is
skipped and S shrinks (× backoff_factor); after ``growth_interval`` clean steps S grows
(× growth_factor). In float32 nothing underflows, so the scaling is harmless but also
unnecessary; ``enabled=False`` turns it into a pass-through, as PyTorch's does.
"""

import math

from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError


class GradScaler:
    """``scaler.scale(loss).backward(); scaler.step(optimizer); scaler.update()``, as in PyTorch."""

    def __init__(self, device="cuda", init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        if growth_factor <= 1.0 or not 0.0 < backoff_factor < 1.0:
            raise ArgumentError("GradScaler: growth_factor must be > 1 and backoff_factor in (0, 1)")
        self._enabled = enabled
        self._scale = float(init_scale)
        self._growth_factor, self._backoff_factor = float(growth_factor), float(backoff_factor)
        self._growth_interval = int(growth_interval)
        self._growth_tracker = 0
        self._found_inf = {}  # per optimizer (by id) in this iteration: did its gradients overflow?
        self._unscaled = set()

    def is_enabled(self):
        return self._enabled

    def get_scale(self):
        return self._scale if self._enabled else 1.0

    def scale(self, outputs):
        """outputs × S (a tensor, or a list/tuple of them)."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        return outputs * self._scale

    def unscale_(self, optimizer):
        """Divide the optimizer's gradients by S in place, and note whether any is inf or nan."""
        if not self._enabled:
            return
        if id(optimizer) in self._unscaled:
            raise ArgumentError("GradScaler.unscale_: already called on this optimizer since the last update()")
        inv = 1.0 / self._scale
        found = False
        with no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = p.grad.array
                    g *= inv
                    if not bool(p.grad.xp.isfinite(g).all()):
                        found = True
        self._found_inf[id(optimizer)] = found
        self._unscaled.add(id(optimizer))

    def step(self, optimizer, *args, **kwargs):
        """Unscale (if not done yet) and step, unless a gradient overflowed."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if id(optimizer) not in self._unscaled:
            self.unscale_(optimizer)
        if self._found_inf[id(optimizer)]:
            return None
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None):
        """Shrink S after an overflow, grow it after growth_interval clean steps."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale.item() if hasattr(new_scale, "item") else new_scale)
        elif any(self._found_inf.values()):
            self._scale *= self._backoff_factor
            self._growth_tracker = 0
        else:
            self._growth_tracker += 1
            if self._growth_tracker == self._growth_interval:
                grown = self._scale * self._growth_factor
                self._scale = grown if math.isfinite(grown) else self._scale
                self._growth_tracker = 0
        self._found_inf.clear()
        self._unscaled.clear()

    def state_dict(self):
        if not self._enabled:
            return {}
        return {"scale": self._scale, "growth_factor": self._growth_factor, "backoff_factor": self._backoff_factor,
                "growth_interval": self._growth_interval, "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state_dict):
        if not state_dict:
            return
        self._scale = float(state_dict["scale"])
        self._growth_factor = float(state_dict["growth_factor"])
        self._backoff_factor = float(state_dict["backoff_factor"])
        self._growth_interval = int(state_dict["growth_interval"])
        self._growth_tracker = int(state_dict["_growth_tracker"])
