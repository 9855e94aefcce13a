"""Progress of a long validation on stderr: one line per step with the time elapsed, rewritten
in place. Only on a terminal: CI logs and redirected output stay as they were."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.perf_counter()
        self.width = 0
        self.active = bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, step: str) -> None:
        if not self.active:
            return
        line = f"claimtrail: {time.perf_counter() - self.started:6.1f} s  {step}"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def done(self) -> None:
        """Clear the progress line, so the report starts on a clean line."""
        if self.active and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
