"""Work: the handle an ``async_op=True`` collective returns.

The collective has been started and runs while the program goes on; ``wait()`` blocks until
it has finished and its result is in the output tensors. Nothing is written into them
before that (a collective works on its own contiguous copies), so reading an output before
``wait()`` shows its old value.
"""


class Work:
    """``work.wait()`` until done; ``work.is_completed()`` asks without blocking."""

    def __init__(self, request, finish=None):
        self._request = request  # the backend's handle: has Wait() and Test()
        self._finish = finish  # writes the result into the tensors, once
        self._done = False

    def _complete(self):
        if not self._done:
            self._done = True
            if self._finish is not None:
                self._finish()
                self._finish = None

    def wait(self, timeout=None):
        """Block until the collective has finished and its outputs hold the result; returns True.

        ``timeout`` is accepted for PyTorch programs; MPI has no timed wait, so it is not used.
        """
        if not self._done:
            self._request.Wait()
            self._complete()
        return True

    def is_completed(self):
        """True once the collective has finished (then the outputs hold the result)."""
        if not self._done and self._request.Test():
            self._complete()
        return self._done

    def is_success(self):
        return self.is_completed()

    def result(self):
        self.wait()
        return []

    def __repr__(self):
        return f"<Work {'completed' if self._done else 'in flight'}>"

