"""Convolution: conv1d, conv2d, conv_transpose1d, conv_transpose2d, as matrix products.

(conv3d and conv_transpose3d, in ``conv3d.py``, run the same Functions on volumes: im2col,
col2im (``im2col.py``) and every array-level helper here take any number of spatial axes; the
formulas below are written for two, a third adds one more index i, p alike.)

Notation (2-D, one group; docs/notation.md): x (N, C, H, W) the input, w (OC, C, KH, KW) the
kernel, b (OC,) the bias, stride (sh, sw), dilation (dh, dw), and xpad the input with its zero
padding (in the code ``xp`` is the array module, NumPy or CuPy). g = dL/dy (N, OC, OH, OW) is
the incoming gradient, and G the same numbers as the matrix (OC, N*OH*OW) laid out like Y.

    y[n, o, p, q] = b[o] + sum_{c, i, j} w[o, c, i, j] * xpad[n, c, p*sh + i*dh, q*sw + j*dw]

im2col turns this sum into one matrix product (picture: docs/figures/conv-im2col.svg). Copy
every input patch into a column:

    cols[(c, i, j), (n, p, q)] = xpad[n, c, p*sh + i*dh, q*sw + j*dw]      (C*KH*KW, N*OH*OW)

then, with W = w viewed as the matrix (OC, C*KH*KW),

    Y = W @ cols,     y[n, o, p, q] = Y[o, (n, p, q)] + b[o].

``cols`` is built without any Python loop: it is a strided *view* of xpad (``as_strided``:
moving one step along p moves sh rows in xpad, one step along i moves dh rows, ...) copied once
into a contiguous buffer (on the CPU a per-thread scratch buffer, ``im2col.scratch``, that the
next call reuses: the columns are never kept, backward rebuilds them). So the whole forward pass is one copy and one large GEMM. (With
stride 1 and one group, a cheaper layout replaces most of that copy: see "shifted matrix
products" below; with few input channels the columns are laid out per image instead, see
MAX_PER_IMAGE_DEPTH.)

Backward, from the matrix-product rule Y = W @ cols: dL/dW = G @ cols^T, dL/dcols = W^T @ G:

    dL/dw = G @ cols^T              (a GEMM; "Conv2dGradWeight")
    dL/dx = col2im(W^T @ G)         (a GEMM, then col2im; "ConvTranspose2d")
    dL/db[o] = sum_{n, p, q} g[n, o, p, q]

col2im is the adjoint of im2col: an entry of xpad was copied into several columns (once per
kernel offset whose window covers it), so its gradient is the sum of those columns' gradients.
It loops over the KH*KW kernel offsets (never over pixels) and adds each slab into a padded
buffer, then drops the padding. That is the path for stride > 1. At stride 1 dL/dx is instead
computed as a convolution of g with the kernel flipped in space and its channels swapped
(derived above ``_full_conv_padding``), which runs the forward path (the shifted products) again.

Double backward. Both gradients are again convolutions:
- x -> conv(x, w) is linear, and dL/dx = conv_transpose(G, w) is its adjoint (transpose).
  conv_transpose is linear in g and in w; its own gradients are conv(H, w) for g and
  Conv2dGradWeight(H, g) for w (H being the gradient arriving at its output).
- Conv2dGradWeight(x, g) = dL/dw is bilinear in x and g. Contracting it with a gradient H
  of w's shape: <H, dL/dw> = <g, conv(x, H)> = <conv_transpose(g, H), x>, so its gradients are
  conv_transpose(g, H) for x and conv(x, H) for g.
So the three Functions below differentiate into each other, and conv can be differentiated
any number of times (DeZero's Conv2d / Deconv2d / Conv2DGradW design).

Groups split the channels into ``groups`` independent convolutions. With cols laid out as
(groups, C/groups*KH*KW, N*OH*OW) and W as (groups, OC/groups, C/groups*KH*KW), one batched
matmul does all of them at once.
"""

import numpy as np  # shape arithmetic only

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..backend import get_array_module, is_host
from ..errors import ArgumentError, ArgumentRuntimeError, ShapeError
from ..tensor import Tensor
from .conv_checks import _check_conv, _conv_out_size, _pair, _padding, _positive
from .im2col import by_group, col2im, im2col, scratch
from .reduction import sum as _sum
from .shape import reshape


# ---- stride 1: shifted matrix products instead of im2col ------------------------------------------
# With stride 1 most of im2col's copy can be skipped. Lay the input out flat, channel by channel,
# rows of r = max(W, OW) columns (W of them the input's; zero columns only where an output row is
# wider than the input's), each image followed by zr zero rows (zr at least the padding above and
# below: one image's bottom padding is the next image's top padding). Number the outputs the
# same way, P = n*s + p*r + q (s = (H + zr)*r the image length). Then output P under kernel
# offset (i, j) reads the flat input at P + i*dh*r + j*dw, for every P alike:
#
#     Y[:, P] = sum_{i, j} w[:, :, i, j] @ flat[:, P + i*dh*r + j*dw]
#
# so each offset's "columns" are a plain slice of the flat input: no im2col copy. The KW
# column shifts j are copied, E[j] = flat shifted left by j*dw (rows (j, c): KW*C of them), and
# the KH row shifts i move to the output side: one GEMM Z = W_rows @ E, with W_rows the kernel
# as the matrix (KH*OC, KW*C), rows (i, o), gives Z[(i, o), P] = sum_{j, c} w[o, c, i, j] *
# flat[c, P + j*dw], and
#
#     Y[:, P] = sum_i Z[(i, :), P + i*dh*r]                         (KH - 1 adds of plain slices)
#
# A read of column q + j*dw - pl outside [0, W) (the left and right padding) lands in the row
# before or after; those columns of E[j] (the same q in every row: E[j][:, u] serves q = u mod r)
# are set to zero, the padding's value. Zero columns between the rows would do the same without
# the masks, but make every row copy (into the layout, out of it) a short strided one: measured,
# the masks made W2's and W3's convolutions 4-14 % faster.
#
# Outputs at P with q >= OW or p >= OH (the zero rows) are computed and dropped: the price,
# small unless the image is small next to the kernel.
MAX_SHIFTED_WASTE = 1.25  # use it while it computes at most 25 % more outputs than needed
MIN_SHIFTED_DEPTH = 16  # and while the GEMM sums over KW*C >= 16 rows: shallower ones run slowly
#
# On the CPU this runs in blocks of whole images, each block's E and Z staying in the cache
# between the copies and the GEMM that read E and the adds that read Z, and each block's output
# cropped and written (bias added) straight into its place in the (N, OC, OH, OW) result.
# Measured on W3's forward (E and Z 1.7 MB an image), in CPU time: 2 MB blocks 32.6 ms, 8 MB
# 26.9, 16 MB 27.0, the whole batch (52 MB) 29.3. Every block is one more BLAS call, and each
# call waits for the BLAS helper threads to start: on a busy machine 8 MB blocks ran 1.7x slower
# than 16 MB ones (wall time, 2 threads), so the blocks are as large as pays.
# On a GPU one block holds the whole batch (its memory is fast; small launches are not).
BLOCK_BYTES = 16 << 20  # E and Z of one block
# The weight gradient (_shifted_grad_weight) takes this layout while it copies no more numbers
# than im2col would. Measured (medians of 30 alternating calls): W2's 32 -> 64 channels 6.3 ms
# against im2col's 7.2; W3's 64 -> 64 channels as fast as a single GEMM on KH shifted copies of G.
MAX_GRAD_WEIGHT_COPIES = 1.0


def _shifted_geometry(x_shape, kernel, padding, out_hw):
    """(zr, zc, r, s, outputs) of the flat layout above, or None when the layout does not pay."""
    n, c, h, wd = x_shape
    kh, kw = kernel
    ((pt, pb), _), (oh, ow) = padding, out_hw
    zr = max(pt, pb, oh - h)  # zero rows: room for the padding and for a whole output column
    zc = max(0, ow - wd)  # zero columns: only for output rows wider than the input's
    r = wd + zc
    s = (h + zr) * r
    if n * s > MAX_SHIFTED_WASTE * n * oh * ow or kw * c < MIN_SHIFTED_DEPTH:
        return None
    return zr, zc, r, s, n * s


def _to_flat(a, lead, r, rows, flat, next_rows=None):
    """Write a (N, C, A, B) into flat (C, L) in the layout above: flat[c, lead + n*rows*r + p*r + q]
    = a[n, c, p, q] for p < A, q < B, zeros elsewhere; then, when given, next_rows (C, k, B) (the
    first k rows of the image after a) in the place the next image would take. Returns flat.

    Only the zeros are written besides a: filling the whole buffer first costs one more pass."""
    n, c, ha, wa = a.shape
    end = lead + n * rows * r
    flat[:, :lead] = 0
    flat[:, end:] = 0
    body = flat[:, lead:end].reshape(c, n, rows, r)
    body[:, :, ha:] = 0  # the zero rows under each image
    body[:, :, :ha, wa:] = 0  # the zero columns right of each row
    body[:, :, :ha, :wa] = a.transpose(1, 0, 2, 3)
    if next_rows is not None:
        k = next_rows.shape[1]
        flat[:, end:end + k * r].reshape(c, k, r)[:, :, :wa] = next_rows
    return flat


def _images_per_block(a, n, s, rows):
    """How many images one block takes: BLOCK_BYTES of ``rows`` rows of s columns (at least one
    image); on a GPU the whole batch."""
    if not is_host(a):
        return n
    return max(1, min(n, BLOCK_BYTES // (rows * s * a.dtype.itemsize)))


def _shifted_input_block(x, first, m, layout, kw, dw, cols):
    """E (KW, C, >= cols) for the images first ... first+m-1 of x, with layout = (lead, r, rows
    per image, reach, left padding pl): E[0][:, u] = flat[:, first*s + u], the block's part of the
    whole batch's flat input, and E[j][:, :cols] = E[0] shifted left by j*dw; then in each E[j]
    the columns whose reads fall in the left or right padding set to zero.

    E[0] is written straight from x, no whole-batch flat copy: its first ``lead`` columns are the
    previous image's bottom padding, or the first image's top padding, zeros either way; its
    last ones (``reach`` past the block's outputs) hold the next image's first rows."""
    lead, r, rows, reach, pl = layout
    n, c, h, wd = x.shape
    width = m * rows * r
    more = min(h, max(0, -(-(reach - lead) // r))) if first + m < n else 0  # rows of the next image read
    length = -(-max(lead + width + more * r, width + reach) // r) * r  # whole rows, for the masks
    e = scratch((kw, c, length), x.dtype, x, "e")
    _to_flat(x[first:first + m], lead, r, rows, e[0], x[first + m, :, :more] if more else None)
    for j in range(1, kw):
        e[j, :, :cols] = e[0, :, j * dw:j * dw + cols]
    for j in range(kw):  # the padding's zeros; after the copies, which read E[0] unmasked
        # the output columns lo <= q < hi read inside the row: q + j*dw - pl in [0, W)
        lo, hi = min(r, max(0, pl - j * dw)), max(0, wd + pl - j * dw)
        in_rows = e[j].reshape(c, -1, r)
        if lo > 0:
            in_rows[:, :, :lo] = 0
        if hi < r:
            in_rows[:, :, hi:] = 0
    return e


def _shifted_conv(x, w, b, padding, dilation, out_hw):
    """conv(x, w) + b for stride 1 and one group, as above; None when this way does not pay."""
    xp = get_array_module(x, w)
    n, c, h, wd = x.shape
    oc, _, kh, kw = w.shape
    found = _shifted_geometry(x.shape, (kh, kw), padding, out_hw)
    if found is None:
        return None
    zr, _, r, s, outputs = found
    ((pt, _), (pl, _)), (dh, dw), (oh, ow) = padding, dilation, out_hw
    halo = (kh - 1) * dh * r  # the columns past a block that its kernel rows read
    reach = halo + (kw - 1) * dw  # ... and its kernel columns too
    lead = pt * r + pl  # zeros before the first image: the top-left padding of output P = 0
    w_rows = w.transpose(2, 0, 3, 1).reshape(kh * oc, kw * c)  # rows (i, o), columns (j, c)
    y = xp.empty((n, oc, oh, ow), dtype=x.dtype)
    images = _images_per_block(x, n, s, kw * c + kh * oc)
    for first in range(0, n, images):  # a loop over cache-sized blocks of images
        m = min(images, n - first)
        width = m * s  # the block's outputs P, as flat columns
        e = _shifted_input_block(x, first, m, (lead, r, h + zr, reach, pl), kw, dw, width + halo)
        z = scratch((kh, oc, width + halo), x.dtype, x, "z")  # Z = W_rows @ E
        xp.matmul(w_rows, e[:, :, :width + halo].reshape(kw * c, -1), out=z.reshape(kh * oc, -1))
        block = z[0, :, :width]  # Y = sum_i Z[i] shifted left by i*dh*r, summed in place in Z[0]
        for i in range(1, kh):
            block += z[i, :, i * dh * r:i * dh * r + width]
        if b is not None:  # here, on whole rows: added during the crop below it ran at half the speed
            block += b[:, None]
        y[first:first + m] = block.reshape(oc, m, h + zr, r)[:, :, :oh, :ow].transpose(1, 0, 2, 3)
    return y


def _shifted_grad_weight(x, g, kernel, padding, dilation):
    """dL/dw of the stride-1, one-group conv(x, w) in the flat layout above; None when it does not pay.

    From Y[o, P] = sum_{c, i, j} w[o, c, i, j] * flat[c, P + i*dh*r + j*dw],
        dL/dw[o, c, i, j] = sum_P G[o, P] * flat[c, P + i*dh*r + j*dw]
    with G = g in the flat output layout (zero at the dropped outputs). With E the forward's
    input block, E[(j, c), Q] = flat[c, Q + j*dw] (the column shifts copied), the row shift i is
    a window of E's columns, and for each kernel row i
        dL/dw[:, :, i, :] as the matrix (KW*C, OC), rows (j, c) = E[:, i*dh*r : i*dh*r + P] @ G^T,
    KH GEMMs that read the windows in place (a window is a strided view BLAS takes as it is),
    summed over blocks of images (as in _shifted_conv) on the CPU.

    It copies x and g into the flat layout and KW*C rows of the positions; im2col copies
    C*KH*KW rows and g once (into G's order), of N*OH*OW numbers each. The one that copies
    less is used (see MAX_GRAD_WEIGHT_COPIES).
    """
    xp = get_array_module(x, g)
    n, c, h, wd = x.shape
    oc, kh, kw = g.shape[1], kernel[0], kernel[1]
    found = _shifted_geometry(x.shape, kernel, padding, g.shape[2:])
    if found is None:
        return None
    zr, _, r, s, outputs = found
    ((pt, _), (pl, _)), (dh, dw) = padding, dilation
    halo = (kh - 1) * dh * r  # the columns past a block that its kernel rows read
    copies = oc * outputs + kw * c * (outputs + halo)
    if copies > MAX_GRAD_WEIGHT_COPIES * (c * kh * kw + oc) * n * g.shape[2] * g.shape[3]:
        return None
    layout = (pt * r + pl, r, h + zr, halo + (kw - 1) * dw, pl)
    images = _images_per_block(x, n, s, kw * c + oc)
    gwt = xp.zeros((kh, kw * c, oc), dtype=x.dtype)  # dL/dw as KH matrices (KW*C, OC)
    for first in range(0, n, images):  # a loop over cache-sized blocks of images (their positions P)
        m = min(images, n - first)
        width = m * s
        e = _shifted_input_block(x, first, m, layout, kw, dw, width + halo)
        gm = _to_flat(g[first:first + m], 0, r, h + zr, scratch((oc, width), g.dtype, g, "gflat"))
        for i in range(kh):
            window = e[:, :, i * dh * r:i * dh * r + width].reshape(kw * c, width)
            gwt[i] += window @ gm.T
    return xp.ascontiguousarray(gwt.reshape(kh, kw, c, oc).transpose(3, 2, 0, 1))


def _output_with_bias(y, b):
    """y (N, OC, OH, OW), any strides, plus b, as a fresh contiguous array: the add is the copy."""
    xp = get_array_module(y)
    if b is None:
        return xp.ascontiguousarray(y)
    return xp.add(y, _per_channel(b, y.ndim), out=xp.empty(y.shape, dtype=y.dtype))


def _per_channel(b, ndim):
    """The bias (OC,) shaped to broadcast over (N, OC, *spatial)."""
    return b.reshape((1, -1) + (1,) * (ndim - 2))


# With few rows per column (depth = C/groups*KH*KW: 9 for a 3x3 kernel on one channel, 27 on
# RGB) the GEMM is cheap and the copies around it dominate: the layout copy of Y from (OC, N*OH*OW)
# into (N, OC, OH, OW) order, and in the weight gradient the copy of g into G's (OC, N*OH*OW)
# order. Columns laid out per image, cols_n (depth, OH*OW), avoid both: Y[n] = W @ cols_n lands
# in place, and dL/dw = sum_n G[n] @ cols_n^T reads g as it is. Those are N small GEMMs (one
# batched matmul); for deeper columns one big GEMM runs faster (it threads better).
MAX_PER_IMAGE_DEPTH = 32  # measured with 2 threads: depth 9 and 27 ran 1.4-3x faster, 288 and 576 slower


def _conv_forward(x, w, b, stride, padding, dilation, groups, out_hw):
    """y = conv(x, w) + b: im2col, one (batched over groups) GEMM, bias added in the layout copy
    (or, for 2-D, stride 1 and one group, the shifted products above; for shallow columns, one
    GEMM per image)."""
    if x.ndim == 4 and stride == (1, 1) and groups == 1:
        y = _shifted_conv(x, w, b, padding, dilation, out_hw)
        if y is not None:
            return y
    xp = get_array_module(x, w)
    n = x.shape[0]
    oc, cg, kernel = w.shape[0], w.shape[1], w.shape[2:]
    depth = cg * int(np.prod(kernel))  # the rows of one group's columns
    wm = w.reshape(groups, oc // groups, depth)
    if depth <= MAX_PER_IMAGE_DEPTH:  # Y[n] = W @ cols_n for every image n: (N, groups, OC/groups, OH*OW)
        cols = im2col(x, kernel, stride, padding, dilation, out_hw, batch_first=True)
        positions = int(np.prod(out_hw))  # (not -1: the batch may be empty)
        y = xp.matmul(wm, cols.reshape(n, groups, depth, positions)).reshape((n, oc) + tuple(out_hw))
        if b is not None:
            y += _per_channel(b, y.ndim)
        return y
    cols = im2col(x, kernel, stride, padding, dilation, out_hw)
    cols = cols.reshape(groups, depth, -1)
    y = xp.matmul(wm, cols)  # (groups, OC/groups, N*OH*OW)
    y = y.reshape((oc, n) + tuple(out_hw)).swapaxes(0, 1)
    return _output_with_bias(y, b)  # the bias add doubles as the copy into (N, OC, OH, OW) order


def _conv_transpose(g, w, b, stride, padding, dilation, groups, out_hw):
    """The adjoint of x -> conv(x, w): col2im(W^T @ G), for g (N, OC, OH, OW) and w (OC, C/groups, KH, KW).

    Returns (N, C, *out_hw), plus b broadcast over the channels when given.
    """
    if all(s == 1 for s in stride):
        full = _full_conv_padding(g.shape[2:], out_hw, w.shape[2:], padding, dilation)
        if full is not None:
            return _conv_forward(g, _flip_transpose(w, groups), b, stride, full, dilation, groups, out_hw)
    xp = get_array_module(g, w)
    n = g.shape[0]
    oc, cg, kernel = w.shape[0], w.shape[1], tuple(w.shape[2:])
    depth = cg * int(np.prod(kernel))
    gm = by_group(g, groups)  # (groups, OC/groups, N*OH*OW)
    wm = w.reshape(groups, oc // groups, depth)
    cols = scratch((groups, depth, gm.shape[-1]), g.dtype, g)
    xp.matmul(wm.transpose(0, 2, 1), gm, out=cols)
    cols = cols.reshape((groups * cg,) + kernel + (n,) + tuple(g.shape[2:]))
    x = col2im(cols, (n, groups * cg) + tuple(out_hw), stride, padding, dilation)
    if b is not None:
        x += _per_channel(b, x.ndim)
    return x


# With stride 1 there is a shortcut that skips col2im (whose KH*KW strided additions cost more
# than the GEMM): the input gradient of a stride-1 convolution is a "full" convolution of G with
# the kernel flipped in space and with its in/out channels swapped,
#     gx[n, c, h, w] = sum_{o, i, j} G[n, o, h + pt - i*dh, w + pl - j*dw] * w[o, c, i, j]
#                    = sum_{o, i', j'} Gp[n, o, h + i'*dh, w + j'*dw] * w[o, c, KH-1-i', KW-1-j'],
# i.e. conv2d(G, flip(w)^T) with padding d*(K-1) - p before (Gp: G padded). That is the forward
# path again (the shifted products, or one im2col copy and one GEMM).
def _full_conv_padding(g_hw, out_hw, kernel, padding, dilation):
    """The ((before, after), ...) padding of G for the full convolution; None if it would be negative."""
    pads = []
    for n_g, n_out, k, (before, _), d in zip(g_hw, out_hw, kernel, padding, dilation):
        pads.append((d * (k - 1) - before, n_out - n_g + before))
    return tuple(pads) if all(p >= 0 for pair in pads for p in pair) else None


def _flip_transpose(w, groups):
    """(OC, C/groups, KH, KW) -> (C, OC/groups, KH, KW), each group's channels swapped, kernel flipped."""
    oc, cg, kernel = w.shape[0], w.shape[1], tuple(w.shape[2:])
    wt = w.reshape((groups, oc // groups, cg) + kernel).swapaxes(1, 2)
    wt = wt[(slice(None),) * 3 + (slice(None, None, -1),) * len(kernel)]
    return wt.reshape((groups * cg, oc // groups) + kernel)


def _conv_grad_weight(x, g, kernel, stride, padding, dilation, groups):
    """dL/dw = G @ cols^T for x (N, C, H, W) and g = dL/dy (N, OC, OH, OW): shape (OC, C/groups, KH, KW)
    (or, for 2-D, stride 1 and one group, the shifted products: _shifted_grad_weight)."""
    if x.ndim == 4 and tuple(stride) == (1, 1) and groups == 1:
        gw = _shifted_grad_weight(x, g, kernel, padding, dilation)
        if gw is not None:
            return gw
    xp = get_array_module(x, g)
    n, oc, c = x.shape[0], g.shape[1], x.shape[1]
    depth = (c // groups) * int(np.prod(kernel))
    if depth <= MAX_PER_IMAGE_DEPTH:  # sum_n G[n] @ cols_n^T (see MAX_PER_IMAGE_DEPTH)
        cols = im2col(x, kernel, stride, padding, dilation, g.shape[2:], batch_first=True)
        positions = int(np.prod(g.shape[2:]))  # (not -1: the batch may be empty)
        cols = cols.reshape(n, groups, depth, positions)
        gw = xp.matmul(g.reshape(n, groups, oc // groups, positions), cols.transpose(0, 1, 3, 2))
        return gw.sum(axis=0, dtype=gw.dtype).reshape((oc, c // groups) + tuple(kernel))
    gm = by_group(g, groups)  # (groups, OC/groups, N*OH*OW)
    cols = im2col(x, kernel, stride, padding, dilation, g.shape[2:])
    cols = cols.reshape(groups, depth, -1)
    # GW^T = cols @ G^T rather than GW = G @ cols^T: the same numbers, but OpenBLAS splits this
    # orientation (many output rows) across threads far better than a 64-row output
    gwt = xp.matmul(cols, gm.transpose(0, 2, 1))  # (groups, C/groups*KH*KW, OC/groups)
    return xp.ascontiguousarray(gwt.transpose(0, 2, 1)).reshape((oc, c // groups) + tuple(kernel))


# ---- the Functions -------------------------------------------------------------------------------
def _conv_pair_backward(ctx, g, adjoint, transposed):
    """The backward of Conv2d and of ConvTranspose2d, each of which is the other's adjoint.

    dL/dx = adjoint(g, w): ConvTranspose2d for Conv2d, Conv2d for ConvTranspose2d.
    dL/dw = Conv2dGradWeight(x, g) for Conv2d; for ConvTranspose2d x and g swap roles,
            Conv2dGradWeight(g, x).
    dL/db = g summed over (N, H, W).
    """
    x, w = ctx.saved_tensors
    stride, padding, dilation, groups = ctx.geometry
    gx = gw = gb = None
    if ctx.needs_input_grad[0]:
        gx = adjoint.apply(g, w, None, stride=stride, padding=padding, dilation=dilation, groups=groups,
                           out_hw=x.shape[2:])
    if ctx.needs_input_grad[1]:
        conv_input, conv_output_grad = (g, x) if transposed else (x, g)
        gw = Conv2dGradWeight.apply(conv_input, conv_output_grad, kernel=w.shape[2:], stride=stride,
                                    padding=padding, dilation=dilation, groups=groups)
    if ctx.needs_input_grad[2]:
        gb = _bias_grad(g)
    return gx, gw, gb


def _bias_grad(g):
    """dL/db[o] = sum_{n, p, q} g[n, o, p, q].

    In a first-order backward (no graph to record) on a contiguous g, as one matrix-vector
    product per image, G_n @ 1 with G_n = g[n] as the matrix (OC, OH*OW), then a sum over n:
    BLAS reads g once, three times faster than NumPy's sum over axes (0, 2, 3) (measured on
    W2's and W3's layers). Otherwise the Sum op, which records its node."""
    arr = g.array
    if is_grad_enabled() or arr.dtype.kind != "f" or not arr.flags.c_contiguous:
        return _sum(g, (0,) + tuple(range(2, g.ndim)))
    xp = get_array_module(arr)
    n, oc, positions = arr.shape[0], arr.shape[1], int(np.prod(arr.shape[2:]))  # (not -1: n may be 0)
    per_image = xp.matmul(arr.reshape(n, oc, positions), xp.ones(positions, dtype=arr.dtype))
    return Tensor._make(per_image.sum(axis=0))


class Conv2d(Function):
    """y = conv2d(x, w) + b (see the module docstring for the formula and both gradients).

    Named for images, it takes any number of spatial axes: conv3d runs it on (N, C, D, H, W)
    volumes, conv1d on height-1 images; so do ConvTranspose2d and Conv2dGradWeight.

    backward, with g = dL/dy: dL/dx = conv_transpose2d(g, w)  (ConvTranspose2d),
              dL/dw = Conv2dGradWeight(x, g),
              dL/db = g summed over (N, OH, OW).
    """

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, dilation, groups, out_hw):
        ctx.save_for_backward(x, w)
        ctx.geometry = (stride, padding, dilation, groups)
        return _conv_forward(x, w, b, stride, padding, dilation, groups, out_hw)

    @staticmethod
    def backward(ctx, g):
        return _conv_pair_backward(ctx, g, adjoint=ConvTranspose2d, transposed=False)


class ConvTranspose2d(Function):
    """y = conv_transpose2d(x, w) + b: the adjoint (transpose) of x' -> conv2d(x', w).

    For x (N, Cin, H, W) and w (Cin, Cout/groups, KH, KW) (PyTorch's layout: the weight of the
    convolution that goes the other way), y = col2im(W^T @ X) has shape (N, Cout, *out_hw), X being
    x as the matrix (Cin, N*H*W) and W the kernel as the matrix (Cin, Cout/groups*KH*KW).
    Each input pixel spreads a KH x KW patch, scaled by w, into the output.

    Since y = A x with A^T = conv2d(., w), for g = dL/dy:  dL/dx = A^T g = conv2d(g, w).
    It is bilinear in x and w, and <g, y> = <conv2d(g, w), x>, so dL/dw = Conv2dGradWeight(g, x)
    (g in the role of the convolution's input, x in the role of its output gradient).
    dL/db = g summed over (N, H, W).
    """

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, dilation, groups, out_hw):
        ctx.save_for_backward(x, w)
        ctx.geometry = (stride, padding, dilation, groups)
        return _conv_transpose(x, w, b, stride, padding, dilation, groups, out_hw)

    @staticmethod
    def backward(ctx, g):
        return _conv_pair_backward(ctx, g, adjoint=Conv2d, transposed=True)


class Conv2dGradWeight(Function):
    """gw = dL/dw of y = conv2d(x, w), given x (N, C, H, W) and gy = dL/dy (N, OC, OH, OW).

    gw[o, c, i, j] = sum_{n, p, q} gy[n, o, p, q] * xpad[n, c, p*sh + i*dh, q*sw + j*dw],
    i.e. GW = GY @ cols(x)^T: one GEMM over all N*OH*OW positions.

    It is bilinear; for a gradient H of gw's shape, <H, gw> = <gy, conv2d(x, H)>, so
    dL/dx = conv_transpose2d(gy, H) and dL/dgy = conv2d(x, H).
    """

    @staticmethod
    def forward(ctx, x, gy, kernel, stride, padding, dilation, groups):
        ctx.save_for_backward(x, gy)
        ctx.geometry = (stride, padding, dilation, groups)
        return _conv_grad_weight(x, gy, tuple(kernel), stride, padding, dilation, groups)

    @staticmethod
    def backward(ctx, h):
        x, gy = ctx.saved_tensors
        stride, padding, dilation, groups = ctx.geometry
        gx = ggy = None
        if ctx.needs_input_grad[0]:
            gx = ConvTranspose2d.apply(gy, h, None, stride=stride, padding=padding, dilation=dilation,
                                       groups=groups, out_hw=x.shape[2:])
        if ctx.needs_input_grad[1]:
            ggy = Conv2d.apply(x, h, None, stride=stride, padding=padding, dilation=dilation, groups=groups,
                               out_hw=gy.shape[2:])
        return gx, ggy


# ---- the functions users call ---------------------------------------------------------------------
def _as_2d(t, spatial):
    """A 1-D convolution's (N, C, L) tensor as the height-1 image (N, C, 1, L); others as they are."""
    return t if spatial != 1 else reshape(t, t.shape[:-1] + (1, t.shape[-1]))


def _convolution(op, input, weight, bias, stride, padding, dilation, groups, spatial):
    stride = _positive(stride, "stride", op, spatial)
    dilation = _positive(dilation, "dilation", op, spatial)
    kernel = tuple(weight.shape[2:]) if isinstance(weight, Tensor) else ()
    x, unbatched = _check_conv(op, input, weight, bias, spatial, groups)
    padding = _padding(padding, kernel, stride, dilation, op, spatial)
    out = _conv_out_size(op, x.shape[2:], kernel, stride, padding, dilation)
    if spatial == 1:  # run as 2-D on a height-1 view
        stride, padding, dilation, out = (1,) + stride, ((0, 0),) + padding, (1,) + dilation, (1,) + out
    y = Conv2d.apply(_as_2d(x, spatial), _as_2d(weight, spatial), bias, stride=stride, padding=padding,
                     dilation=dilation, groups=groups, out_hw=out)
    shape = (x.shape[0], y.shape[1]) + out[-spatial:]
    return reshape(y, shape[1:] if unbatched else shape)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation, as in PyTorch) of input (N, C, H, W) or (C, H, W).

    weight (OC, C/groups, KH, KW), bias (OC,) or None. ``padding`` is an int, a pair,
    'valid' (none) or 'same' (output as large as the input; stride 1 only; an odd total
    padding puts the extra row/column after). Output (N, OC, OH, OW) with
    OH = (H + 2*ph - dh*(KH-1) - 1) // sh + 1.

    Function: ops/conv.py Conv2d (through _convolution).
    """
    return _convolution("conv2d", input, weight, bias, stride, padding, dilation, groups, 2)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of input (N, C, L) or (C, L) with weight (OC, C/groups, K).

    It runs as conv2d on a height-1 view: (N, C, 1, L) with a (OC, C/groups, 1, K) kernel.

    Function: ops/conv.py Conv2d (through _convolution).
    """
    return _convolution("conv1d", input, weight, bias, stride, padding, dilation, groups, 1)


def _transposed(op, input, weight, bias, stride, padding, output_padding, groups, dilation, output_size,
                spatial):
    stride = _positive(stride, "stride", op, spatial)
    dilation = _positive(dilation, "dilation", op, spatial)
    if isinstance(padding, str):
        raise ArgumentError(f"{op}: padding must be an int or a tuple of ints, got {padding!r}")
    x, unbatched = _check_conv(op, input, weight, bias, spatial, groups, transposed=True)
    if 0 in x.shape[2:]:
        raise ShapeError(f"{op}: the input of shape {tuple(input.shape)} has an empty spatial dimension")
    kernel = tuple(weight.shape[2:])
    padding = _padding(padding, kernel, stride, dilation, op, spatial)
    # the smallest output that a conv with these settings maps onto x's size
    smallest = tuple((n - 1) * s - b - a + d * (k - 1) + 1
                     for n, s, (b, a), d, k in zip(x.shape[2:], stride, padding, dilation, kernel))
    if output_size is not None:
        output_padding = _output_padding_for(op, output_size, smallest, stride, dilation)
    output_padding = _pair(output_padding, "output_padding", op, spatial)
    for extra, s, d in zip(output_padding, stride, dilation):
        if extra < 0 or (extra >= s and extra >= d):
            raise ArgumentRuntimeError(f"{op}: output_padding {output_padding} must be non-negative and smaller than "
                                f"either the stride {stride} or the dilation {dilation}")
    out = tuple(m + e for m, e in zip(smallest, output_padding))
    if any(n <= 0 for n in out):
        raise ShapeError(f"{op}: the output size {out} would not be positive (input of shape "
                         f"{tuple(input.shape)}, kernel {kernel}, stride {stride}, padding {padding})")
    if spatial == 1:
        stride, padding, dilation, out = (1,) + stride, ((0, 0),) + padding, (1,) + dilation, (1,) + out
    y = ConvTranspose2d.apply(_as_2d(x, spatial), _as_2d(weight, spatial), bias, stride=stride, padding=padding,
                              dilation=dilation, groups=groups, out_hw=out)
    shape = (x.shape[0], y.shape[1]) + out[-spatial:]
    return reshape(y, shape[1:] if unbatched else shape)


def _output_padding_for(op, output_size, smallest, stride, dilation):
    """The output_padding that gives ``output_size`` (its last entries are the spatial sizes)."""
    size = tuple(int(s) for s in output_size)[-len(smallest):]
    extra = tuple(s - m for s, m in zip(size, smallest))
    if len(size) != len(smallest) or any(e < 0 or (e >= s and e >= d) for e, s, d in zip(extra, stride, dilation)):
        largest = tuple(m + max(s, d) - 1 for m, s, d in zip(smallest, stride, dilation))
        raise ArgumentError(f"{op}: output_size {tuple(output_size)} is not reachable: each spatial size must lie "
                            f"between {smallest} and {largest}")
    return extra


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1,
                     output_size=None):
    """Transposed 2-D convolution: the adjoint of conv2d, as used to upsample.

    input (N, Cin, H, W) or unbatched, weight (Cin, Cout/groups, KH, KW), bias (Cout,).
    Output (N, Cout, OH, OW) with OH = (H-1)*sh - 2*ph + dh*(KH-1) + 1 + output_padding_h.
    A strided conv2d maps several input sizes onto the same output size; ``output_padding``
    (smaller than the stride or the dilation) says which of them to produce, or give
    ``output_size`` instead. Argument order as PyTorch's: groups comes before dilation.

    Function: ops/conv.py ConvTranspose2d (through _transposed).
    """
    return _transposed("conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups,
                       dilation, output_size, 2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1,
                     output_size=None):
    """Transposed 1-D convolution, run as conv_transpose2d on a height-1 view.

    input (N, Cin, L) or (Cin, L), weight (Cin, Cout/groups, K), bias (Cout,).

    Function: ops/conv.py ConvTranspose2d (through _transposed).
    """
    return _transposed("conv_transpose1d", input, weight, bias, stride, padding, output_padding, groups,
                       dilation, output_size, 1)


TENSOR_METHODS = {}
