#!/usr/bin/env bash
# Set up everything glmc_mm needs, idempotently:
#   .venv-<stack> with one of the two tested stacks, requirements/<stack>.txt
#   (newest, the default: numpy 2, OpenCV 5, setuptools without
#   pkg_resources; oldest: numpy 1, OpenCV 4.11, setuptools 81 and openmim),
#   and glmc_mm installed in editable mode;
#   .venv-mmcv-full, a folder with the full mmcv distribution for
#   tests/test_wheel_metadata.py (made once, for both stacks);
#   with --data, also Debian's Fashion-MNIST (the main job's real data).
# Re-running it only installs what changed.
# Usage: bash tools/setup_env.sh [--stack newest|oldest] [--data]
set -euo pipefail
cd "$(dirname "$0")/.."
STACK=newest
DATA=0
while [ $# -gt 0 ]; do
    case "$1" in
        --stack) STACK=${2:?--stack needs newest or oldest}; shift 2 ;;
        --data) DATA=1; shift ;;
        *) echo "setup_env.sh: unknown argument $1 (--stack newest|oldest, --data)" >&2; exit 2 ;;
    esac
done
if [ ! -f "requirements/$STACK.txt" ]; then
    echo "setup_env.sh: --stack $STACK: no requirements/$STACK.txt (newest or oldest)" >&2
    exit 2
fi
VENV=${VENV:-.venv-$STACK}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
stamp="$VENV/.glmc_mm-installed"
want=$(cat requirements/*.txt setup.py setup.cfg | sha256sum | cut -d' ' -f1)
pip=("$VENV/bin/pip" install --quiet --disable-pip-version-check)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "${pip[@]}" -r "requirements/$STACK.txt" 2> >(grep -v '^WARNING: Location' >&2)
    if "$VENV/bin/python" -c 'import pkg_resources' 2>/dev/null; then
        # mim needs pkg_resources; its opendatalab dependency pins numpy 2
        "${pip[@]}" --no-deps openmim==0.3.9 2> >(grep -v '^WARNING: Location' >&2)
    fi
    "${pip[@]}" --no-build-isolation --no-deps -e . 2> >(grep -v '^WARNING: Location' >&2)
    "$VENV/bin/python" -c "import glmc_mm, pytest"
    echo "$want" > "$stamp"
fi
# The real `mmcv` distribution (not mmcv-lite) in a folder of its own, which
# tests/test_wheel_metadata.py puts on the path of one of its two wheel
# builds. Built from PyPI's sdist in pip's isolated build environment, where
# there is no torch, so its setup.py compiles no ops: pure Python, one folder
# for both stacks, about 5 s. (MMCV_WITH_OPS=0 would not do: that builds
# the distribution mmcv-lite.) mmcv's setup.py imports pkg_resources, so the
# build environment gets a setuptools that has it.
MMCV_FULL=2.2.0
MMCV_SITE=.venv-mmcv-full
if [ ! -f "$MMCV_SITE/mmcv-$MMCV_FULL.dist-info/METADATA" ]; then
    tmp=$(mktemp -d)
    echo 'setuptools<82' > "$tmp/build-constraints.txt"
    PIP_CONSTRAINT="$tmp/build-constraints.txt" "${pip[@]}" --no-deps \
        --no-binary mmcv --target "$tmp/site" "mmcv==$MMCV_FULL" \
        2> >(grep -v '^WARNING: Location' >&2)
    grep -qx 'Name: mmcv' "$tmp/site/mmcv-$MMCV_FULL.dist-info/METADATA"
    rm -rf "$MMCV_SITE"
    mv "$tmp/site" "$MMCV_SITE"
    rm -rf "$tmp"
fi
if [ "$DATA" = 1 ] && [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
