"""Run claimtrail commands one after another in this process and measure each: exit code,
output, CPU seconds, wall seconds; then the peak memory of the whole run (VmHWM).

Usage: python bounded_run.py CASES.json, where CASES.json is a list of argument lists. Prints
one JSON object: {"results": [...], "peak_mib": N}. The peak resident size covers every case,
so a peak under a bound shows each case stayed under it. An alarm turns a case that blocks
(a read that never returns) into a result instead of a hung test.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import signal
import sys
import time

HANG_SECONDS = 60


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM, not getrusage's ru_maxrss: the latter
    also counts the memory of the test process this one was forked from before exec."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ends(text: str) -> str:
    return text if len(text) <= 8000 else text[:4000] + "\n...\n" + text[-4000:]


def main() -> None:
    from claimtrail.cli import main as claimtrail

    cases = json.loads(open(sys.argv[1], encoding="utf-8").read())
    signal.signal(signal.SIGALRM, _alarm)
    results = []
    for argv in cases:
        out, err = io.StringIO(), io.StringIO()
        cpu, wall = time.process_time(), time.perf_counter()
        signal.alarm(HANG_SECONDS)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = claimtrail(argv)
        except Hung:
            code = "hung"
        finally:
            signal.alarm(0)
        results.append(
            {
                "argv": argv,
                "code": code,
                "out": _ends(out.getvalue()),
                "err": _ends(err.getvalue()),
                "cpu": time.process_time() - cpu,
                "wall": time.perf_counter() - wall,
                "peak_mib": peak_mib(),
            }
        )
    print(json.dumps({"results": results, "peak_mib": peak_mib()}))


if __name__ == "__main__":
    main()
