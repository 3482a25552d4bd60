"""PPO with a Gaussian policy on a 1-D reach task, in the style of the popular PPO-PyTorch repositories.

The actor outputs the action mean; the action is drawn from a MultivariateNormal with a fixed
diagonal covariance; the critic learns the return. A second, SAC-style head draws a
tanh-squashed action from a TransformedDistribution to check that path too.
"""
import numpy as np

import minigrad as torch
import minigrad.nn as nn
from minigrad.distributions import MultivariateNormal, Normal, TransformedDistribution
from minigrad.distributions.transforms import TanhTransform


class Reach:
    """State: the position x in [-1, 1]; the action moves it; reward -|x - 0.5|."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def reset(self):
        self.x = self.rng.uniform(-1, 1)
        return np.array([self.x], dtype=np.float32)

    def step(self, action):
        self.x = float(np.clip(self.x + 0.2 * np.clip(action, -1, 1), -1, 1))
        return np.array([self.x], dtype=np.float32), -abs(self.x - 0.5)


class ActorCritic(nn.Module):
    def __init__(self, state_dim, action_dim, action_std_init):
        super(ActorCritic, self).__init__()
        self.action_dim = action_dim
        self.action_var = torch.full((action_dim,), action_std_init * action_std_init)
        self.actor = nn.Sequential(nn.Linear(state_dim, 32), nn.Tanh(), nn.Linear(32, action_dim), nn.Tanh())
        self.critic = nn.Sequential(nn.Linear(state_dim, 32), nn.Tanh(), nn.Linear(32, 1))

    def act(self, state):
        action_mean = self.actor(state)
        cov_mat = torch.diag(self.action_var).unsqueeze(dim=0)
        dist = MultivariateNormal(action_mean, cov_mat)
        action = dist.sample()
        action_logprob = dist.log_prob(action)
        return action.detach(), action_logprob.detach(), self.critic(state).detach()

    def evaluate(self, state, action):
        action_mean = self.actor(state)
        action_var = self.action_var.expand_as(action_mean)
        cov_mat = torch.diag_embed(action_var)
        dist = MultivariateNormal(action_mean, cov_mat)
        return dist.log_prob(action), self.critic(state), dist.entropy()


def squashed_sample(mu, log_std):
    """A SAC-style action: tanh of a Gaussian draw, with the log-density of the squashed value."""
    dist = TransformedDistribution(Normal(mu, log_std.exp()), [TanhTransform(cache_size=1)])
    action = dist.rsample()
    return action, dist.log_prob(action).sum(-1)


def main(updates=15, steps_per_update=64, K_epochs=4, eps_clip=0.2, gamma=0.9):
    torch.manual_seed(0)
    env = Reach(0)
    policy = ActorCritic(1, 1, 0.5)
    old_policy = ActorCritic(1, 1, 0.5)
    old_policy.load_state_dict(policy.state_dict())
    optimizer = torch.optim.Adam([{"params": policy.actor.parameters(), "lr": 3e-3},
                                  {"params": policy.critic.parameters(), "lr": 1e-2}])
    mse = nn.MSELoss()
    mean_rewards = []
    for _ in range(updates):
        states, actions, logprobs, rewards = [], [], [], []
        state = env.reset()
        for t in range(steps_per_update):
            with torch.no_grad():
                action, logprob, _ = old_policy.act(torch.FloatTensor(state).unsqueeze(0))
            state, reward = env.step(action.item())
            states.append(torch.FloatTensor(state))
            actions.append(action.squeeze(0))
            logprobs.append(logprob.squeeze(0))
            rewards.append(reward)
            if (t + 1) % 16 == 0:
                state = env.reset()
        returns, discounted = [], 0.0
        for i, reward in enumerate(reversed(rewards)):
            if i % 16 == 0:
                discounted = 0.0
            discounted = reward + gamma * discounted
            returns.insert(0, discounted)
        returns = torch.tensor(returns, dtype=torch.float32)
        returns = (returns - returns.mean()) / (returns.std() + 1e-7)
        old_states = torch.stack(states).detach()
        old_actions = torch.stack(actions).detach()
        old_logprobs = torch.stack(logprobs).detach()
        for _ in range(K_epochs):
            logprob, state_values, dist_entropy = policy.evaluate(old_states, old_actions)
            state_values = torch.squeeze(state_values)
            ratios = torch.exp(logprob - old_logprobs.detach())
            advantages = returns - state_values.detach()
            surr1 = ratios * advantages
            surr2 = torch.clamp(ratios, 1 - eps_clip, 1 + eps_clip) * advantages
            loss = -torch.min(surr1, surr2) + 0.5 * mse(state_values, returns) - 0.01 * dist_entropy
            optimizer.zero_grad()
            loss.mean().backward()
            optimizer.step()
        old_policy.load_state_dict(policy.state_dict())
        mean_rewards.append(float(np.mean(rewards)))
    mu, log_std = torch.zeros(4, 1, requires_grad=True), torch.full((4, 1), -1.0, requires_grad=True)
    action, logp = squashed_sample(mu, log_std)
    (logp.mean() + action.pow(2).mean()).backward()
    return mean_rewards, action, logp, mu.grad
