#!/usr/bin/env bash
# Install the peer tools the benchmark compares against into bench/.peers-venv (git-ignored):
# mdpo (md2po / po2md) and Translate Toolkit (its own md2po / po2md, folder mode).
# The two packages both install commands named md2po and po2md, so each gets its own venv:
#   bench/.peers-venv/mdpo/bin/{md2po,po2md}
#   bench/.peers-venv/ttk/bin/{md2po,po2md}
# (also bench/.peers-venv/prof with pyinstrument, used by bench/profiling.py --pyinstrument)
# Usage: bash bench/peers.sh            (PYTHON=python3.11 to pick the interpreter)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venvs="$here/.peers-venv"
python="${PYTHON:-python3}"
mkdir -p "$venvs"
install() {  # install NAME PACKAGE...
    local name="$1"; shift
    if [ ! -x "$venvs/$name/bin/python" ]; then
        "$python" -m venv "$venvs/$name"
    fi
    "$venvs/$name/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
}
install mdpo "mdpo==2.1.4"
install ttk "translate-toolkit[markdown]==3.20.4"  # the Markdown converters need mistletoe
"$venvs/mdpo/bin/md2po" --version
"$venvs/ttk/bin/python" -c 'from translate.__version__ import sver; print("translate-toolkit", sver)'
# A sampling profiler for bench/profiling.py --pyinstrument (cProfile's overhead distorts shares).
install prof "pyinstrument==5.1.3"
