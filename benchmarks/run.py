"""Time `claimtrail validate` against `frictionless validate` and the floor on generated packages.

    python benchmarks/run.py                           # 10k, 100k, 1M and 2M claims
    python benchmarks/run.py --sizes 10000 100000 --repeat 5
    python benchmarks/run.py --docs                    # rewrite the docs from results.json only

Each package is generated once (benchmarks/generate.py, seed 1) into --work. Each command runs
as a child process; its wall time, CPU time and peak resident memory (wait4's rusage of that
child) are recorded, and the median run is reported. At each size the run also times the
floor (benchmarks/floor.py: polars reads every table, no check), the steps of one validation
(benchmarks/steps.py), and, at the sizes of --invalid-sizes, a copy of the package with one
error per ten claims of three kinds (benchmarks/invalid.py).

`frictionless validate` takes minutes at a million claims: it runs at the sizes of
--frictionless-sizes only, in the same run as claimtrail, so that both are timed in the same
state of the machine (a shared machine's speed can change several times over within hours).
--reuse-frictionless takes instead a figure recorded in benchmarks/results.json
for the same generated package (same descriptor bytes, so the same tables and texts) on the
same kind of machine (CPU model and count, Python, frictionless: MEASURED_ON), and the docs
say so: for working on the docs, not for the figures to publish.

Everything measured goes to benchmarks/results.json; benchmarks/README.md (between the results
markers) and the figures of the top README.md (between the figures markers) are rendered from
that file alone, and tests/test_benchmarks.py checks that they still are.
"""

from __future__ import annotations

import argparse
import hashlib
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
RESULTS = HERE / "results.json"
TOP_README = HERE.parent / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
FIGURES_START, FIGURES_END = "<!-- figures:start -->", "<!-- figures:end -->"
HEADLINE = 1_000_000  # the size the top README quotes


def measure(cmd: list[str], memory: bool = True) -> dict:
    """Wall seconds, CPU seconds, peak RSS MiB, exit code and stdout of one run of a command
    (output to temporary files, so that wait4 reaps the child and reads its own rusage). With
    ``memory``, a peak that this process's own may hide (own_peak_mib) stops the run."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in (0, 1):
            raise SystemExit(
                f"{' '.join(cmd)} failed ({code}):\n{err.read().decode(errors='replace')[-2000:]}"
            )
        if memory and usage.ru_maxrss / 1024 <= own_peak_mib():
            raise SystemExit(
                f"{' '.join(cmd)}: its peak memory is hidden by this process's own "
                f"({own_peak_mib():.0f} MiB, which a child's figure includes): measure from a smaller process"
            )
        return {
            "wall": wall,
            "cpu": usage.ru_utime + usage.ru_stime,
            "rss": usage.ru_maxrss / 1024,
            "exit": code,
            "load": round(load, 2),
            "stdout": out.read().decode(errors="replace"),
        }


def own_peak_mib() -> float:
    """This process's peak resident memory so far (Linux), else 0."""
    from steps import status_mib

    return status_mib("VmHWM") or 0.0


# A child's peak memory as wait4 reports it (ru_maxrss) is at least this process's own peak:
# Linux carries the high-water mark of the memory a child starts with (this process's, until
# exec) into the program it runs. So this process stays small (it generates and breaks
# packages in children: in_child), and a figure that is not above its own peak is refused.
GENERATE = (
    "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[3]); "
    "from generate import generate; m = generate(Path(sys.argv[1]), int(sys.argv[2]), seed=1); "
    "print(json.dumps({'total_rows': m['total_rows'], 'rows': m['rows']}))"
)


def in_child(code: str | None, *args: str) -> str:
    """stdout of ``python -c code args... HERE`` (or of ``python args...`` when code is None)."""
    cmd = [sys.executable, "-c", code, *args, str(HERE)] if code else [sys.executable, *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def median_run(cmd: list[str], repeat: int, memory: bool = True) -> dict:
    runs = [measure(cmd, memory) for _ in range(repeat)]
    chosen = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "cpu": chosen["cpu"],
        "rss": chosen["rss"],
        "exit": chosen["exit"],
        "runs": [round(r["wall"], 3) for r in runs],
        "rss_max": max(r["rss"] for r in runs),
        "load": [r["load"] for r in runs],
        "stdout": chosen["stdout"],
    }


def package(work: Path, claims: int) -> tuple[Path, int]:
    out = work / f"claims-{claims}"
    marker = out / "generated.json"
    if not marker.is_file():
        if out.exists():
            shutil.rmtree(out)
        manifest = json.loads(in_child(GENERATE, str(out), str(claims)))
        marker.write_text(
            json.dumps({"total_rows": manifest["total_rows"], "rows": manifest["rows"]}), encoding="utf-8"
        )
    return out, json.loads(marker.read_text(encoding="utf-8"))["total_rows"]


def fingerprint(root: Path) -> str:
    """The descriptor's sha256: it holds the hash of every table and text of the package."""
    return hashlib.sha256((root / "datapackage.json").read_bytes()).hexdigest()


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
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def byte_compile() -> list[str]:
    """Compile claimtrail's modules to bytecode, as `pip install` does (frictionless' were, at
    its install): in an editable install, or with PYTHONDONTWRITEBYTECODE set, every run would
    otherwise compile them again, 0.07 s of the start-up of `claimtrail validate` on this
    machine, which a user's install does not pay. Returns the folders compiled."""
    import compileall

    import claimtrail

    folders = list(claimtrail.__path__)
    for folder in folders:
        if not compileall.compile_dir(folder, quiet=1):
            raise SystemExit(f"{folder}: a module does not compile")
    return folders


def startup(repeat: int) -> dict[str, float]:
    """Seconds to print the help, to load the bundled data, to check a large descriptor, and to
    validate the bundled data."""
    python = sys.executable
    out = {
        "claimtrail --help": median_run([python, "-m", "claimtrail", "--help"], repeat, memory=False)["wall"],
        "python -c 'import claimtrail'": median_run(
            [python, "-c", "import claimtrail"], repeat, memory=False
        )["wall"],
    }
    load = "import time; t = time.perf_counter(); import claimtrail; claimtrail.load(); print(time.perf_counter() - t)"
    seconds = [
        float(subprocess.run([python, "-c", load], capture_output=True, text=True, check=True).stdout)
        for _ in range(repeat)
    ]
    out["claimtrail.load() of the bundled data (in process, imports included)"] = statistics.median(seconds)
    out["claimtrail validate (bundled data, fast engine)"] = median_run(
        [python, "-m", "claimtrail", "validate"], repeat, memory=False
    )["wall"]
    out["claimtrail validate --engine frictionless (bundled data)"] = median_run(
        [python, "-m", "claimtrail", "validate", "--engine", "frictionless"], repeat, memory=False
    )["wall"]
    return out


def descriptor_seconds(root: Path, repeat: int) -> dict:
    """Step 1 alone (the descriptor check) on a package, imports excluded, two ways:

    - as `claimtrail validate` runs it (frictionless not loaded): the seconds until the step
      returns and the fast engine may go on ("seconds"), and until frictionless' verdict is
      back from the child that checks the descriptor meanwhile ("verdict", the child's start
      and imports included);
    - in one process with frictionless loaded, the whole check done there ("in_process")."""
    code = (
        "import sys, time; from pathlib import Path;"
        "from claimtrail.contract.layout import build_layout;"
        "from claimtrail.contract.problems import Report;"
        "from claimtrail.validation.validate import _check_descriptor;"
        "sys.argv[2] == 'loaded' and __import__('frictionless');"
        "root = Path(sys.argv[1]); t = time.perf_counter();"
        "d, metadata = _check_descriptor(root, build_layout(), Report(str(root))); step = time.perf_counter() - t;"
        "metadata.notes();"
        "print(step, time.perf_counter() - t, len(d['resources']))"
    )

    def runs(how: str) -> list[list[str]]:
        return [
            subprocess.run(
                [sys.executable, "-c", code, str(root), how], capture_output=True, text=True, check=True
            ).stdout.split()
            for _ in range(repeat)
        ]

    child, loaded = runs("child"), runs("loaded")
    return {
        "seconds": statistics.median(float(r[0]) for r in child),
        "verdict": statistics.median(float(r[1]) for r in child),
        "in_process": statistics.median(float(r[1]) for r in loaded),
        "resources": int(child[0][2]),
    }


# -- rendering ---------------------------------------------------------------------------------


def _step_group(step: str) -> str:
    """Steps as the breakdown shows them: a table's Table Schema checks and its record work
    together, under the table's name."""
    for prefix in ("tables: ", "records: "):
        if step.startswith(prefix):
            return step[len(prefix) :]
    return step


def breakdown(steps: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for step, seconds in steps.items():
        out[_step_group(step)] = out.get(_step_group(step), 0.0) + seconds
    return out


def peak_by_step(rss: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for step, mib in rss.items():
        out[_step_group(step)] = max(out.get(_step_group(step), 0.0), mib)
    return out


def _fl_cell(fl: dict | None) -> tuple[str, str, str]:
    if not fl:
        return "not run", "", ""
    mark = "*" if fl.get("reused") else ""
    return f"{fl['wall']:.1f} s{mark}", f"{fl['rss']:.0f} MiB", ""


def _step_table(caption: str, by_size: dict[int, dict[str, float]], cell) -> list[str]:
    """A table of one figure per step (rows) and size (columns), steps in the order first seen."""
    if not by_size:
        return []
    names: list[str] = []
    for values in by_size.values():
        names += [n for n in values if n not in names]
    lines = [
        caption,
        "",
        "| step | " + " | ".join(f"{c:,} claims" for c in by_size) + " |",
        "|---|" + "---:|" * len(by_size),
    ]
    for n in names:
        lines.append(f"| {n} | " + " | ".join(cell(values, n) for values in by_size.values()) + " |")
    return lines + [""]


def render(results: dict) -> str:
    info, rows = results["machine"], results["sizes"]
    lines = [
        START,
        "",
        f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), {info['system']}, Python {info['python']}; "
        f"claimtrail {info['claimtrail']}, polars {info['polars']}, jsonschema-rs {info['jsonschema-rs']}, "
        f"frictionless {info['frictionless']}, jsonschema {info['jsonschema']}, pydantic {info['pydantic']}.",
        f"Median of {results['repeat']} runs for claimtrail and the floor, of {results['frictionless_repeat']} for "
        "frictionless; peak RSS and CPU time of the median run. "
        + (
            "claimtrail's modules were compiled to bytecode first, as `pip install` compiles them. "
            if results.get("bytecode")
            else ""
        )
        + "The machine was shared: the load average "
        "(1 minute) at the start of the runs is given, and wall times are noisier the higher it is.",
        "",
        "| claims | rows (all tables) | floor (polars, no checks) | claimtrail validate | CPU | peak RSS "
        "| frictionless validate | peak RSS | speed-up | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    reused = False
    for r in rows:
        ct, fl, floor = r["claimtrail"], r.get("frictionless"), r["floor"]
        fl_wall, fl_rss, _ = _fl_cell(fl)
        reused |= bool(fl and fl.get("reused"))
        speed = f"{fl['wall'] / ct['wall']:.1f}x" if fl else ""
        lines.append(
            f"| {r['claims']:,} | {r['rows']:,} | {floor['wall']:.2f} s, {floor['rss']:.0f} MiB | "
            f"{ct['wall']:.2f} s | {ct['cpu']:.1f} s | {ct['rss']:.0f} MiB | {fl_wall} | {fl_rss} | {speed} | "
            f"{max(ct['load']):.1f} |"
        )
    lines.append("")
    if reused:
        dates = sorted(
            {r["frictionless"]["measured"] for r in rows if (r.get("frictionless") or {}).get("reused")}
        )
        lines += [
            "\\* frictionless' figure recorded for the same generated package (same descriptor, so the same "
            f"tables and texts) on this kind of machine on {', '.join(dates)}, reused: one frictionless run takes minutes at these sizes.",
            "",
        ]
    lines += [
        "Rows per second (claimtrail): "
        + ", ".join(f"{r['rows'] / r['claimtrail']['wall']:,.0f} at {r['claims']:,} claims" for r in rows)
        + ".",
        "",
    ]
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        slope = (b["claimtrail"]["wall"] - a["claimtrail"]["wall"]) / (b["rows"] - a["rows"])
        lines += [
            f"Slope between {a['claims']:,} and {b['claims']:,} claims: {slope * 1e6:.2f} µs per row "
            f"(floor: {(b['floor']['wall'] - a['floor']['wall']) / (b['rows'] - a['rows']) * 1e6:.2f} µs).",
            "",
        ]
    steps = {r["claims"]: breakdown(r["steps"]) for r in rows if r.get("steps")}
    lines += _step_table(
        "Where one validation spends its time (benchmarks/steps.py: one run, in process, seconds per "
        "step as the engine announces them; a table's row includes its records' checks):",
        steps,
        lambda values, name: f"{values.get(name, 0.0):.2f}",
    )
    memory = {r["claims"]: peak_by_step(r["steps_rss"]) for r in rows if r.get("steps_rss")}
    # How steps.py took the peaks: results of an earlier version sampled them.
    how = sorted({r.get("steps_peak", "sampled every 10 ms") for r in rows if r.get("steps_rss")})
    lines += _step_table(
        f"Peak resident memory during each step of the same run (MiB, {', '.join(how)}; a table's "
        "row is the higher of its checks' and its records' peaks):",
        memory,
        lambda values, name: f"{values[name]:.0f}" if name in values else "",
    )
    if results.get("invalid"):
        lines += [
            "Invalid packages (benchmarks/invalid.py: one claim in ten with a dangling claimant, one in ten "
            "with a stance outside the enum, as many pointers shifted by one code point):",
            "",
            "| claims | errors seeded | claimtrail validate | CPU | peak RSS | problems reported | load |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results["invalid"]:
            lines.append(
                f"| {r['claims']:,} | {sum(r['errors'].values()):,} | {r['wall']:.2f} s | {r['cpu']:.1f} s | "
                f"{r['rss']:.0f} MiB | {r['problems']:,} | {max(r['load']):.1f} |"
            )
        lines.append("")
    if results.get("descriptor"):
        d = results["descriptor"]
        lines += [
            f"Descriptor check alone (step 1, imports excluded) of the {d['claims']:,}-claim package's "
            f"{d['resources']:,} resources: {d['seconds']:.2f} s as `claimtrail validate` runs it, "
            "until the fast engine goes on; frictionless' metadata check runs meanwhile in a child "
            f"process, whose verdict is back after {d['verdict']:.2f} s (its start and imports "
            f"included). Done whole in one process with frictionless loaded: {d['in_process']:.2f} s.",
            "",
        ]
    lines += targets(results)
    lines += ["| start-up | seconds |", "|---|---:|"] + [
        f"| {k} | {v:.2f} |" for k, v in results["startup"].items()
    ]
    lines += ["", END]
    return "\n".join(lines)


def targets(results: dict) -> list[str]:
    """Issue 11's targets against what this run measured."""
    rows = {r["claims"]: r for r in results["sizes"]}
    out = ["| target (issue 11) | measured | met |", "|---|---:|---|"]

    def row(label: str, value: float | None, fmt: str, ok) -> None:
        if value is None:
            out.append(f"| {label} | not measured | |")
        else:
            out.append(f"| {label} | {fmt.format(value)} | {'yes' if ok(value) else 'no'} |")

    for claims, goal in ((1_000_000, 40), (100_000, 25)):
        r = rows.get(claims)
        fl = r.get("frictionless") if r else None
        loads = f", load {max(r['claimtrail']['load']):.1f} and {max(fl['load']):.1f}" if fl else ""
        row(
            f"{claims:,} claims: at least {goal}x frictionless (wall time{loads})",
            fl["wall"] / r["claimtrail"]["wall"] if fl else None,
            "{:.1f}x",
            lambda v, goal=goal: v >= goal,
        )
        row(
            f"{claims:,} claims: the same by CPU time",
            fl["cpu"] / r["claimtrail"]["cpu"] if fl else None,
            "{:.1f}x",
            lambda v, goal=goal: v >= goal,
        )
    big = rows.get(1_000_000)
    row(
        "1,000,000 claims: peak RSS at most 600 MiB",
        big["claimtrail"]["rss"] if big else None,
        "{:.0f} MiB",
        lambda v: v <= 600,
    )
    d = results.get("descriptor")
    row(
        f"descriptor check of {d['resources']:,} resources under 0.5 s (until the fast engine goes on)"
        if d
        else "descriptor check under 0.5 s",
        d["seconds"] if d else None,
        "{:.2f} s",
        lambda v: v < 0.5,
    )
    row(
        "claimtrail --help under 0.2 s",
        results["startup"].get("claimtrail --help"),
        "{:.2f} s",
        lambda v: v < 0.2,
    )
    return out + [""]


def headline(results: dict) -> dict | None:
    return next((r for r in results["sizes"] if r["claims"] == HEADLINE and r.get("frictionless")), None)


def render_figures(results: dict) -> str:
    """The top README's sentence of figures, from the results file alone."""
    r = headline(results)
    if r is None:
        body = "Timings are in [benchmarks/README.md](benchmarks/README.md)."
    else:
        ct, fl = r["claimtrail"], r["frictionless"]
        body = (
            f"On the synthetic package of {r['claims']:,} claims ({r['rows']:,} rows), `claimtrail validate` took "
            f"{ct['wall']:.1f} s ({ct['cpu']:.1f} s of CPU) at {ct['rss']:.0f} MiB peak memory, against "
            f"{fl['wall']:.0f} s ({fl['cpu']:.0f} s of CPU) and {fl['rss']:.0f} MiB for `frictionless validate`: "
            f"{fl['wall'] / ct['wall']:.1f} times faster by wall time, {fl['cpu'] / ct['cpu']:.1f} times by CPU "
            f"time, on a shared machine of {results['machine']['cpus']} cores (load average {max(ct['load']):.1f} "
            f"and {max(fl['load']):.1f} at the start of the runs; measured {results['machine']['date']} by "
            "`benchmarks/run.py`"
            + (
                f", frictionless' figure on {fl['measured']} on the same kind of machine, reused"
                if fl.get("reused")
                else ""
            )
            + ", see [benchmarks/README.md](benchmarks/README.md) for every size, the floor and the steps)."
        )
    return f"{FIGURES_START}\n{body}\n{FIGURES_END}"


def replace_block(text: str, start: str, end: str, block: str) -> str:
    if start not in text or end not in text:
        raise SystemExit(f"the markers {start} ... {end} are missing")
    head, rest = text.split(start, 1)
    return head + block + rest.split(end, 1)[1]


def write_docs(results: dict) -> None:
    README.write_text(
        replace_block(README.read_text(encoding="utf-8"), START, END, render(results)), encoding="utf-8"
    )
    TOP_README.write_text(
        replace_block(
            TOP_README.read_text(encoding="utf-8"), FIGURES_START, FIGURES_END, render_figures(results)
        ),
        encoding="utf-8",
    )


# -- the run -------------------------------------------------------------------------------------


# What a frictionless figure depends on besides the package: a figure is reused only where
# these are the same as when it was measured.
MEASURED_ON = ("cpus", "cpu", "python", "frictionless")


def measured_on(here: dict[str, str]) -> dict[str, str]:
    """What a frictionless figure measured on this machine records of it."""
    return {k: here[k] for k in MEASURED_ON}


def recorded_frictionless(previous: dict, claims: int, print_: str, here: dict[str, str]) -> dict | None:
    """frictionless' figure recorded for the same package on the same kind of machine."""
    on = measured_on(here)
    for r in previous.get("sizes", []):
        fl = r.get("frictionless")
        if r["claims"] == claims and r.get("fingerprint") == print_ and fl and fl.get("on") == on:
            return {**fl, "reused": True}
    return None


def problems_of(stdout: str) -> int:
    return len(json.loads(stdout)["problems"]) if stdout.strip() else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000, 2_000_000],
        help="claims per package",
    )
    parser.add_argument(
        "--frictionless-sizes",
        type=int,
        nargs="*",
        default=[10_000, 100_000, 1_000_000],
        help="sizes at which frictionless runs (default: up to 1M; at 2M it needs about 9 GiB)",
    )
    parser.add_argument("--invalid-sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median reported)")
    parser.add_argument("--frictionless-repeat", type=int, default=1, help="runs of frictionless")
    parser.add_argument(
        "--reuse-frictionless",
        action="store_true",
        help="take frictionless' figure recorded for the same package on the same kind of machine, marked so",
    )
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/claimtrail-bench"), help="where packages are generated"
    )
    parser.add_argument(
        "--docs", action="store_true", help="render the docs from results.json, measure nothing"
    )
    parser.add_argument("--no-docs", action="store_true", help="write results.json only")
    args = parser.parse_args(argv)
    previous = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    if args.docs:
        write_docs(previous)
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    results: dict = {
        "bytecode": bool(byte_compile()),
        "machine": machine(),
        "repeat": args.repeat,
        "frictionless_repeat": args.frictionless_repeat,
        "startup": startup(max(args.repeat, 5)),
        "sizes": [],
        "invalid": [],
    }
    for claims in args.sizes:
        root, total = package(args.work, claims)
        print_ = fingerprint(root)
        print(f"{claims} claims ({total} rows): floor, claimtrail ...", file=sys.stderr, flush=True)
        floor = median_run([python, str(HERE / "floor.py"), str(root)], args.repeat)
        ct = median_run([python, "-m", "claimtrail", "validate", str(root)], args.repeat)
        steps = json.loads(median_run([python, str(HERE / "steps.py"), str(root)], 1)["stdout"])
        print(f"  floor {floor['runs']}, claimtrail {ct['runs']}", file=sys.stderr, flush=True)
        fl = None
        if claims in args.frictionless_sizes:
            here = results["machine"]
            fl = recorded_frictionless(previous, claims, print_, here) if args.reuse_frictionless else None
            if fl is None:
                print("  frictionless ...", file=sys.stderr, flush=True)
                fl = median_run(
                    frictionless_command() + ["validate", str(root / "datapackage.json")],
                    args.frictionless_repeat,
                )
                fl["measured"] = here["date"]
                fl["on"] = measured_on(here)
                fl.pop("stdout", None)
            print(f"  frictionless {fl['runs']}{' (recorded)' if fl.get('reused') else ''}", file=sys.stderr)
        if ct["exit"] != 0 or (fl and fl["exit"] != 0) or not steps["valid"]:
            raise SystemExit(f"{root}: a generated package must be valid")
        for m in (ct, floor):
            m.pop("stdout", None)
        results["sizes"].append(
            {
                "claims": claims,
                "rows": total,
                "fingerprint": print_,
                "floor": floor,
                "claimtrail": ct,
                "frictionless": fl,
                "steps": steps["steps"],
                "steps_rss": steps.get("rss", {}),
                "steps_peak": steps.get("peak", "sampled every 10 ms"),
            }
        )
        # The descriptor target (issue 11) is for the headline package (10,024 resources).
        if claims == (HEADLINE if HEADLINE in args.sizes else max(args.sizes)):
            results["descriptor"] = {"claims": claims, **descriptor_seconds(root, args.repeat)}
        if claims in args.invalid_sizes:
            bad_root = args.work / f"invalid-{claims}"
            errors = json.loads(in_child(None, str(HERE / "invalid.py"), str(root), str(bad_root)))
            print(f"  invalid package {errors} ...", file=sys.stderr, flush=True)
            bad = median_run([python, "-m", "claimtrail", "validate", "--format", "json", str(bad_root)], 1)
            if bad["exit"] != 1:
                raise SystemExit(f"{bad_root}: the invalid package was found valid")
            results["invalid"].append(
                {
                    "claims": claims,
                    "errors": errors,
                    "problems": problems_of(bad.pop("stdout")),
                    **{k: bad[k] for k in ("wall", "cpu", "rss", "load", "runs")},
                }
            )
            shutil.rmtree(bad_root)
        # Written after each size, so that a long run interrupted keeps what it measured.
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        if not args.no_docs:
            write_docs(results)
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
