"""A PyTorch-API op suite: each case calls an op the ordinary PyTorch way, on torch and on minigrad."""
