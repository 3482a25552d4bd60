"""A small image classifier trained the way recent PyTorch tutorials write it: channels-last
memory, an autocast block with a GradScaler, TensorBoard logging, `.to(device, non_blocking=True)`,
the loss summed into a preallocated tensor with `out=`, and the whole model saved with
`torch.save(model, path)`, then loaded back under `torch.serialization.safe_globals`."""

import os

import numpy as np

import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.utils.data.sampler import SubsetRandomSampler
from minigrad.utils.tensorboard import SummaryWriter


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 4 * 4, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(torch.flatten(x, 1))


def synthetic_images(n=256, seed=0):
    """Four classes of 16x16 images: a bright bar in one of four places, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    images = rng.normal(0, 0.3, (n, 1, 16, 16)).astype(np.float32)
    for k in range(4):
        images[labels == k, 0, 4 * k:4 * k + 3, :] += 2.0
    return torch.tensor(images), torch.tensor(labels)


def main(log_dir, epochs=3, device="cpu"):
    torch.manual_seed(0)
    images, labels = synthetic_images()
    train = DataLoader(TensorDataset(images, labels), batch_size=32,
                       sampler=SubsetRandomSampler(range(192), generator=torch.Generator().manual_seed(0)))
    model = Net().to(device, memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    scaler = torch.amp.GradScaler(device, enabled=False)
    epoch_loss = torch.zeros(())
    losses = []
    with SummaryWriter(log_dir) as writer:
        for epoch in range(epochs):
            epoch_loss.zero_()
            for step, (x, y) in enumerate(train):
                x = x.to(device, non_blocking=True).contiguous(memory_format=torch.channels_last)
                y = y.to(device, non_blocking=True)
                with torch.autocast(device_type=device, dtype=torch.float16, enabled=False):
                    loss = F.cross_entropy(model(x), y)
                optimizer.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
                with torch.no_grad():
                    torch.add(epoch_loss, loss.detach(), out=epoch_loss)
                writer.add_scalar("loss/step", loss.item(), epoch * len(train) + step)
            losses.append(epoch_loss.item() / len(train))
            writer.add_scalar("loss/epoch", losses[-1], epoch)
            writer.add_histogram("conv1.weight", model.conv1.weight, epoch)
    path = os.path.join(log_dir, "model.pt")
    torch.save(model, path)
    with torch.serialization.safe_globals([Net, nn.Conv2d, nn.Linear]):
        restored = torch.load(path)
    test_x, test_y = images[192:], labels[192:]
    with torch.inference_mode():
        accuracy = (restored(test_x).argmax(1) == test_y).float().mean().item()
        same = torch.equal(restored(test_x), model(test_x))
    return losses, accuracy, same
