"""Dropout layers: random zeroing in training mode, the identity in eval mode."""

from ..errors import ArgumentError
from . import functional as F
from .module import Module


class Dropout(Module):
    """Zero each element with probability p during training and scale the rest by 1/(1-p).

    In ``eval()`` mode it passes its input through unchanged.

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ArgumentError(f"Dropout: probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Zero whole channels of (N, C, H, W) inputs: each x[n, c] is kept (and scaled) or zeroed as one.

    Neighbouring pixels of a feature map are strongly correlated, so dropping single pixels
    barely regularises a convolution; dropping the whole map does.

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """

    def forward(self, x):
        return F.dropout2d(x, self.p, self.training, self.inplace)


class Dropout1d(Dropout):
    """Zero whole channels of (N, C, L) inputs (each x[n, c] kept and scaled, or zeroed, as one).

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """

    def forward(self, x):
        return F.dropout1d(x, self.p, self.training, self.inplace)


class Dropout3d(Dropout):
    """Zero whole channels of (N, C, D, H, W) inputs.

    Composition: x * mask, the mask a constant of 0 and 1/(1-p) (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """

    def forward(self, x):
        return F.dropout3d(x, self.p, self.training, self.inplace)


class AlphaDropout(Dropout):
    """Dropout that keeps SELU networks self-normalising (see ``ops/dropout.py``).

    Composition: of mul and add with a constant random mask (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """

    def forward(self, x):
        return F.alpha_dropout(x, self.p, self.training)


class FeatureAlphaDropout(Dropout):
    """AlphaDropout of whole channels.

    Composition: of mul and add with a constant random mask (no Function of its own: the backward is
    ops/elementwise.py Mul).
    """

    def forward(self, x):
        return F.feature_alpha_dropout(x, self.p, self.training)
