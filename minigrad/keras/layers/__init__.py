"""Keras layers on minigrad: ``from minigrad.keras.layers import Dense, LSTM``."""

from .base import Layer
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .activation_layers import ELU, LeakyReLU, ReLU, Softmax
from .attention import MultiHeadAttention
from .conv import Conv1D, Conv2D
from .embedding import Embedding
from .input import Input, InputLayer
from .merge import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                      GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D)
from .reshaping import Permute, RepeatVector, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D
from .recurrent import GRU, LSTM, Bidirectional, SimpleRNN, TimeDistributed
from .symbolic import KerasTensor

__all__ = ["Layer", "Input", "InputLayer", "KerasTensor", "Dense", "Activation", "Dropout", "Flatten", "Reshape",
           "Embedding", "SimpleRNN", "LSTM", "GRU", "Bidirectional", "TimeDistributed",
           "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
           "BatchNormalization", "LayerNormalization", "MultiHeadAttention",
           "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
           "ReLU", "LeakyReLU", "ELU", "Softmax", "RepeatVector", "Permute", "ZeroPadding1D", "ZeroPadding2D",
           "UpSampling1D", "UpSampling2D"]
# Keras's shorter aliases
MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D = MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D
Convolution1D, Convolution2D = Conv1D, Conv2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
