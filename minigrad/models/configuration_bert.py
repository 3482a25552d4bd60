"""BertConfig: a BERT's sizes and settings, read from (and written to) Hugging Face's config.json.

The names are Hugging Face's, so a config.json from the Hub or from a package reads as it is.
``hidden_act`` names the feed-forward activation as Hugging Face's ACT2FN table does: "gelu" is
the exact x * Φ(x) (Φ the normal CDF, through erf), "gelu_new" the tanh approximation.
"""

import json

from ..errors import ArgumentError
from ..nn import functional as F
from ..serialization import CheckpointError

# Hugging Face's names for the feed-forward activation (its ACT2FN table), those BERTs use.
ACTIVATIONS = {
    "gelu": lambda x: F.gelu(x),  # exact: x * Φ(x), Φ the normal CDF (through erf)
    "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
    "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "relu": F.relu,
    "silu": F.silu,
    "swish": F.silu,
    "tanh": F.tanh,
}


class BertConfig:
    """A BERT's sizes and settings, with Hugging Face's names and bert-base's defaults.

    ``BertConfig.from_json_file("config.json")`` reads a Hugging Face config; keys this class does
    not use (``architectures``, ``transformers_version``, ...) are kept in ``extra`` and written
    back by ``to_dict``.
    """

    defaults = {
        "vocab_size": 30522, "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
        "intermediate_size": 3072, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 512, "type_vocab_size": 2,
        "initializer_range": 0.02, "layer_norm_eps": 1e-12, "pad_token_id": 0,
        "position_embedding_type": "absolute", "classifier_dropout": None, "num_labels": 2,
        "id2label": None, "problem_type": None,
    }

    def __init__(self, **kwargs):
        extra = kwargs.pop("extra", None) or {}
        unknown = sorted(set(kwargs) - set(self.defaults))
        if unknown:
            raise ArgumentError(f"BertConfig: unknown setting(s) {unknown}; the settings are {sorted(self.defaults)}")
        values = {**self.defaults, **kwargs}
        if values["id2label"] is not None:  # JSON keys are strings; the labels are numbered
            values["id2label"] = {int(k): v for k, v in values["id2label"].items()}
            if "num_labels" not in kwargs:
                values["num_labels"] = len(values["id2label"])
            elif kwargs["num_labels"] != len(values["id2label"]):
                raise ArgumentError(f"BertConfig: num_labels is {kwargs['num_labels']} but id2label names "
                                    f"{len(values['id2label'])} labels")
        self.__dict__.update(values)
        self.extra = dict(extra)
        self._check()

    def _check(self):
        if self.hidden_size % self.num_attention_heads:
            raise ArgumentError(f"BertConfig: hidden_size {self.hidden_size} is not a multiple of "
                                f"num_attention_heads {self.num_attention_heads}")
        if self.hidden_act not in ACTIVATIONS:
            raise ArgumentError(f"BertConfig: hidden_act {self.hidden_act!r} is not supported; "
                                f"use one of {sorted(ACTIVATIONS)}")
        if self.position_embedding_type != "absolute":
            raise ArgumentError(f"BertConfig: position_embedding_type {self.position_embedding_type!r} is not "
                                f"supported (only 'absolute', learned positions)")
        if self.problem_type not in (None, "regression", "single_label_classification",
                                     "multi_label_classification"):
            raise ArgumentError(f"BertConfig: unknown problem_type {self.problem_type!r}")

    @classmethod
    def from_dict(cls, d):
        known = {k: v for k, v in d.items() if k in cls.defaults}
        return cls(**known, extra={k: v for k, v in d.items() if k not in cls.defaults and k != "label2id"})

    @classmethod
    def from_json_file(cls, path, **overrides):
        """The config in a Hugging Face config.json, with ``overrides`` (known settings only) applied.

        Overriding ``num_labels`` alone drops the file's label names (they no longer fit)."""
        unknown = sorted(set(overrides) - set(cls.defaults))
        if unknown:
            raise ArgumentError(f"BertConfig: unknown setting(s) {unknown}; the settings are {sorted(cls.defaults)}")
        try:
            with open(path, encoding="utf-8") as f:
                d = json.load(f)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise CheckpointError(f"BertConfig: {path} is not valid JSON ({e})") from None
        if not isinstance(d, dict):
            raise CheckpointError(f"BertConfig: {path} does not hold a JSON object")
        if "num_labels" in overrides and "id2label" not in overrides:
            d.pop("id2label", None)
        return cls.from_dict({**d, **overrides})

    def to_dict(self):
        d = {**self.extra, **{k: getattr(self, k) for k in self.defaults}}
        d["model_type"] = "bert"
        if d["id2label"] is None:
            del d["id2label"]
        else:
            d["id2label"] = {str(k): v for k, v in d["id2label"].items()}
            d["label2id"] = {v: k for k, v in self.id2label.items()}
        return d

    @property
    def head_size(self):
        return self.hidden_size // self.num_attention_heads

    def __repr__(self):
        return f"BertConfig({', '.join(f'{k}={getattr(self, k)!r}' for k in self.defaults)})"
