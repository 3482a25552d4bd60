"""Registry entries for minigrad/ops/fourier.py (minigrad.fft): real functions through the
transforms (complex outputs as their real pairs), so that finite differences check the
adjoints, the crop and pad of ``s``, the norms and irfft's doubled bins. The transforms are
linear: any inputs do."""

from ... import fft
from ...ops import complex_numbers as C
from ...ops import fourier as Fo
from ..registry import OpInfo, Sample
from ..strategies import smooth_normal


def _c2c(x, n=None, norm=None, inverse=False):
    z = C.view_as_complex(x)
    return C.view_as_real((fft.ifft if inverse else fft.fft)(z, n=n, norm=norm))


def _torch_c2c(torch, x, n=None, norm=None, inverse=False):
    z = torch.view_as_complex(x)
    return torch.view_as_real((torch.fft.ifft if inverse else torch.fft.fft)(z, n=n, norm=norm))


def _c2c_samples(rng):
    return [Sample((smooth_normal(rng, (3, 6, 2)),)),
            Sample((smooth_normal(rng, (3, 6, 2)),), {"n": 4, "norm": "ortho"}),  # cropped
            Sample((smooth_normal(rng, (2, 5, 2)),), {"n": 8, "norm": "forward", "inverse": True})]  # padded


def _rfftn(x, s=None, norm=None):
    return C.view_as_real(fft.rfftn(x, s=s, norm=norm))


def _torch_rfftn(torch, x, s=None, norm=None):
    return torch.view_as_real(torch.fft.rfftn(x, s=s, norm=norm))


def _rfftn_samples(rng):
    return [Sample((smooth_normal(rng, (3, 8)),)),
            Sample((smooth_normal(rng, (2, 4, 7)),), {"s": (3, 9), "norm": "ortho"})]


def _irfftn(y, s=None, norm=None):
    return fft.irfftn(C.view_as_complex(y), s=s, norm=norm)


def _torch_irfftn(torch, y, s=None, norm=None):
    return torch.fft.irfftn(torch.view_as_complex(y), s=s, norm=norm)


def _irfftn_samples(rng):
    return [Sample((smooth_normal(rng, (3, 5, 2)),)),  # n = 8: bins 0 and 4 count once
            Sample((smooth_normal(rng, (3, 5, 2)),), {"s": (7,), "norm": "forward"}),  # odd n
            Sample((smooth_normal(rng, (2, 3, 4, 2)),), {"s": (4, 6), "norm": "ortho"})]


ENTRIES = [
    OpInfo("fft_ifft", _c2c, _c2c_samples, (Fo.FFTN, Fo.Resize, C.ViewAsComplex, C.ViewAsReal),
           torch_fn=_torch_c2c),
    OpInfo("rfftn", _rfftn, _rfftn_samples, (Fo.RFFTN, Fo.FFTN, Fo.Resize), torch_fn=_torch_rfftn),
    OpInfo("irfftn", _irfftn, _irfftn_samples, (Fo.IRFFTN, Fo.RFFTN, Fo.Resize), torch_fn=_torch_irfftn),
]
