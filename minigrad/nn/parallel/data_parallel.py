"""DataParallel: PyTorch's single-process wrapper, here a thin one that runs the module as is.

PyTorch's DataParallel splits each batch over the GPUs of one machine inside one process.
minigrad runs one device per process, so ``DataParallel(model)`` simply calls ``model``; it
exists so PyTorch programs run unchanged, and like PyTorch's it names the model ``module``
(state_dict keys ``module.*``). For many processes use DistributedDataParallel.
"""

from ..module import Module


class DataParallel(Module):
    """Runs ``module`` unchanged (module docstring); ``device_ids`` etc. are accepted, not used.

    Composition: its module on each device, the gradients summed by the reducer (no Function of its own).
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module
        self.device_ids, self.output_device, self.dim = device_ids, output_device, dim

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
