#!/usr/bin/env bash
# Set up everything glmc_mm needs, idempotently:
#   .venv with the pinned OpenMMLab stack (requirements/pinned.txt) and
#   glmc_mm installed in editable mode;
#   with --data, also Debian's Fashion-MNIST (the main job's real data).
# Re-running it only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
stamp="$VENV/.glmc_mm-installed"
want=$(cat requirements/pinned.txt requirements/runtime.txt setup.py | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements/pinned.txt \
        2> >(grep -v '^WARNING: Location' >&2)
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps openmim==0.3.9 \
        2> >(grep -v '^WARNING: Location' >&2)
    "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e . \
        2> >(grep -v '^WARNING: Location' >&2)
    "$VENV/bin/python" -c "import glmc_mm, pytest"
    echo "$want" > "$stamp"
fi
if [ "${1:-}" = "--data" ] && [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi
