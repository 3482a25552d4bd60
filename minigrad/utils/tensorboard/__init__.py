"""``torch.utils.tensorboard``'s import path: ``SummaryWriter`` (writer.py), which writes
TensorBoard's event files itself (event_file.py): TensorBoard is needed only to view them."""

from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
