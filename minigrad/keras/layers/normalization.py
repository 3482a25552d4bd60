"""BatchNormalization and LayerNormalization, with Keras's defaults (epsilon 1e-3).

Both compute y = gamma * (x - mean) / sqrt(var + epsilon) + beta, with the biased variance
(the mean of squared deviations), composed from minigrad ops so autograd gives the backward.

- BatchNormalization: mean and var over every axis but ``axis`` (the channels). In training
  they are the batch's, and the moving averages move towards them:
      moving_mean = momentum * moving_mean + (1 - momentum) * mean   (momentum 0.99; PyTorch's
  ``momentum`` is the other weight, 0.1, and PyTorch keeps the unbiased variance), the same
  for moving_variance; at inference the moving averages are used. A frozen layer
  (``trainable=False``) always runs in inference mode, as in Keras 3.
- LayerNormalization: mean and var over ``axis`` (the features) of each sample.
"""

from ...autograd.grad_mode import no_grad
from ...errors import ShapeError
from ...ops.normalization import layer_norm
from ...ops.reduction import mean
from .. import initializers
from .base import Layer


def _axes(axis, ndim):
    axis = (axis,) if isinstance(axis, int) else tuple(axis)
    out = tuple(sorted(a % ndim for a in axis))
    return out


class BatchNormalization(Layer):
    """Normalizes each channel with the batch's statistics (training) or their moving averages."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 synchronized=False, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self._regularizers = (beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        axes = _axes(self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ShapeError(f"BatchNormalization {self.name}: axis {self.axis} of input shape {input_shape} "
                             "must be known")
        br, gr, bc, gc = self._regularizers
        if self.scale:
            self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer, regularizer=gr,
                                         constraint=gc, name="gamma")
        if self.center:
            self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer, regularizer=br,
                                        constraint=bc, name="beta")
        self.moving_mean = self.add_weight(shape=shape, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=shape, initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")
        self._axes = axes
        self.built = True

    def _broadcast(self, t, ndim):
        """A per-channel tensor reshaped to broadcast against the input."""
        shape = [1] * ndim
        for a, n in zip(self._axes, t.shape):
            shape[a] = n
        return t.reshape(tuple(shape))

    def call(self, inputs, training=None, mask=None):
        ndim = inputs.ndim
        reduce = tuple(a for a in range(ndim) if a not in self._axes)
        if training and self.trainable:
            mu = mean(inputs, dim=reduce, keepdim=True)
            var = mean((inputs - mu) ** 2, dim=reduce, keepdim=True)
            with no_grad():
                m = self.momentum
                shape = tuple(self.moving_mean.shape)
                self.moving_mean.copy_(self.moving_mean * m + mu.detach().reshape(shape) * (1.0 - m))
                self.moving_variance.copy_(self.moving_variance * m + var.detach().reshape(shape) * (1.0 - m))
        else:
            mu = self._broadcast(self.moving_mean, ndim)
            var = self._broadcast(self.moving_variance, ndim)
        y = (inputs - mu) * (var + self.epsilon).rsqrt()
        if self.scale:
            y = y * self._broadcast(self.gamma, ndim)
        if self.center:
            y = y + self._broadcast(self.beta, ndim)
        return y

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer)}


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` (the last by default)."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.epsilon = axis, float(epsilon)
        self.center, self.scale, self.rms_scaling = center, scale, rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self._regularizers = (beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        self._axes = _axes(self.axis, len(input_shape))
        shape = tuple(input_shape[a] for a in self._axes)
        br, gr, bc, gc = self._regularizers
        if self.scale:
            self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer, regularizer=gr,
                                         constraint=gc, name="gamma")
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer, regularizer=br,
                                        constraint=bc, name="beta")
        self.built = True

    def call(self, inputs):
        ndim = inputs.ndim
        trailing = self._axes == tuple(range(ndim - len(self._axes), ndim))
        gamma = self.gamma if self.scale else None
        beta = self.beta if self.center and not self.rms_scaling else None
        if trailing and not self.rms_scaling:  # minigrad's fused layer_norm does exactly this
            return layer_norm(inputs, tuple(inputs.shape[a] for a in self._axes), gamma, beta, self.epsilon)
        shape = [inputs.shape[a] if a in self._axes else 1 for a in range(ndim)]
        if self.rms_scaling:  # y = x / sqrt(mean(x^2) + eps) * gamma
            y = inputs * (mean(inputs * inputs, dim=self._axes, keepdim=True) + self.epsilon).rsqrt()
        else:
            mu = mean(inputs, dim=self._axes, keepdim=True)
            var = mean((inputs - mu) ** 2, dim=self._axes, keepdim=True)
            y = (inputs - mu) * (var + self.epsilon).rsqrt()
        if gamma is not None:
            y = y * gamma.reshape(tuple(shape))
        if beta is not None:
            y = y + beta.reshape(tuple(shape))
        return y

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer)}
