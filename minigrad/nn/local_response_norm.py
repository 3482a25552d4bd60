"""LocalResponseNorm: AlexNet's normalization across neighbouring channels."""

from . import functional as F
from .module import Module


class LocalResponseNorm(Module):
    """y_c = x_c / (k + alpha / size * sum of x_c'**2 over the ``size`` channels around c) ** beta.

    Input (N, C, *), at least 3-D; no parameters. See ``F.local_response_norm``.

    Composition: F.local_response_norm (no Function of its own).
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
