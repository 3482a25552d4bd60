"""What a pretrained model returns: named fields read by attribute, by key or by position.

Hugging Face's models return a ``ModelOutput``: ``out.last_hidden_state``,
``out["last_hidden_state"]`` and ``out[0]`` are the same tensor. Fields left as None (no
attentions asked for, say) are not counted: positions skip them, as ``to_tuple`` does, so
``out[1]`` is always the next field that is present. Iterating gives the names present, as a
dict does.
"""


class ModelOutput(dict):
    """A dict of the fields that are not None, whose fields are also attributes (None when absent).

    Subclasses list their fields, in order, in ``fields``.
    """

    fields = ()

    def __init__(self, **values):
        unknown = sorted(set(values) - set(self.fields))
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown field(s) {unknown}; the fields are {list(self.fields)}")
        super().__init__((k, values[k]) for k in self.fields if values.get(k) is not None)

    def __getattr__(self, name):
        if name in type(self).fields:
            return self.get(name)
        raise AttributeError(f"{type(self).__name__} has no field {name!r}; the fields are {list(self.fields)}")

    def __getitem__(self, key):
        if isinstance(key, str):
            return super().__getitem__(key)
        return self.to_tuple()[key]

    def to_tuple(self):
        """The fields that are present, in order."""
        return tuple(self.values())

    def __repr__(self):
        inner = ", ".join(f"{k}={tuple(v.shape)!r}" if hasattr(v, "shape") else f"{k}=<{len(v)} items>"
                          for k, v in self.items())
        return f"{type(self).__name__}({inner})"


class BaseModelOutputWithPooling(ModelOutput):
    """An encoder's output: every position's last hidden state, the pooled [CLS] vector, and on
    request the hidden states after the embeddings and after each layer, and each layer's
    attention weights."""

    fields = ("last_hidden_state", "pooler_output", "hidden_states", "attentions")


class SequenceClassifierOutput(ModelOutput):
    """A classifier's output: the loss (when labels were given), the logits, and on request the
    encoder's hidden states and attention weights."""

    fields = ("loss", "logits", "hidden_states", "attentions")
