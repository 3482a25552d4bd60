"""The stand-in's ``cupy.cuda.runtime``: the few calls minigrad makes, answered for fake GPUs."""

from .. import _core

_TOTAL = 80 * 2**30


class CUDARuntimeError(RuntimeError):
    pass


def getDeviceCount():
    return _core.DEVICE_COUNT


def getDevice():
    return _core.current_device()


def setDevice(device):
    if not 0 <= device < _core.DEVICE_COUNT:
        raise CUDARuntimeError(f"cudaErrorInvalidDevice: invalid device ordinal {device}")
    _core._state.device = device


def getDeviceProperties(device):
    if not 0 <= device < _core.DEVICE_COUNT:
        raise CUDARuntimeError(f"cudaErrorInvalidDevice: invalid device ordinal {device}")
    return {"name": b"Stand-in CUDA device", "totalGlobalMem": _TOTAL, "multiProcessorCount": 132,
            "major": 9, "minor": 0}


def memGetInfo():
    return _TOTAL // 2, _TOTAL


def deviceSynchronize():
    pass


def runtimeGetVersion():
    return 12080


def driverGetVersion():
    return 12080
