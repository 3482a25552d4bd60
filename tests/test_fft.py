"""minigrad.fft (torch.fft): the transforms against their definitions, their gradients and
values against torch, a spectral convolution as Fourier neural operator programs write it
(complex weights trained by Adam), and the bad inputs."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.errors import ArgumentError, DTypeError, IndexOutOfRange, ShapeError

torch = None
try:
    import torch
except ImportError:
    pass


def _dft(n, sign=-1):
    j = np.arange(n)
    return np.exp(sign * 2j * np.pi * np.outer(j, j) / n)


def test_the_transforms_are_their_definitions():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 8))
    np.testing.assert_allclose(mg.fft.fft(mg.tensor(x)).numpy(), x @ _dft(8).T, atol=1e-12)
    np.testing.assert_allclose(mg.fft.ifft(mg.tensor(x)).numpy(), x @ _dft(8, 1).T / 8, atol=1e-12)
    np.testing.assert_allclose(mg.fft.fft(mg.tensor(x), norm="ortho").numpy(), x @ _dft(8).T / np.sqrt(8), atol=1e-12)
    np.testing.assert_allclose(mg.fft.rfft(mg.tensor(x)).numpy(), (x @ _dft(8).T)[:, :5], atol=1e-12)
    padded = np.concatenate([x, np.zeros((3, 2))], axis=1)
    np.testing.assert_allclose(mg.fft.fft(mg.tensor(x), n=10).numpy(), padded @ _dft(10).T, atol=1e-12)
    np.testing.assert_allclose(mg.fft.irfft(mg.fft.rfft(mg.tensor(x))).numpy(), x, atol=1e-12)
    np.testing.assert_allclose(mg.fft.irfft(mg.fft.rfft(mg.tensor(x), n=7), n=7).numpy(), x[:, :7], atol=1e-12)
    z = mg.fft.fft2(mg.tensor(x), norm="ortho")  # Parseval: the orthonormal transform keeps the norm
    np.testing.assert_allclose((z.abs() ** 2).sum().item(), (x ** 2).sum(), rtol=1e-12)
    assert mg.fft.rfft(mg.ones(4)).dtype == mg.complex64 and mg.fft.irfft(mg.fft.rfft(mg.ones(4))).dtype == mg.float32
    assert mg.fft.fft(mg.arange(4)).dtype == mg.complex64  # integers: the default float first


def test_frequencies_and_shifts():
    np.testing.assert_allclose(mg.fft.fftfreq(5, d=0.5).numpy(), [0, 0.4, 0.8, -0.8, -0.4], rtol=1e-6)
    np.testing.assert_allclose(mg.fft.rfftfreq(6).numpy(), [0, 1 / 6, 2 / 6, 3 / 6], rtol=1e-6)
    assert mg.fft.fftfreq(4).dtype == mg.float32
    x = mg.arange(10).reshape(2, 5)
    np.testing.assert_array_equal(mg.fft.fftshift(x).numpy(), np.fft.fftshift(x.numpy()))
    np.testing.assert_array_equal(mg.fft.ifftshift(x, dim=1).numpy(), np.fft.ifftshift(x.numpy(), axes=1))
    np.testing.assert_array_equal(mg.fft.ifftshift(mg.fft.fftshift(x)).numpy(), x.numpy())


CASES = [
    ("fft", lambda L, x: L.view_as_real(L.fft.fft(x)), (3, 8)),
    ("fft cropped, dim 0", lambda L, x: L.view_as_real(L.fft.fft(x, n=3, dim=0)), (4, 6)),
    ("fft padded, ortho", lambda L, x: L.view_as_real(L.fft.fft(x, n=10, norm="ortho")), (2, 7)),
    ("ifft of complex, forward", lambda L, x: L.view_as_real(L.fft.ifft(L.view_as_complex(x), norm="forward")), (3, 6, 2)),
    ("fft2 with s", lambda L, x: L.view_as_real(L.fft.fft2(x, s=(3, 5))), (2, 4, 4)),
    ("fftn of complex", lambda L, x: L.view_as_real(L.fft.fftn(L.view_as_complex(x))), (3, 4, 2)),
    ("ifftn over dim", lambda L, x: L.view_as_real(L.fft.ifftn(x, dim=(0, 2))), (3, 2, 4)),
    ("rfft", lambda L, x: L.view_as_real(L.fft.rfft(x)), (3, 8)),
    ("rfft odd n", lambda L, x: L.view_as_real(L.fft.rfft(x, n=7)), (3, 8)),
    ("rfft2 ortho", lambda L, x: L.view_as_real(L.fft.rfft2(x, norm="ortho")), (2, 5, 6)),
    ("irfft", lambda L, x: L.fft.irfft(L.view_as_complex(x)), (3, 5, 2)),
    ("irfft odd n", lambda L, x: L.fft.irfft(L.view_as_complex(x), n=9), (3, 5, 2)),
    ("irfftn forward with s", lambda L, x: L.fft.irfftn(L.view_as_complex(x), s=(4, 6), norm="forward"), (3, 4, 2)),
    ("irfft2", lambda L, x: L.fft.irfft2(L.view_as_complex(x)), (2, 3, 4, 2)),
    ("rfft then irfft", lambda L, x: L.fft.irfft(L.fft.rfft(x) * 1.5, n=8), (3, 8)),
    ("hfft", lambda L, x: L.fft.hfft(L.view_as_complex(x), n=8), (3, 5, 2)),
    ("ihfft", lambda L, x: L.view_as_real(L.fft.ihfft(x).resolve_conj()), (3, 8)),
    ("fftshift of a spectrum", lambda L, x: L.view_as_real(L.fft.fftshift(L.fft.fft(x), dim=-1)), (3, 7)),
]


@pytest.mark.skipif(torch is None, reason="needs torch for the parity check")
@pytest.mark.parametrize("name,f,shape", CASES, ids=[c[0] for c in CASES])
def test_values_and_gradients_match_torch(name, f, shape):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(shape), None
    results = []
    for lib in (torch, mg):
        t = lib.tensor(x, requires_grad=True)
        out = f(lib, t)
        w = rng.standard_normal(tuple(out.shape)) if w is None else w
        (out * lib.tensor(w)).sum().backward()
        results.append((out.detach().numpy(), t.grad.numpy()))
    for got, want in zip(results[1], results[0]):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def _spectral_model(lib, seed_weights):
    """A Fourier layer as neural-operator programs write it: rfft, complex weights on the
    lowest modes (einsum), the rest zero, irfft; between two pointwise convolutions."""
    nn = lib.nn

    class SpectralConv1d(nn.Module):
        def __init__(self, channels, modes):
            super().__init__()
            self.modes = modes
            self.weights = nn.Parameter(0.1 * lib.rand(channels, channels, modes, dtype=lib.cfloat))

        def forward(self, x):
            x_ft = lib.fft.rfft(x)
            out_ft = lib.zeros(x.shape[0], x.shape[1], x.size(-1) // 2 + 1, dtype=lib.cfloat)
            out_ft[:, :, :self.modes] = lib.einsum("bix,iox->box", x_ft[:, :, :self.modes], self.weights)
            return lib.fft.irfft(out_ft, n=x.size(-1))

    model = nn.Sequential(nn.Conv1d(1, 4, 1), SpectralConv1d(4, 5), nn.GELU(), nn.Conv1d(4, 1, 1))
    with lib.no_grad():
        for p, value in zip(model.parameters(), seed_weights):
            p.copy_(lib.tensor(value))
    return model


def _train(lib, model, x, y, steps):
    opt = lib.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        loss = ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def _weights(rng):
    return [rng.standard_normal((4, 1, 1)).astype(np.float32), rng.standard_normal(4).astype(np.float32),
            (0.1 * (rng.random((4, 4, 5)) + 1j * rng.random((4, 4, 5)))).astype(np.complex64),
            rng.standard_normal((1, 4, 1)).astype(np.float32), rng.standard_normal(1).astype(np.float32)]


def test_a_spectral_convolution_with_complex_weights_trains():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((8, 1, 32)).astype(np.float32)
    model = _spectral_model(mg, _weights(rng))
    assert model[1].weights.dtype == mg.complex64
    losses = _train(mg, model, x, np.sin(x), 30)
    assert losses[-1] < 0.8 * losses[0]
    assert model[1].weights.grad.dtype == mg.complex64


@pytest.mark.skipif(torch is None, reason="needs torch for the parity check")
def test_complex_parameters_train_as_in_torch():
    """Adam updates a complex parameter as its real pairs in both: the same losses and weights."""
    rng = np.random.default_rng(3)
    weights, x = _weights(rng), rng.standard_normal((8, 1, 32)).astype(np.float32)
    models = [_spectral_model(lib, weights) for lib in (torch, mg)]
    losses = [_train(lib, m, x, np.sin(x), 5) for lib, m in zip((torch, mg), models)]
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)
    np.testing.assert_allclose(models[1][1].weights.detach().numpy(), models[0][1].weights.detach().numpy(),
                               rtol=1e-4, atol=1e-6)


def test_bad_inputs_are_named():
    with pytest.raises(DTypeError, match="rfft expects a real input tensor, got dtype complex64"):
        mg.fft.rfft(mg.tensor([1j, 2j]))
    with pytest.raises(DTypeError, match="fft: float32, float64, complex64 or complex128 tensors only, got dtype float16"):
        mg.fft.fft(mg.ones(4, dtype=mg.float16))
    with pytest.raises(ArgumentError, match='fft: norm must be "backward", "forward" or "ortho", got \'both\''):
        mg.fft.fft(mg.ones(4), norm="both")
    with pytest.raises(ShapeError, match="fft2: s has 1 sizes for 2 dims"):
        mg.fft.fft2(mg.ones(4, 4), s=(3,))
    with pytest.raises(ShapeError, match="fft: invalid signal sizes"):
        mg.fft.fft(mg.ones(4), n=0)
    with pytest.raises(ArgumentError, match="fftn: dims .* name a dimension twice"):
        mg.fft.fftn(mg.ones(4, 4), dim=(0, -2))
    with pytest.raises(IndexOutOfRange, match="dimension 2 is out of range"):
        mg.fft.fft(mg.ones(4), dim=2)
    with pytest.raises(ShapeError, match="irfft: invalid output size 0"):
        mg.fft.irfft(mg.tensor([1 + 0j]))
    with pytest.raises(ShapeError, match="rfftn: a 0-d tensor has no dimension to transform"):
        mg.fft.rfftn(mg.tensor(1.0))
    with pytest.raises(ShapeError, match=r"fftn: invalid number of data points \(0\) along dim 0 of shape \(0, 8\)"):
        mg.fft.fftn(mg.ones(0, 8))
    assert mg.fft.fft(mg.ones(0, 8)).shape == (0, 8)  # an empty batch is fine: only dim -1 is transformed


@pytest.mark.gpu
def test_transforms_and_complex_gradients_on_cuda_match_cpu():
    rng = np.random.default_rng(4)
    x, theta = rng.standard_normal((3, 8)).astype(np.float32), rng.standard_normal((3, 4)).astype(np.float32)
    results = []
    for device in ("cuda", "cpu"):
        t = mg.tensor(x, requires_grad=True, device=device)
        rotation = mg.polar(mg.ones(3, 4, device=device), mg.tensor(theta, device=device))
        spectrum = mg.fft.rfft(t)[:, :4] * rotation
        out = mg.fft.irfft(spectrum, n=8) + mg.view_as_real(mg.fft.fft(t)).sum(-1)
        (out * out).sum().backward()
        assert out.device.type == device and t.grad.device.type == device
        results.append((out.detach().cpu().numpy(), t.grad.cpu().numpy()))
    for got, want in zip(*results):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_errors_are_runtime_errors_as_in_torch():
    """PyTorch raises RuntimeError for all of these; programs catch that."""
    for call in (lambda: mg.fft.rfft(mg.tensor([1j])), lambda: mg.fft.fft(mg.ones(4, dtype=mg.float16)),
                 lambda: mg.fft.fft(mg.ones(4), norm="both"), lambda: mg.fft.fftn(mg.ones(4, 4), dim=(0, 0)),
                 lambda: mg.fft.fft(mg.ones(4), n=0), lambda: mg.view_as_real(mg.ones(2)), lambda: mg.ones(2).imag,
                 lambda: mg.complex(mg.tensor([1]), mg.tensor([2]))):
        with pytest.raises(RuntimeError):
            call()
