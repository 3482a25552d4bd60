"""Embedding: integer token ids -> rows of a learned table.

``Embedding(input_dim, output_dim)`` holds ``embeddings`` of shape (input_dim, output_dim);
output[b, t] = embeddings[ids[b, t]]. The gradient adds each output gradient into the row it
was read from (rows read twice get both). With ``mask_zero=True`` id 0 means padding: the
layer hands ``ids != 0`` as the mask to the layers after it (an LSTM then skips those steps).
"""

from ...errors import ArgumentError
from ...ops.embedding import embedding
from .. import initializers
from .base import Layer


class Embedding(Layer):
    """Turns positive integers (indices) into dense vectors of fixed size."""

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, weights=None, lora_rank=None, **kwargs):
        kwargs.pop("input_length", None)  # Keras 2's argument; Keras 3 accepts and ignores it too
        super().__init__(**kwargs)
        if not isinstance(input_dim, int) or input_dim <= 0 or not isinstance(output_dim, int) or output_dim <= 0:
            raise ArgumentError(f"Embedding: input_dim and output_dim must be positive integers, got "
                                f"input_dim={input_dim}, output_dim={output_dim}")
        self.input_dim, self.output_dim, self.mask_zero = input_dim, output_dim, mask_zero
        init = "random_uniform" if embeddings_initializer == "uniform" else embeddings_initializer
        self.embeddings_initializer = initializers.get(init)
        self._regularizers = (embeddings_regularizer, embeddings_constraint)
        self._initial_weights = weights
        self.supports_masking = mask_zero

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self._regularizers[0], constraint=self._regularizers[1],
                                          name="embeddings")
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs):
        if inputs.dtype.kind != "i":
            inputs = inputs.long()  # Keras casts float ids to integers
        return embedding(inputs, self.embeddings)

    def compute_mask(self, inputs, previous_mask=None):
        return (inputs != 0) if self.mask_zero else None

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "mask_zero": self.mask_zero}
