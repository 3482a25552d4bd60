"""``torch.hub`` without the network: checkpoints from the hub's cache folder, models from a
local folder's ``hubconf.py``.

minigrad never downloads at run time. ``load_state_dict_from_url(url)`` looks for the file in
``get_dir()/checkpoints`` (where PyTorch would have saved it: the url's last part, or
``file_name``) and loads it there; when it is not there it raises ``PretrainedNotFound`` with
the path to put it at. ``load(folder, name, source="local")`` imports ``folder/hubconf.py``
and calls its entry point ``name``, as PyTorch does; a GitHub repository (the default
source) would need the network and is refused.

The cache folder is ``$TORCH_HOME/hub`` (default ``~/.cache/torch/hub``), the one PyTorch
uses, so checkpoints it downloaded are found; ``set_dir`` changes it.
"""

import importlib.util
import os
import sys
from urllib.parse import urlparse

from .errors import ArgumentError, NotSupported, PretrainedNotFound

_hub_dir = [None]


def get_dir():
    """The hub's folder: set_dir's, else $TORCH_HOME/hub, else ~/.cache/torch/hub (PyTorch's)."""
    if _hub_dir[0] is not None:
        return _hub_dir[0]
    home = os.environ.get("TORCH_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME") or
                                                         os.path.expanduser("~/.cache"), "torch")
    return os.path.join(os.path.expanduser(home), "hub")


def set_dir(d):
    _hub_dir[0] = os.path.expanduser(os.fspath(d))


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """The checkpoint ``url`` names, read from the hub's cache (see the module docstring)."""
    from .serialization import load

    folder = model_dir or os.path.join(get_dir(), "checkpoints")
    path = os.path.join(folder, file_name or os.path.basename(urlparse(url).path))
    if not os.path.exists(path):
        raise PretrainedNotFound(f"load_state_dict_from_url: {path} is not there, and minigrad does not download "
                                 f"({url}); fetch the file yourself and put it at that path")
    return load(path, map_location=map_location, weights_only=weights_only)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    raise NotSupported(f"download_url_to_file: minigrad does not download ({url}); fetch it to {dst} yourself")


def _hubconf(repo_or_dir, source, op):
    if source != "local":
        raise NotSupported(f"{op}: source={source!r} needs the network; clone {repo_or_dir!r} and pass its folder "
                           "with source='local'")
    path = os.path.join(os.fspath(repo_or_dir), "hubconf.py")
    if not os.path.isfile(path):
        raise PretrainedNotFound(f"{op}: {path} does not exist")
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(path))  # (hubconf imports its repository's own modules)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(os.path.dirname(path))
    return module


def list(repo_or_dir, force_reload=False, skip_validation=False, trust_repo=None, verbose=True, source="github"):
    """The entry points of a folder's hubconf.py (source="local")."""
    module = _hubconf(repo_or_dir, source, "hub.list")
    return [name for name, obj in vars(module).items() if callable(obj) and not name.startswith("_")
            and getattr(obj, "__module__", None) == module.__name__]


def help(repo_or_dir, model, force_reload=False, skip_validation=False, trust_repo=None, source="github"):
    return getattr(_hubconf(repo_or_dir, source, "hub.help"), model).__doc__


def load(repo_or_dir, model, *args, source="github", trust_repo=None, force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """Call the entry point ``model`` of the folder's hubconf.py with ``args`` (source="local")."""
    module = _hubconf(repo_or_dir, source, "hub.load")
    entry = getattr(module, model, None)
    if not callable(entry):
        raise ArgumentError(f"hub.load: {model!r} is not an entry point of {repo_or_dir}/hubconf.py")
    return entry(*args, **kwargs)


__all__ = ["get_dir", "set_dir", "load_state_dict_from_url", "download_url_to_file", "list", "help", "load"]
