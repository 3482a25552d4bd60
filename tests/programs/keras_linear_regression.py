"""Linear regression in Keras: one Dense unit learns y = 2x + 1."""

import numpy as np
import minigrad as tf

# Training data: points on the line y = 2x + 1
X = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
y = np.array([-1.0, 1.0, 3.0, 5.0, 7.0, 9.0], dtype=float)

# A single neuron with a single input
model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])

model.compile(optimizer='sgd', loss='mean_squared_error')

model.fit(X, y, epochs=1000)

print(model.predict(np.array([10.0])))

weights, bias = model.layers[0].get_weights()
print("w =", weights[0][0], "b =", bias[0])
