"""The benchmark figures in the docs are the measured ones, and the benchmark scripts work.

benchmarks/run.py writes benchmarks/results.json; benchmarks/README.md (between the results
markers) and the top README's figures (between the figures markers) are rendered from that
file alone. A figure typed by hand, or a results file changed without the docs, fails here.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys

from conftest import REPO

BENCH = REPO / "benchmarks"


def _load(name: str):
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"claimtrail_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _block(text: str, start: str, end: str) -> str:
    return start + text.split(start, 1)[1].split(end, 1)[0] + end


def test_the_docs_show_the_results_file():
    run = _load("run")
    results = json.loads(run.RESULTS.read_text(encoding="utf-8"))
    bench_readme = run.README.read_text(encoding="utf-8")
    assert _block(bench_readme, run.START, run.END) == run.render(results), (
        "benchmarks/README.md differs from benchmarks/results.json: run 'python benchmarks/run.py --docs'"
    )
    top = run.TOP_README.read_text(encoding="utf-8")
    assert _block(top, run.FIGURES_START, run.FIGURES_END) == run.render_figures(results), (
        "README.md's figures differ from benchmarks/results.json: run 'python benchmarks/run.py --docs'"
    )


def test_no_figure_is_typed_outside_the_generated_blocks():
    run = _load("run")
    figure = re.compile(r"\d[\d,.]*\s*(?:s\b|seconds|MiB|GiB|µs|times faster|x faster|×)")
    top = run.TOP_README.read_text(encoding="utf-8")
    outside = top.replace(_block(top, run.FIGURES_START, run.FIGURES_END), "")
    if "<!-- site-benchmark:start -->" in outside:  # the site's own benchmark, measured by its test
        outside = outside.replace(
            _block(outside, "<!-- site-benchmark:start -->", "<!-- site-benchmark:end -->"), ""
        )
    assert figure.findall(outside) == []
    bench = run.README.read_text(encoding="utf-8")
    prose = bench.replace(_block(bench, run.START, run.END), "")
    # The site's section is written by benchmarks/site.py between its own markers.
    prose = prose.replace(_block(prose, "<!-- site-benchmark:start -->", "<!-- site-benchmark:end -->"), "")
    assert figure.findall(prose) == []


def test_the_headline_is_the_million_claim_row():
    run = _load("run")
    results = json.loads(run.RESULTS.read_text(encoding="utf-8"))
    row = run.headline(results)
    assert row is not None and row["rows"] > 6_000_000
    figures = run.render_figures(results)
    assert f"{row['claimtrail']['wall']:.1f} s" in figures
    assert (
        f"{row['frictionless']['wall'] / row['claimtrail']['wall']:.1f} times faster by wall time" in figures
    )
    assert f"{row['frictionless']['cpu'] / row['claimtrail']['cpu']:.1f} times by CPU time" in figures


def test_a_steps_peak_does_not_hold_an_earlier_steps():
    steps = _load("steps")
    block = bytearray(256 << 20)
    block[::4096] = b"\1" * len(range(0, len(block), 4096))  # every page touched: resident
    high = steps.status_mib("VmHWM")
    del block
    assert steps.reset_peak()  # as steps.py does when a step begins
    assert steps.status_mib("VmHWM") < high - 200


def test_steps_floor_and_invalid_scripts_on_a_small_package(tmp_path):
    generate = _load("generate")
    valid = tmp_path / "valid"
    manifest = generate.generate(valid, 60, seed=1)
    steps = _load("steps").main(valid)
    assert steps["valid"] and {"descriptor", "tables: claims.csv", "records: claims.csv"} <= set(
        steps["steps"]
    )
    assert set(steps["cpu"]) == set(steps["steps"])
    # Each step's peak memory: the kernel's high-water mark, reset at each step (the reset is
    # tested below), so that a step's figure is its own.
    assert set(steps["rss"]) == set(steps["steps"])
    assert all(mib > 0 for mib in steps["rss"].values())
    assert steps["peak"] == "the kernel's high-water mark of each step"
    assert _load("floor").read_all(valid) == manifest["total_rows"]
    bad = tmp_path / "bad"
    counts = _load("invalid").make_invalid(valid, bad)
    assert set(counts.values()) == {6}
    from claimtrail.validation.validate import validate_package

    checks = {p.check for p in validate_package(bad).sorted_problems()}
    assert {"foreign-key", "constraint-error"} <= checks and checks & {"pointer-quote", "pointer-range"}
    assert validate_package(valid).valid  # the valid package's files were not written through


def test_the_benchmark_measures_claimtrail_compiled_as_installed():
    import os

    import claimtrail.validation.fast.run as module

    cached = importlib.util.cache_from_source(module.__file__)
    if os.path.exists(cached):
        os.remove(cached)  # (a reader of it then compiles the source: no harm)
    folders = _load("run").byte_compile()
    assert folders and all(module.__file__.startswith(f) for f in folders)
    with open(cached, "rb") as f:
        assert f.read(4) == importlib.util.MAGIC_NUMBER


def test_a_peak_this_process_may_hide_is_refused():
    # A child's ru_maxrss includes the peak of the process that started it (Linux carries it
    # across exec): measured from a process of 300 MiB, `python -c pass` "peaks" at 300 MiB.
    import subprocess

    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import run; "
        "print(run.measure([sys.executable, '-c', 'pass'], memory=False)['rss'] < 100); "
        "big = bytearray(300 << 20); big[::4096] = b'1' * len(big[::4096]); "
        "print(run.measure([sys.executable, '-c', 'pass'], memory=False)['rss'] >= 300); "
        "run.measure([sys.executable, '-c', 'pass'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(BENCH)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["True", "True"]
    assert done.returncode != 0 and "hidden by this process's own" in done.stderr
