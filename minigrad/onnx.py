"""``torch.onnx``'s import path. minigrad records no traceable graph of a whole program, so
there is no ONNX export: ``export`` raises NotSupported, naming the model; programs that only
import the module, or ask ``is_in_onnx_export()`` (always False here), run unchanged."""

from .errors import NotSupported


def export(model, args=(), f=None, *rest, **options):
    raise NotSupported(f"onnx.export: minigrad cannot export models to ONNX (asked for {type(model).__name__}); "
                       "save the weights with minigrad.save(model.state_dict(), path) instead")


def is_in_onnx_export():
    return False


def dynamo_export(model, *args, **options):
    return export(model, args)


__all__ = ["export", "is_in_onnx_export", "dynamo_export"]
