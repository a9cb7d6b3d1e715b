#!/usr/bin/env python3
"""Execute a notebook headless on its C++ kernel and check every code cell's output against the expected text.

    python3 tests/repl/check_notebook.py [options] NOTEBOOK.ipynb

Runs `jupyter nbconvert --to notebook --execute` on a copy of the notebook (the kernel named in its metadata,
e.g. clang_repl_cpp17), with the repository root first in CPLUS_INCLUDE_PATH so `#include "kstream_sim.hpp"`
finds the single header. Each code cell's expected output is in its metadata, `kstream_sim.expected_output`:
the text of its stream outputs (stdout and stderr) and results, concatenated. A cell without that key is run but
not checked. Fails (exit 1) when a cell's output differs, when a cell raised an error, or when the notebook does
not execute; exit 2 when Jupyter or the kernel is missing.

Before running anything it also checks the notebook itself:
  * the outputs stored in the notebook (what a reader sees on the web) equal the expected ones;
  * code cells survive clang-repl-kernel, which sends a cell's lines to clang-repl as one line with nothing
    between them: no `//` comment before the last line, and no line break as the only thing between two words
    (`else` / `std::cout`).

Options:
  --jupyter PATH    jupyter to run (default: the one in $KSTREAM_SIM_NOTEBOOK_VENV/bin, in
                    ~/.local/share/kstream_sim/notebook-venv/bin -- where examples/notebooks/setup_kernel.sh puts
                    it -- or on PATH)
  --include-dir DIR put DIR first in CPLUS_INCLUDE_PATH (default: the repository root)
  --timeout SECONDS per cell (default 300)
  --probe           only check that jupyter, nbconvert and the notebook's kernel are there (exit 0) or not (1)
  --accept          store the outputs of this run as the expected ones, and as the notebook's outputs
  --keep FILE       keep the executed notebook as FILE
"""

import argparse
import copy
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
META_KEY = "kstream_sim"
EXPECTED_KEY = "expected_output"


def default_jupyter():
    candidates = []
    if os.environ.get("KSTREAM_SIM_NOTEBOOK_VENV"):
        candidates.append(os.path.join(os.environ["KSTREAM_SIM_NOTEBOOK_VENV"], "bin", "jupyter"))
    candidates.append(os.path.expanduser("~/.local/share/kstream_sim/notebook-venv/bin/jupyter"))
    for candidate in candidates:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("jupyter")


def source_text(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def output_text(outputs):
    """What a cell printed: stream texts and text/plain results, in order. Errors are returned apart."""
    text, errors = [], []
    for out in outputs:
        kind = out.get("output_type")
        if kind == "stream":
            t = out.get("text", "")
            text.append("".join(t) if isinstance(t, list) else t)
        elif kind in ("execute_result", "display_data"):
            t = out.get("data", {}).get("text/plain", "")
            text.append("".join(t) if isinstance(t, list) else t)
        elif kind == "error":
            errors.append("%s: %s" % (out.get("ename"), out.get("evalue")))
    return "".join(text), errors


def lint_cell(index, source):
    """Problems clang-repl-kernel would have with this cell's source (it joins the lines with nothing between)."""
    problems = []
    lines = [line for line in source.split("\n") if line.strip()]
    for k, line in enumerate(lines[:-1]):
        stripped = line.strip()
        if stripped.startswith("#"):
            continue  # the kernel sends a directive line on its own
        if _has_line_comment(stripped):
            problems.append("cell %d, line %d: a // comment swallows the rest of the cell (the kernel joins the "
                            "lines); use /* */" % (index, k + 1))
            continue
        following = lines[k + 1].strip()
        if re.search(r"[A-Za-z0-9_]$", stripped) and re.match(r"[A-Za-z0-9_]", following):
            problems.append("cell %d, line %d: '%s' and '%s' run together when the kernel joins the lines; end "
                            "the line with a symbol or move the break" % (index, k + 1, stripped.split()[-1],
                                                                         following.split()[0]))
    return problems


def _has_line_comment(line):
    in_string = None
    k = 0
    while k < len(line):
        c = line[k]
        if in_string:
            if c == "\\":
                k += 2
                continue
            if c == in_string:
                in_string = None
        elif c in "\"'":
            in_string = c
        elif line.startswith("//", k):
            return True
        k += 1
    return False


def probe(jupyter, kernel_name):
    """Returns None if the notebook can be executed here, else the reason why not."""
    if not jupyter:
        return "no jupyter found (run examples/notebooks/setup_kernel.sh)"
    try:
        listing = subprocess.run([jupyter, "kernelspec", "list", "--json"], capture_output=True, text=True,
                                 timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "%s kernelspec list failed: %s" % (jupyter, e)
    if listing.returncode != 0:
        return "%s kernelspec list failed: %s" % (jupyter, listing.stderr.strip())
    specs = json.loads(listing.stdout).get("kernelspecs", {})
    if kernel_name not in specs:
        return "jupyter (%s) has no kernel %s; it has: %s" % (jupyter, kernel_name, ", ".join(sorted(specs)))
    argv = specs[kernel_name].get("spec", {}).get("argv", [])
    # Jupyter runs a kernel whose argv[0] is python/python3 with its own interpreter: the one beside jupyter.
    python = os.path.join(os.path.dirname(jupyter), "python")
    if argv and os.path.basename(argv[0]) not in ("python", "python3"):
        python = argv[0]
    if not os.access(python, os.X_OK):
        python = sys.executable
    check = subprocess.run([python, "-c", "import importlib.util as u, sys; sys.exit(0 if u.find_spec('nbconvert') "
                            "and u.find_spec('clang_repl_kernel') else 1)"], capture_output=True)
    if check.returncode != 0:
        return "%s cannot import nbconvert and clang_repl_kernel" % python
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebook")
    ap.add_argument("--jupyter")
    ap.add_argument("--include-dir", default=REPO_ROOT)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--accept", action="store_true")
    ap.add_argument("--keep")
    opts = ap.parse_args(argv)

    with open(opts.notebook, encoding="utf-8") as f:
        nb = json.load(f)
    kernel_name = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    jupyter = opts.jupyter or default_jupyter()

    if opts.probe:
        reason = probe(jupyter, kernel_name)
        if reason:
            print("check_notebook: cannot execute %s: %s" % (opts.notebook, reason))
            return 1
        print("check_notebook: %s can run %s on kernel %s" % (jupyter, opts.notebook, kernel_name))
        return 0

    failures = []
    code_cells = [(k, cell) for k, cell in enumerate(nb["cells"]) if cell.get("cell_type") == "code"]
    for number, (k, cell) in enumerate(code_cells, 1):
        failures += lint_cell(number, source_text(cell))
        expected = cell.get("metadata", {}).get(META_KEY, {}).get(EXPECTED_KEY)
        stored, _ = output_text(cell.get("outputs", []))
        if expected is not None and stored != expected and not opts.accept:
            failures.append("cell %d: the outputs stored in the notebook differ from its expected_output "
                            "(re-run with --accept, or fix the metadata)" % number)
    if failures and not opts.accept:
        for f in failures:
            print("check_notebook: FAILED: " + f)
        return 1

    reason = probe(jupyter, kernel_name)
    if reason:
        print("check_notebook: cannot execute %s: %s" % (opts.notebook, reason))
        return 2

    env = dict(os.environ)
    include = os.path.abspath(opts.include_dir)
    env["CPLUS_INCLUDE_PATH"] = include + (os.pathsep + env["CPLUS_INCLUDE_PATH"]
                                           if env.get("CPLUS_INCLUDE_PATH") else "")
    with tempfile.TemporaryDirectory(prefix="check_notebook_") as tmp:
        # The copy sits beside the original, so the kernel's working directory (the notebook's folder) is the same.
        executed = os.path.join(tmp, "executed.ipynb")
        command = [jupyter, "nbconvert", "--to", "notebook", "--execute", os.path.abspath(opts.notebook),
                   "--output-dir", tmp, "--output", "executed.ipynb",
                   "--ExecutePreprocessor.timeout=%d" % opts.timeout]
        print("check_notebook: CPLUS_INCLUDE_PATH=%s %s" % (env["CPLUS_INCLUDE_PATH"], " ".join(command)))
        started = time.monotonic()
        run = subprocess.run(command, env=env, capture_output=True, text=True,
                             timeout=opts.timeout * max(1, len(code_cells)) + 120)
        elapsed = time.monotonic() - started
        if run.returncode != 0 or not os.path.exists(executed):
            print("check_notebook: FAILED: nbconvert exited with status %d after %.1f s" % (run.returncode, elapsed))
            print(_interesting(run.stderr))
            return 1
        with open(executed, encoding="utf-8") as f:
            done = json.load(f)
        if opts.keep:
            shutil.copyfile(executed, opts.keep)
    print("check_notebook: executed %d code cells in %.1f s (kernel start and header included)"
          % (len(code_cells), elapsed))

    done_code = [cell for cell in done["cells"] if cell.get("cell_type") == "code"]
    checked = 0
    for number, ((k, cell), ran) in enumerate(zip(code_cells, done_code), 1):
        actual, errors = output_text(ran.get("outputs", []))
        head = source_text(cell).strip().split("\n")[0][:60]
        if errors:
            failures.append("cell %d (%s) raised %s" % (number, head, "; ".join(errors)))
        if opts.accept:
            meta = cell.setdefault("metadata", {}).setdefault(META_KEY, {})
            meta[EXPECTED_KEY] = actual
            cell["outputs"] = ([{"name": "stdout", "output_type": "stream", "text": actual.splitlines(True)}]
                               if actual else [])
            cell["execution_count"] = ran.get("execution_count")
            continue
        expected = cell.get("metadata", {}).get(META_KEY, {}).get(EXPECTED_KEY)
        if expected is None:
            print("check_notebook: cell %d (%s) has no expected output; it printed:\n%s" % (number, head, actual))
            continue
        checked += 1
        if actual != expected:
            diff = "\n".join(difflib.unified_diff(expected.split("\n"), actual.split("\n"), "expected", "executed",
                                                 lineterm=""))
            failures.append("cell %d (%s): output differs:\n%s" % (number, head, diff))

    if opts.accept:
        with open(opts.notebook, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print("check_notebook: stored the outputs of %d code cells in %s as expected" % (len(code_cells),
                                                                                       opts.notebook))
    for f in failures:
        print("check_notebook: FAILED: " + f)
    if failures:
        return 1
    if not opts.accept:
        print("check_notebook: OK: %d of %d code cells checked, all as expected" % (checked, len(code_cells)))
    return 0


def _interesting(stderr):
    """nbconvert's stderr, less its Python traceback frames."""
    keep = [line for line in stderr.splitlines() if not line.startswith("  ")]
    return "\n".join(keep[-60:])


if __name__ == "__main__":
    sys.exit(main())
