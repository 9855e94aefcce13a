"""Time each step of one `claimtrail validate` run (fast engine), as JSON on stdout.

    python benchmarks/steps.py PACKAGE_DIR

The engine announces each step through validate_package's progress callback ("descriptor",
"tables: claims.csv", "records: claims.csv", "pointers: quotes against the texts" ...); a
step lasts until the next is announced. Below 128 MiB of tables the engine reads the next table
while it checks the current one (validation/fast/run.py, _Reader): part of a table's reading
then falls in the steps before its own. The process's resident memory is sampled every 10 ms
(Linux: /proc/self/status), and each step's peak is reported beside its time: where the memory
bound is lost. benchmarks/run.py runs this as a child process and writes the breakdown into
benchmarks/README.md.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from pathlib import Path


def status_mib(key: str = "VmRSS") -> float | None:
    """A figure of this process's memory from /proc/self/status, in MiB (VmRSS: resident now;
    VmHWM: the peak so far), or None where /proc does not say."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(f"{key}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def main(root: Path) -> dict:
    marks: list[tuple[str, float, float]] = [("start-up (imports)", time.perf_counter(), time.process_time())]
    peaks: dict[str, float] = {}
    done = threading.Event()

    def note(step: str, mib: float | None) -> None:
        if mib is not None and mib > peaks.get(step, 0.0):
            peaks[step] = mib

    def sample() -> None:
        while not done.is_set():
            note(marks[-1][0], status_mib())
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    def progress(step: str) -> None:
        # Sampled here too, as the step before ends and this one starts: a step shorter than
        # the sampling period still has its memory.
        mib = status_mib()
        note(marks[-1][0], mib)
        marks.append((step, time.perf_counter(), time.process_time()))
        note(step, mib)

    from claimtrail.validation.fast.memory import small_heap

    small_heap(root)  # as the command does, so that the memory column is the command's
    from claimtrail.validation.validate import validate_package

    progress("descriptor")
    report = validate_package(root, progress=progress)
    progress("end")
    done.set()
    sampler.join()
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for (name, at, cpu_at), (_, until, cpu_until) in itertools.pairwise(marks):
        steps[name] = steps.get(name, 0.0) + until - at
        cpu[name] = cpu.get(name, 0.0) + cpu_until - cpu_at
    return {
        "steps": steps,
        "cpu": cpu,
        "rss": {name: round(mib, 1) for name, mib in peaks.items() if name in steps},
        "valid": report.valid,
        "problems": len(report.sorted_problems()),
    }


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="a package folder (holding datapackage.json)")
    print(json.dumps(main(parser.parse_args().package)))
