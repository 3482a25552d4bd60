"""bfloat16 and the 8-bit floats: names that exist, dtypes no tensor can take."""

import pytest

import minigrad as mg
from minigrad.errors import UnsupportedDType


def test_the_names_exist_and_compare_unequal_to_real_dtypes():
    table = {"float32": mg.float32, "bfloat16": mg.bfloat16, "float16": mg.float16}  # as programs write it
    assert repr(table["bfloat16"]) == "minigrad.bfloat16"
    assert mg.zeros(1).dtype != mg.bfloat16 and mg.bfloat16.itemsize == 2 and mg.bfloat16.is_floating_point
    assert mg.cuda.is_bf16_supported() is False


@pytest.mark.parametrize("make", [
    lambda d: mg.zeros(2, dtype=d),
    lambda d: mg.tensor([1.0], dtype=d),
    lambda d: mg.zeros(2).to(d),
    lambda d: mg.nn.Linear(2, 2).to(d),
])
@pytest.mark.parametrize("dtype", [mg.bfloat16, mg.float8_e4m3fn, mg.float8_e5m2])
def test_a_tensor_asked_to_take_one_raises_naming_it(make, dtype):
    with pytest.raises(UnsupportedDType, match=dtype.name):
        make(dtype)


def test_the_bfloat16_method_raises_and_leaves_the_tensor_as_it_was():
    x = mg.ones(2)
    with pytest.raises(UnsupportedDType, match="Tensor.bfloat16"):
        x.bfloat16()
    assert str(x.dtype) == "float32" and x.tolist() == [1.0, 1.0]
