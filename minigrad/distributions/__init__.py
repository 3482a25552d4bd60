"""Probability distributions with PyTorch's names: sample, log_prob, entropy, KL divergence.

Reinforcement-learning and variational programs build their losses from these
(``Categorical(logits).log_prob(action)`` in REINFORCE, ``Normal(mu, sigma).rsample()`` in a
VAE). ``log_prob`` and ``entropy`` are compositions of differentiable ops, so gradients flow
into the parameters; ``rsample`` (where it exists) is the reparameterised sample
loc + scale · ε, differentiable in loc and scale; ``sample`` is cut from the graph.
"""

from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .kl import kl_divergence, register_kl
from .normal import Normal
from .uniform import Uniform

__all__ = ["Distribution", "Bernoulli", "Categorical", "Normal", "Uniform", "kl_divergence", "register_kl"]
