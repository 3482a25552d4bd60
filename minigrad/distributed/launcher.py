"""What the launcher tells each process: torchrun's environment variables, filled in from MPI's.

PyTorch programs started by ``torchrun`` read their place in the job from the environment:

    RANK              this process's number in the job, 0 .. WORLD_SIZE - 1
    WORLD_SIZE        how many processes the job has
    LOCAL_RANK        its number among the processes on this machine (often: which GPU to use)
    LOCAL_WORLD_SIZE  how many processes run on this machine
    MASTER_ADDR, MASTER_PORT   where rank 0 listens (torch's rendezvous)

``mpiexec`` exports the same facts under its own names (MPICH: PMI_RANK, PMI_SIZE,
MPI_LOCALRANKID, MPI_LOCALNRANKS; Open MPI: OMPI_COMM_WORLD_RANK, ...). Importing
minigrad.distributed copies them into torchrun's names, so a program doing
``local_rank = int(os.environ["LOCAL_RANK"])`` before ``init_process_group`` runs unchanged
under ``mpiexec -n N python prog.py``. A variable already set is left as it is.
MASTER_ADDR / MASTER_PORT are set for programs that read them; minigrad does not use them
(MPI finds the processes itself). Without a launcher nothing is set: the job is one process.
"""

import os

# (launcher, {torchrun's name: the launcher's name})
LAUNCHERS = (
    ("mpich", {"RANK": "PMI_RANK", "WORLD_SIZE": "PMI_SIZE", "LOCAL_RANK": "MPI_LOCALRANKID",
               "LOCAL_WORLD_SIZE": "MPI_LOCALNRANKS"}),
    ("openmpi", {"RANK": "OMPI_COMM_WORLD_RANK", "WORLD_SIZE": "OMPI_COMM_WORLD_SIZE",
                 "LOCAL_RANK": "OMPI_COMM_WORLD_LOCAL_RANK", "LOCAL_WORLD_SIZE": "OMPI_COMM_WORLD_LOCAL_SIZE"}),
)
DEFAULT_MASTER = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500"}  # torchrun's defaults


def detect(environ=None):
    """{torchrun's name: value} from the MPI launcher that started this process, or {} if none."""
    environ = os.environ if environ is None else environ
    for _, names in LAUNCHERS:
        if names["RANK"] in environ and names["WORLD_SIZE"] in environ:
            found = {ours: environ[theirs] for ours, theirs in names.items() if theirs in environ}
            found.setdefault("LOCAL_RANK", found["RANK"])  # no local numbering: assume one machine
            found.setdefault("LOCAL_WORLD_SIZE", found["WORLD_SIZE"])
            return {**found, **DEFAULT_MASTER}
    return {}


def export_torchrun_environment(environ=None):
    """Set torchrun's variables that are not set yet from the MPI launcher's; returns what was set."""
    environ = os.environ if environ is None else environ
    added = {}
    for name, value in detect(environ).items():
        if name not in environ:
            environ[name] = added[name] = value
    return added
