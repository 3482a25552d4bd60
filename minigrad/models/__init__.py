"""Pretrained models and what they need around them: tokenizers, configurations, loaders.

One file per architecture, as in torchvision: ``from minigrad.models import BertTokenizer``.
"""

from .bert import BertConfig, BertForSequenceClassification, BertModel
from .pooling import mean_pooling, sentence_embeddings
from .batch_encoding import BatchEncoding
from .tokenization_bert import BertTokenizer

__all__ = []
__all__ += ["BertConfig", "BertModel", "BertForSequenceClassification", "mean_pooling", "sentence_embeddings"]
__all__ += ["BatchEncoding", "BertTokenizer"]
