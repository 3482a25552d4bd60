"""A stacked recurrent network in Keras: two SimpleRNN layers predict the next value of a sine wave."""

import numpy as np
from minigrad.keras.models import Sequential
from minigrad.keras.layers import SimpleRNN, Dense

# Windows of 10 steps of a sine wave; the target is the step that follows each window
wave = np.sin(np.linspace(0, 20 * np.pi, 1010))
X = np.array([wave[i:i + 10] for i in range(1000)]).reshape(-1, 10, 1)
y = wave[10:1010]

model = Sequential()
model.add(SimpleRNN(32, input_shape=(10, 1), return_sequences=True))
model.add(SimpleRNN(32))
model.add(Dense(1))

model.compile(optimizer='adam', loss='mse')
model.summary()

history = model.fit(X, y, epochs=5, batch_size=32)

print(model.predict(X[:3]), y[:3])
