"""minigrad.keras preprocessing: Tokenizer (Keras's documented rules), pad_sequences and
to_categorical (against Keras 3's own, where Keras is installed)."""

import numpy as np
import pytest

import minigrad as tf
from keras_support import keras_or_skip
from minigrad.errors import ArgumentError, ShapeError
from minigrad.keras.preprocessing.sequence import pad_sequences
from minigrad.keras.preprocessing.text import Tokenizer, text_to_word_sequence, tokenizer_from_json
from minigrad.keras.utils import normalize, to_categorical

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "My cat, my dog: the best of friends?"]


def test_the_import_paths_of_the_programs():
    assert tf.keras.preprocessing.text.Tokenizer is Tokenizer
    assert tf.keras.preprocessing.sequence.pad_sequences is pad_sequences
    assert tf.keras.utils.pad_sequences is pad_sequences
    assert tf.keras.utils.to_categorical is to_categorical


# ---- Tokenizer --------------------------------------------------------------------------------
def test_words_are_lowered_filtered_and_split():
    assert text_to_word_sequence("Hello, World!\tIt's  me.") == ["hello", "world", "it's", "me"]
    assert text_to_word_sequence("a-b_c", filters="-") == ["a", "b_c"]
    assert text_to_word_sequence("A;B;c", lower=False, split=";", filters="") == ["A", "B", "c"]


def test_word_index_ranks_by_count_ties_in_order_of_appearance():
    t = Tokenizer()
    t.fit_on_texts(TEXTS)
    # the: 4, my: 3, cat: 2, dog: 2 (cat first seen first), then the words seen once, in order
    assert list(t.word_index)[:4] == ["the", "my", "cat", "dog"]
    assert list(t.word_index)[4:] == ["sat", "on", "mat", "ate", "homework", "best", "of", "friends"]
    assert list(t.word_index.values()) == list(range(1, 13))  # from 1: 0 is left for padding
    assert t.word_counts["the"] == 4 and t.word_docs["the"] == 3 and t.word_docs["my"] == 2
    assert t.document_count == 3 and t.index_word[1] == "the" and t.index_docs[t.word_index["cat"]] == 2


def test_texts_to_sequences_with_num_words_and_oov():
    t = Tokenizer(num_words=4)
    t.fit_on_texts(TEXTS)
    assert len(t.word_index) == 12  # num_words does not shorten the index ...
    assert t.texts_to_sequences(["the cat ate the zebra"]) == [[1, 3, 1]]  # ... only what is kept (ids < 4)
    t = Tokenizer(num_words=4, oov_token="<OOV>")
    t.fit_on_texts(TEXTS)
    assert t.word_index["<OOV>"] == 1 and t.word_index["the"] == 2
    assert t.texts_to_sequences(["the cat ate the zebra"]) == [[2, 1, 1, 2, 1]]  # rare and unseen words -> 1
    assert t.sequences_to_texts([[2, 3, 1, 11, 99]]) == ["the my <OOV> <OOV> <OOV>"]
    plain = Tokenizer()
    plain.fit_on_texts(TEXTS)
    assert plain.sequences_to_texts([[1, 3, 99]]) == ["the cat"]  # unknown ids dropped without oov


def test_char_level_and_token_lists():
    t = Tokenizer(char_level=True)
    t.fit_on_texts(["abca", "Ab"])
    assert t.word_index == {"a": 1, "b": 2, "c": 3}
    assert t.texts_to_sequences(["cab!"]) == [[3, 1, 2]]
    t = Tokenizer(lower=False)
    t.fit_on_texts([["New York", "is", "big"], ["is", "it"]])  # lists are taken as tokens already
    assert t.word_index == {"is": 1, "New York": 2, "big": 3, "it": 4}


def test_texts_to_matrix_modes():
    t = Tokenizer()
    t.fit_on_texts(TEXTS)
    texts = ["the the cat", "dog"]
    binary = t.texts_to_matrix(texts)
    assert binary.shape == (2, 13) and binary.dtype == np.float64 and binary[:, 0].sum() == 0
    assert binary[0, 1] == 1 and binary[0, 3] == 1 and binary[1, 4] == 1 and binary.sum() == 3
    count = t.texts_to_matrix(texts, mode="count")
    assert count[0, 1] == 2 and count[0, 3] == 1
    freq = t.texts_to_matrix(texts, mode="freq")
    np.testing.assert_allclose(freq[0, [1, 3]], [2 / 3, 1 / 3])
    tfidf = t.texts_to_matrix(texts, mode="tfidf")
    # (1 + log count) · log(1 + documents / (1 + documents with the word)): "the" is in 3 of 3
    np.testing.assert_allclose(tfidf[0, 1], (1 + np.log(2)) * np.log(1 + 3 / 4))
    np.testing.assert_allclose(tfidf[1, 4], np.log(1 + 3 / 3))
    small = Tokenizer(num_words=3)
    small.fit_on_texts(TEXTS)
    assert small.texts_to_matrix(["the my cat dog"], mode="count").tolist() == [[0, 1, 1]]
    with pytest.raises(ValueError, match="mode"):
        t.texts_to_matrix(texts, mode="bm25")
    with pytest.raises(ValueError, match="fit on some text"):
        Tokenizer().texts_to_matrix(texts)


def test_tokenizer_json_round_trip_and_errors():
    t = Tokenizer(num_words=5, oov_token="?")
    t.fit_on_texts(TEXTS)
    back = tokenizer_from_json(t.to_json())
    assert back.word_index == t.word_index and back.index_word == t.index_word
    assert back.texts_to_sequences(TEXTS) == t.texts_to_sequences(TEXTS)
    assert back.texts_to_matrix(TEXTS, mode="tfidf").tolist() == t.texts_to_matrix(TEXTS, mode="tfidf").tolist()
    with pytest.raises(ValueError, match="single string"):
        Tokenizer().fit_on_texts("a text")
    with pytest.raises(ValueError, match="num_words"):
        Tokenizer(num_words=0)


# ---- pad_sequences ----------------------------------------------------------------------------
SEQUENCES = [[1, 2, 3, 4], [5], [], [6, 7]]


def test_pad_sequences_rules():
    np.testing.assert_array_equal(pad_sequences(SEQUENCES), [[1, 2, 3, 4], [0, 0, 0, 5], [0, 0, 0, 0],
                                                             [0, 0, 6, 7]])
    np.testing.assert_array_equal(pad_sequences(SEQUENCES, maxlen=3), [[2, 3, 4], [0, 0, 5], [0, 0, 0],
                                                                       [0, 6, 7]])
    post = pad_sequences(SEQUENCES, maxlen=3, padding="post", truncating="post", value=-1)
    np.testing.assert_array_equal(post, [[1, 2, 3], [5, -1, -1], [-1, -1, -1], [6, 7, -1]])
    assert pad_sequences(SEQUENCES).dtype == np.int32
    floats = pad_sequences([[0.5, 1.5], [2.5]], dtype="float32")
    np.testing.assert_array_equal(floats, [[0.5, 1.5], [0.0, 2.5]])
    vectors = pad_sequences([np.ones((2, 3)), np.ones((1, 3))], maxlen=3, dtype="float32")
    assert vectors.shape == (2, 3, 3) and vectors[1, :2].sum() == 0 and vectors[1, 2].sum() == 3


def test_pad_sequences_errors():
    with pytest.raises(ValueError, match="padding"):
        pad_sequences(SEQUENCES, padding="middle")
    with pytest.raises(ValueError, match="truncating"):
        pad_sequences(SEQUENCES, truncating="middle")
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")
    with pytest.raises(ValueError, match="no length"):
        pad_sequences([[1], 2])
    with pytest.raises(ShapeError, match="shape"):
        pad_sequences([np.ones((2, 3)), np.ones((1, 2))])


def test_pad_sequences_matches_keras():
    keras = keras_or_skip()
    rng = np.random.default_rng(0)
    sequences = [list(rng.integers(1, 50, size=n)) for n in (0, 3, 7, 12, 1, 5)]
    for kwargs in ({}, {"maxlen": 5}, {"maxlen": 5, "padding": "post"}, {"maxlen": 4, "truncating": "post"},
                   {"maxlen": 9, "value": 7, "dtype": "int64"}, {"dtype": "float32", "value": 0.5}):
        ours, theirs = pad_sequences(sequences, **kwargs), keras.utils.pad_sequences(sequences, **kwargs)
        assert ours.dtype == theirs.dtype, kwargs
        np.testing.assert_array_equal(ours, theirs, err_msg=str(kwargs))


# ---- utils ------------------------------------------------------------------------------------
def test_to_categorical():
    out = to_categorical([0, 2, 1, 2])
    np.testing.assert_array_equal(out, np.eye(3)[[0, 2, 1, 2]])
    assert out.dtype == np.float64
    assert to_categorical(np.array([[1], [0]]), num_classes=4).shape == (2, 4)  # a trailing 1 axis goes
    assert to_categorical(np.zeros((2, 3), np.int64), num_classes=2).shape == (2, 3, 2)
    assert to_categorical(tf.tensor([1, 0])).tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ArgumentError, match="labels must be in"):
        to_categorical([0, 3], num_classes=3)


def test_to_categorical_and_normalize_match_keras():
    keras = keras_or_skip()
    for labels, classes in (([0, 2, 1, 2], None), ([[1], [0], [3]], None), ([[0, 1], [2, 0]], 4)):
        np.testing.assert_array_equal(to_categorical(labels, classes), keras.utils.to_categorical(labels, classes))
    x = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -1.0]])
    for axis, order in ((-1, 2), (1, 1)):
        np.testing.assert_allclose(normalize(x, axis, order), keras.utils.normalize(x, axis, order))
    np.testing.assert_allclose(normalize(x, 0, 1), x / np.array([4.0, 5.0]))


def test_set_random_seed_makes_fit_repeatable():
    x = np.linspace(-1, 1, 32, dtype=np.float32)[:, None]
    runs = []
    for _ in range(2):
        tf.keras.utils.set_random_seed(3)
        model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(1,)), tf.keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        runs.append(model.fit(x, 2 * x, batch_size=8, epochs=2, verbose=0).history["loss"])
    assert runs[0] == runs[1]


def test_docstring_examples():
    import doctest

    from minigrad.keras import utils
    from minigrad.keras.preprocessing import sequence, text
    for module in (text, sequence, utils):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, module.__name__
