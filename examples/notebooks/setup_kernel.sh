#!/usr/bin/env bash
# Sets up a Jupyter C++17 kernel on clang-repl for the notebooks in this folder: a Python virtual environment with
# PyPI's clang-repl-kernel and nbconvert, the kernel pointed at Debian's clang-repl-19, and the header found through
# CPLUS_INCLUDE_PATH. Idempotent: what is already there is kept, so a second run takes a second.
#
#   bash examples/notebooks/setup_kernel.sh [VENV_DIR]
#
# VENV_DIR defaults to $KSTREAM_SIM_NOTEBOOK_VENV, else ~/.local/share/kstream_sim/notebook-venv. Needs python3
# with its venv module (Debian: python3-venv) and clang-repl 19 (Debian: clang-tools-19). Then:
#
#   export CPLUS_INCLUDE_PATH=/path/to/the/folder/holding/kstream_sim.hpp
#   VENV_DIR/bin/jupyter nbconvert --to notebook --execute examples/notebooks/getting_started.ipynb --output /tmp/run.ipynb
#   VENV_DIR/bin/pip install notebook && VENV_DIR/bin/jupyter notebook      # to work in it interactively
#
# docs/notebooks.md explains each step (and the two quirks it works around).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${1:-${KSTREAM_SIM_NOTEBOOK_VENV:-${HOME}/.local/share/kstream_sim/notebook-venv}}"
clang_repl="${KSTREAM_SIM_CLANG_REPL:-/usr/lib/llvm-19/bin/clang-repl}"
python="${PYTHON:-python3}"
# Pinned: the kernel is young and talks to clang-repl through its prompts; a new release may behave differently.
requirements=("clang-repl-kernel==1.6.27" "requests" "nbconvert==7.17.2" "nbclient==0.11.0" "ipykernel==7.4.0")

if [[ ! -x "${clang_repl}" ]]; then
    echo "setup_kernel.sh: no clang-repl at ${clang_repl} (Debian: apt-get install clang-tools-19;" \
         "or set KSTREAM_SIM_CLANG_REPL)" >&2
    exit 1
fi

# 1. The virtual environment and the packages (clang-repl-kernel imports requests without declaring it).
if [[ ! -x "${venv}/bin/python" ]]; then
    echo "setup_kernel.sh: creating ${venv}"
    "${python}" -m venv "${venv}"
fi
if "${venv}/bin/python" - "${requirements[@]}" <<'PY'
import sys
from importlib import metadata
for requirement in sys.argv[1:]:
    name, _, version = requirement.partition("==")
    try:
        if version and metadata.version(name) != version:
            sys.exit(1)
    except metadata.PackageNotFoundError:
        sys.exit(1)
PY
then
    echo "setup_kernel.sh: packages present in ${venv}"
else
    echo "setup_kernel.sh: installing ${requirements[*]}"
    "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
fi

# 2. The prompt shim (kernel/clang-repl): Debian's clang-repl prints no prompt on a pipe, and the kernel waits
#    for one. The kernel runs the first `clang-repl` on its PATH; the kernel spec below puts ${venv}/bin first.
if ! cmp -s "${here}/kernel/clang-repl" "${venv}/bin/clang-repl"; then
    install -m 755 "${here}/kernel/clang-repl" "${venv}/bin/clang-repl"
fi

# 3. The kernel specs (clang_repl_cpp14/17/20/23, in ${venv}/share/jupyter/kernels). The installer copies its whole
#    environment into each kernel.json, so it runs with only what the kernel needs: ${VAR} is left for Jupyter to
#    fill in from the environment the kernel starts in (CPLUS_INCLUDE_PATH: where kstream_sim.hpp is).
spec="${venv}/share/jupyter/kernels/clang_repl_cpp17/kernel.json"
if [[ ! -f "${spec}" ]] || ! grep -q "${venv}/bin:" "${spec}" || ! grep -q "KSTREAM_SIM_CLANG_REPL" "${spec}"; then
    echo "setup_kernel.sh: installing the kernel specs"
    env -i \
        PATH="${venv}/bin:\${PATH}" \
        CPLUS_INCLUDE_PATH="\${CPLUS_INCLUDE_PATH}" \
        KSTREAM_SIM_CLANG_REPL="${clang_repl}" \
        "${venv}/bin/python" -W ignore::RuntimeWarning -m clang_repl_kernel.install --sys-prefix \
        --installed-clang-executable "${venv}/bin/clang-repl" >/dev/null
fi
echo "setup_kernel.sh: kernel clang_repl_cpp17 ready: ${venv}/bin/jupyter ($("${venv}/bin/jupyter" kernelspec list | grep -c clang_repl) clang-repl kernel specs)"
