"""The framework adapters: what a workload needs from minigrad or torch, a few lines each.

A workload never names minigrad or torch: it asks its ``Framework`` for ``nn``, ``optim``,
``F``, tensors and ``no_grad``. Both frameworks share these names, so both run exactly the
same model code. ``gemm_operand`` and ``matmul`` are the raw GEMM of W0 and of the NumPy
floor: the array module's own (numpy, or cupy on a GPU) for minigrad.
"""


class FrameworkMissing(RuntimeError):
    """The framework (or its device) is not available on this machine."""


class Framework:
    """What a workload needs from a framework. Subclasses fill in the module attributes."""

    name = "?"
    nn = optim = F = None

    def __init__(self, device="cpu"):
        self.device = device

    def tensor(self, array, requires_grad=False):
        """A tensor on this framework's device holding a copy of a NumPy array."""
        raise NotImplementedError

    def no_grad(self):
        raise NotImplementedError

    def manual_seed(self, seed):
        raise NotImplementedError

    def sync(self):
        """Wait for queued device work (GPU kernels run asynchronously); a no-op on the CPU."""

    def matmul(self, a, b):
        """W0's raw GEMM on arrays made by ``gemm_operand``."""
        raise NotImplementedError

    def gemm_operand(self, array):
        raise NotImplementedError

    def to_device(self, module):
        return module if self.device == "cpu" else module.to(self.device)


class _Missing:
    """Stands in for a module that failed to import; using it raises with the import error."""

    def __init__(self, module, error):
        self.module, self.error = module, error

    def __getattr__(self, attr):
        raise AttributeError(f"{self.module}.{attr}: {self.module} could not be imported ({self.error})")


class MinigradFramework(Framework):
    """minigrad; its W0 GEMM is the array module's own matmul (numpy, or cupy on a GPU)."""

    name = "minigrad"

    def __init__(self, device="cpu"):
        super().__init__(device)
        import importlib

        import minigrad

        if device != "cpu" and not minigrad.is_cuda_available():
            raise FrameworkMissing("minigrad: CUDA needs CuPy and an NVIDIA GPU (pip install 'minigrad[gpu]')")
        self.mg = minigrad
        for attr, module in (("nn", "minigrad.nn"), ("optim", "minigrad.optim"), ("F", "minigrad.nn.functional")):
            try:
                setattr(self, attr, importlib.import_module(module))
            except ImportError as e:  # a part not written yet: the workloads that need it say so
                setattr(self, attr, _Missing(module, e))
        self.xp = minigrad.backend.xp_for(device)

    def tensor(self, array, requires_grad=False):
        return self.mg.tensor(array, device=self.device, requires_grad=requires_grad)

    def no_grad(self):
        return self.mg.no_grad()

    def manual_seed(self, seed):
        self.mg.manual_seed(seed)

    def sync(self):
        if self.device != "cpu":
            self.xp.cuda.Device().synchronize()

    def gemm_operand(self, array):
        return self.xp.asarray(array)

    def matmul(self, a, b):
        return self.xp.matmul(a, b)


class TorchFramework(Framework):
    """PyTorch, with 2 intra-op threads on the CPU (the protocol's setting)."""

    name = "torch"

    def __init__(self, device="cpu"):
        super().__init__(device)
        try:
            import torch
            import torch.nn.functional as F
        except ImportError:
            raise FrameworkMissing("torch is not installed (pip install torch)") from None
        if device != "cpu" and not torch.cuda.is_available():
            raise FrameworkMissing("torch: this build or machine has no CUDA")
        torch.set_num_threads(2)
        self.torch = torch
        self.nn = torch.nn
        self.optim = torch.optim
        self.F = F

    def tensor(self, array, requires_grad=False):
        return self.torch.tensor(array, device=self.device, requires_grad=requires_grad)

    def no_grad(self):
        return self.torch.no_grad()

    def manual_seed(self, seed):
        self.torch.manual_seed(seed)

    def sync(self):
        if self.device != "cpu":
            self.torch.cuda.synchronize()

    def gemm_operand(self, array):
        return self.torch.from_numpy(array).to(self.device)

    def matmul(self, a, b):
        return self.torch.matmul(a, b)


FRAMEWORKS = {"minigrad": MinigradFramework, "torch": TorchFramework}


def load_framework(name, device="cpu"):
    """The adapter for ``name`` on ``device``; raises FrameworkMissing when it cannot run."""
    return FRAMEWORKS[name](device)
