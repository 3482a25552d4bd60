"""``torch.nn.utils.stateless``: the older home of ``functional_call`` (minigrad.func's, the same function)."""

from ...func import functional_call

__all__ = ["functional_call"]
