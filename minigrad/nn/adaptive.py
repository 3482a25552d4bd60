"""AdaptiveLogSoftmaxWithLoss: the adaptive softmax of Grave et al., "Efficient softmax
approximation for GPUs" (2016), for outputs with many classes of very unequal frequency
(the words of a language model).

The classes, sorted from most to least frequent, are cut into a shortlist and clusters. The
head is one softmax over the shortlist plus one entry per cluster; each cluster has its own
softmax, fed through a narrower projection the rarer its classes are. A frequent class costs
one small softmax; a rare one costs that plus its cluster's.
"""

from collections import namedtuple

from ..errors import ArgumentError, DTypeRuntimeError, IndexRuntimeError, IndexShapeError, ShapeError
from ..ops.activation import log_softmax
from ..ops.indexing import gather
from ..ops.reduction import argmax
from ..ops.scatter import index_add, index_copy
from ..ops.selection import index_select, nonzero
from ..ops.selections import where
from ..ops.shape import cat
from .containers import ModuleList, Sequential
from .linear import Linear
from .module import Module

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """Adaptive softmax: ``forward(input, target) -> (output, loss)``, a named tuple.

    With cutoffs c_0 < c_1 < ... < c_{K-1} and c_K = n_classes, the shortlist is the classes
    0 .. c_0 - 1 and cluster k (k = 1 .. K) the classes c_{k-1} .. c_k - 1. Then

        head(x)       = W_head x                               (c_0 + K scores)
        tail[k-1](x)  = W_out,k (W_proj,k x)                   (in -> in // div_value**k -> c_k - c_{k-1})
        log p(y | x)  = log_softmax(head(x))[y]                                     y < c_0
        log p(y | x)  = log_softmax(head(x))[c_0 + k - 1]
                        + log_softmax(tail[k-1](x))[y - c_{k-1}]                     y in cluster k
        output_i = log p(target_i | x_i),   loss = mean_i(-output_i)

    Each cluster's rows are picked out (``index_select``) and run through its tail only, and
    their within-cluster terms added back in place (``index_add``): a loop over the clusters,
    never over the rows. ``log_prob(x)`` gives all n_classes log-probabilities, ``predict(x)``
    the most likely class. Input (N, in_features) with target (N,), or (in_features,) with a
    0-d target. Parameters and names are PyTorch's: ``head`` a Linear (bias only with
    ``head_bias``), ``tail`` a ModuleList of Sequential(Linear, Linear) without biases.

    Composition: of nn.Linear, F.log_softmax, gather, index_select, index_add, where, cat and argmax
    (no Function of its own).
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        cutoffs = list(cutoffs)
        if not cutoffs:
            raise ArgumentError(f"{name}: cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ArgumentError(f"{name}: cutoffs should be a sequence of unique, positive integers sorted in an "
                                f"increasing order, where each value is between 1 and n_classes-1 "
                                f"({n_classes - 1}); got {cutoffs}")
        self.in_features, self.n_classes = in_features, n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value, self.head_bias = div_value, head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters  # the shortlist, then one entry per cluster
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for k in range(1, self.n_clusters + 1):
            hidden = int(in_features // div_value ** k)  # rarer clusters get narrower projections
            size = self.cutoffs[k] - self.cutoffs[k - 1]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                                        Linear(hidden, size, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for projection, out in self.tail:
            projection.reset_parameters()
            out.reset_parameters()

    def forward(self, input, target):
        name = type(self).__name__
        if target.ndim > 1:
            raise ShapeError(f"{name}: 0D or 1D target tensor expected, multi-target not supported "
                             f"(target shape {tuple(target.shape)})")
        if input.ndim != target.ndim + 1 or (target.ndim == 1 and input.shape[0] != target.shape[0]):
            raise ShapeError(f"{name}: expected input (N, in_features) with target (N,), or input (in_features,) "
                             f"with a 0-d target; got input {tuple(input.shape)} and target {tuple(target.shape)}")
        if input.shape[-1] != self.in_features:
            raise ShapeError(f"{name}: input has {input.shape[-1]} features, expected in_features="
                             f"{self.in_features} (input shape {tuple(input.shape)})")
        if target.dtype.kind not in "iu":
            raise DTypeRuntimeError(f"{name}: target must hold class indices (an integer tensor), got dtype "
                                    f"{target.dtype}")
        batched = target.ndim == 1
        x, t = (input, target) if batched else (input.unsqueeze(0), target.unsqueeze(0))
        if t.numel() and (int(t.min()) < 0 or int(t.max()) >= self.n_classes):
            raise IndexRuntimeError(f"{name}: target values should be in [0, {self.n_classes - 1}], but values in "
                                    f"range [{int(t.min())}, {int(t.max())}] were found")

        # which cluster each row's class is in (0: the shortlist), and so which head entry it reads
        cluster = sum((t >= c).long() for c in self.cutoffs[:-1])
        column = where(cluster == 0, t, cluster + (self.shortlist_size - 1))
        output = gather(log_softmax(self.head(x), dim=1), 1, column.unsqueeze(1)).squeeze(1)
        for k in range(1, self.n_clusters + 1):
            rows = nonzero(cluster == k, as_tuple=True)[0]
            if rows.numel() == 0:
                continue  # no target in this cluster: its tail is not run
            within = log_softmax(self.tail[k - 1](index_select(x, 0, rows)), dim=1)
            local = index_select(t, 0, rows) - self.cutoffs[k - 1]  # the class's place in its cluster
            output = index_add(output, 0, rows, gather(within, 1, local.unsqueeze(1)).squeeze(1))
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _check_rows(self, input, method):
        if input.ndim != 2 or input.shape[1] != self.in_features:
            raise IndexShapeError(f"{type(self).__name__}.{method}: expected input of shape (N, {self.in_features}), "
                                  f"got {tuple(input.shape)}")

    def _full_log_prob(self, x, head_output):
        """log p(class | x) for every class: the shortlist's from the head, each cluster's as its
        head entry plus the cluster's own log-softmax."""
        head = log_softmax(head_output, dim=1)
        parts = [head[:, :self.shortlist_size]]
        for k, tail in enumerate(self.tail):
            entry = self.shortlist_size + k
            parts.append(log_softmax(tail(x), dim=1) + head[:, entry:entry + 1])
        return cat(parts, dim=1)

    def log_prob(self, input):
        """The log-probabilities of all n_classes: (N, in_features) -> (N, n_classes)."""
        self._check_rows(input, "log_prob")
        return self._full_log_prob(input, self.head(input))

    def predict(self, input):
        """The most likely class of each row, (N,): log_prob(input).argmax(1), but the clusters
        are only evaluated for the rows whose best head entry is a cluster (a class of the
        shortlist that beats every cluster's entry beats every class in them)."""
        self._check_rows(input, "predict")
        head_output = self.head(input)
        best = argmax(head_output, dim=1)
        rows = nonzero(best >= self.shortlist_size, as_tuple=True)[0]
        if rows.numel():
            full = self._full_log_prob(index_select(input, 0, rows), index_select(head_output, 0, rows))
            best = index_copy(best, 0, rows, argmax(full, dim=1))
        return best
