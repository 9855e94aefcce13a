"""Time `claimtrail site` on generated packages and write the figures into benchmarks/README.md.

    python benchmarks/site.py                      # 10k and 100k claims, 1 run each
    python benchmarks/site.py --sizes 10000 --repeat 3

Each package is generated once (benchmarks/generate.py, seed 1) into --work. Each build runs in
a child process that loads the package (claimtrail.load) and writes the site
(claimtrail.publish.site.builder.write_site), reporting the seconds of each; its wall time and
peak resident memory come from wait4, and the median run is reported. Validation, which
`claimtrail site` runs first, is timed in benchmarks/run.py. The table is written between the
site-benchmark markers of benchmarks/README.md; the rest of the file is left as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
START, END = "<!-- site-benchmark:start -->", "<!-- site-benchmark:end -->"

CHILD = """
import json, sys, time
started = time.perf_counter()
import claimtrail
from claimtrail.publish.site.builder import read_descriptor, write_site
ds = claimtrail.load(sys.argv[1])
loaded = time.perf_counter()
site = write_site(ds, read_descriptor(sys.argv[1]), sys.argv[2])
done = time.perf_counter()
print(json.dumps({"load": loaded - started, "build": done - loaded, "files": site.files, "bytes": site.bytes,
                  "pointers": len(ds.pointers), "sources": len(ds.sources), "events": len(ds.events),
                  "actors": len(ds.actors), "claims": len(ds.claims)}))
"""


def package(work: Path, claims: int) -> Path:
    """The generated package of that size, shared with run.py (generated once)."""
    sys.path.insert(0, str(HERE))
    from run import package as generated

    return generated(work, claims)[0]


def build(pkg: Path, out: Path) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(pkg), str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stdout = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"building the site of {pkg} failed:\n{err[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return {**json.loads(stdout), "wall": wall, "cpu": cpu, "rss": usage.ru_maxrss / 1024}


def table(results: list[dict], repeat: int) -> str:
    versions = ", ".join(f"{n} {metadata.version(n)}" for n in ("claimtrail", "jinja2", "pydantic"))
    lines = [
        START,
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; {versions}. "
        f"Median of {repeat} run{'s' if repeat > 1 else ''}; `python benchmarks/site.py` rewrites this section.",
        "",
        "| claims | events | actors | sources | pointers | load | build | process: wall | process: CPU | CPU per file | files | size | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['claims']:,} | {r['events']:,} | {r['actors']:,} | {r['sources']:,} | {r['pointers']:,} "
            f"| {r['load']:.1f} s | {r['build']:.1f} s | {r['wall']:.1f} s | {r['cpu']:.1f} s "
            f"| {r['cpu'] / r['files'] * 1e3:.2f} ms | {r['files']:,} | {r['bytes'] / (1 << 20):.0f} MiB | {r['rss']:.0f} MiB |"
        )
    lines += [
        "",
        "*load*: `claimtrail.load` (tables, records, pydantic models) and *build*: every page rendered "
        "and written (`write_site`), wall seconds measured in the process; *process*: the whole child "
        "process, wall time and CPU time (user + system, from wait4), which does not count the time "
        "the process waited for a core, so it is the figure to compare on a busy machine; *CPU per "
        "file*: CPU time over the files written (one page per source, event, actor, claim and "
        "discrepancy, plus the index, the search index and 3 static files).",
        "",
        END,
    ]
    return "\n".join(lines)


def write_readme(block: str) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text:
        text = text.rstrip("\n") + f"\n\n## The provenance site\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    README.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="claims per package")
    parser.add_argument("--repeat", type=int, default=1, help="builds per size (median reported)")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/claimtrail-bench-site"), help="where packages are generated"
    )
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results = []
    for claims in args.sizes:
        pkg = package(args.work, claims)
        runs = []
        for n in range(args.repeat):
            out = args.work / f"site-{claims}-{n}"
            runs.append(build(pkg, out))
            shutil.rmtree(out)
        median = statistics.median(r["wall"] for r in runs)
        chosen = min(runs, key=lambda r: abs(r["wall"] - median))
        results.append(chosen)
        print(f"{claims:,} claims: {chosen['wall']:.1f} s, {chosen['files']:,} files", file=sys.stderr)
    block = table(results, args.repeat)
    print(block)
    if not args.no_readme:
        write_readme(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
