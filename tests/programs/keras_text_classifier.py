"""Sentiment classification in Keras: Tokenizer, pad_sequences, Embedding, LSTM, Dense."""

import minigrad as tf
from minigrad.keras.preprocessing.text import Tokenizer
from minigrad.keras.preprocessing.sequence import pad_sequences

texts = [
    "I love this movie", "What a great film", "The acting was wonderful", "I enjoyed every minute",
    "A truly good story", "Best film of the year", "I liked it a lot", "Great music and great actors",
    "This movie was terrible", "What an awful film", "The acting was bad", "I hated every minute",
    "A truly boring story", "Worst film of the year", "I did not like it", "Bad music and bad actors",
] * 4
labels = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0] * 4

tokenizer = Tokenizer(num_words=1000, oov_token="<OOV>")
tokenizer.fit_on_texts(texts)
sequences = tokenizer.texts_to_sequences(texts)
padded = pad_sequences(sequences, maxlen=10)

model = tf.keras.Sequential([
    tf.keras.layers.Embedding(1000, 64, input_length=10),
    tf.keras.layers.LSTM(128),
    tf.keras.layers.Dense(1, activation='sigmoid')
])

model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

history = model.fit(padded, labels, epochs=10, batch_size=32)

test = pad_sequences(tokenizer.texts_to_sequences(["a great movie", "a bad movie"]), maxlen=10)
print(model.predict(test))
