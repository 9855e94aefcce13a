"""Time `claimtrail validate` against `frictionless validate` on generated packages.

    python benchmarks/run.py                          # 10k, 100k and 1M claims, 3 runs each
    python benchmarks/run.py --sizes 10000 100000 --repeat 5
    python benchmarks/run.py --frictionless-repeat 1  # one frictionless run per size (minutes at 1M)

Each package is generated once (benchmarks/generate.py, seed 1) into --work. Each command runs
as a child process; its wall time and peak resident memory (wait4's rusage of that child) are
recorded, and the median run is reported. The table, the start-up times and a description of
the machine are written into benchmarks/README.md between the results markers.
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
START, END = "<!-- results:start -->", "<!-- results:end -->"


def measure(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one run of a command."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def median_run(cmd: list[str], repeat: int, cwd: Path | None = None) -> dict:
    runs = [measure(cmd, cwd) for _ in range(repeat)]
    walls = [r[0] for r in runs]
    chosen = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
    return {
        "wall": statistics.median(walls),
        "rss": chosen[1],
        "exit": chosen[2],
        "runs": walls,
        "rss_max": max(r[1] for r in runs),
    }


def package(work: Path, claims: int) -> tuple[Path, int]:
    out = work / f"claims-{claims}"
    marker = out / "generated.json"
    if not marker.is_file():
        if out.exists():
            shutil.rmtree(out)
        sys.path.insert(0, str(HERE))
        from generate import generate

        manifest = generate(out, claims, seed=1)
        marker.write_text(
            json.dumps({"total_rows": manifest["total_rows"], "rows": manifest["rows"]}), encoding="utf-8"
        )
    return out, json.loads(marker.read_text(encoding="utf-8"))["total_rows"]


def frictionless_command() -> list[str]:
    exe = Path(sys.executable).with_name("frictionless")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "frictionless"]


def machine() -> dict[str, str]:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    versions = {
        name: metadata.version(name)
        for name in ("claimtrail", "polars", "jsonschema-rs", "frictionless", "jsonschema", "pydantic")
    }
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        **versions,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
    }


def startup(repeat: int) -> dict[str, float]:
    """Seconds to print the help, to load the bundled data, and to validate it."""
    python = sys.executable
    out = {
        "claimtrail --help": median_run([python, "-m", "claimtrail", "--help"], repeat)["wall"],
        "python -c 'import claimtrail'": median_run([python, "-c", "import claimtrail"], repeat)["wall"],
    }
    load = "import time; t = time.perf_counter(); import claimtrail; claimtrail.load(); print(time.perf_counter() - t)"
    seconds = [
        float(subprocess.run([python, "-c", load], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeat)
    ]
    out["claimtrail.load() of the bundled data (in process, imports included)"] = statistics.median(seconds)
    out["claimtrail validate (bundled data, fast engine)"] = median_run(
        [python, "-m", "claimtrail", "validate"], repeat
    )["wall"]
    out["claimtrail validate --engine frictionless (bundled data)"] = median_run(
        [python, "-m", "claimtrail", "validate", "--engine", "frictionless"], repeat
    )["wall"]
    return out


def render(rows: list[dict], start: dict[str, float], info: dict[str, str], repeat: int, frepeat: int) -> str:
    lines = [
        START,
        "",
        f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), {info['system']}, Python {info['python']}; "
        f"claimtrail {info['claimtrail']}, polars {info['polars']}, jsonschema-rs {info['jsonschema-rs']}, "
        f"frictionless {info['frictionless']}, jsonschema {info['jsonschema']}, pydantic {info['pydantic']}.",
        f"Median of {repeat} runs for claimtrail, of {frepeat} for frictionless; peak RSS of the median run.",
        "",
        "| claims | rows (all tables) | claimtrail validate | peak RSS | frictionless validate | peak RSS | speed-up |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ct, fl = r["claimtrail"], r["frictionless"]
        lines.append(
            f"| {r['claims']:,} | {r['rows']:,} | {ct['wall']:.2f} s | {ct['rss']:.0f} MiB | "
            f"{fl['wall']:.1f} s | {fl['rss']:.0f} MiB | {fl['wall'] / ct['wall']:.1f}x |"
        )
    lines += [
        "",
        "Rows per second (claimtrail): "
        + ", ".join(f"{r['rows'] / r['claimtrail']['wall']:,.0f} at {r['claims']:,} claims" for r in rows)
        + ".",
        "",
    ]
    lines += ["| start-up | seconds |", "|---|---:|"] + [f"| {k} | {v:.2f} |" for k, v in start.items()]
    lines += ["", END]
    return "\n".join(lines)


def write_readme(block: str) -> None:
    text = README.read_text(encoding="utf-8") if README.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    README.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="claims per package"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median reported)")
    parser.add_argument(
        "--frictionless-repeat", type=int, default=None, help="runs of frictionless (default: --repeat)"
    )
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/claimtrail-bench"), help="where packages are generated"
    )
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    frepeat = args.frictionless_repeat or args.repeat
    args.work.mkdir(parents=True, exist_ok=True)
    start = startup(max(args.repeat, 5))
    info = machine()
    rows = []
    for claims in args.sizes:
        root, total = package(args.work, claims)
        print(f"{claims} claims ({total} rows): claimtrail ...", file=sys.stderr, flush=True)
        ct = median_run([sys.executable, "-m", "claimtrail", "validate", str(root)], args.repeat)
        print(f"  {ct['runs']}; frictionless ...", file=sys.stderr, flush=True)
        fl = median_run(frictionless_command() + ["validate", str(root / "datapackage.json")], frepeat)
        print(f"  {fl['runs']}", file=sys.stderr, flush=True)
        if ct["exit"] != 0 or fl["exit"] != 0:
            raise SystemExit(
                f"{root}: a generated package must be valid (claimtrail {ct['exit']}, frictionless {fl['exit']})"
            )
        rows.append({"claims": claims, "rows": total, "claimtrail": ct, "frictionless": fl})
        # Written after each size, so that a long run interrupted keeps what it measured.
        block = render(rows, start, info, args.repeat, frepeat)
        (args.work / "results.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        if not args.no_readme:
            write_readme(block)
    print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
