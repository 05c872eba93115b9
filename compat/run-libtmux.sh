#!/bin/sh
# Runs libtmux 0.62.0's own pytest suite against tidemux (issue 12, docs/tmux-compat.md).
#
#   compat/run-libtmux.sh [PYTEST-ARGS...]
#
# Sets everything up itself: a work directory (LIBTMUX_WORK, default /tmp/tidemux-libtmux), a
# copy of the tidemux binary (TIDEMUX_BIN, default target/debug/tidemux; build it first) with a
# `tmux` link to it first on PATH, a private TMUX_TMPDIR, a Python venv with libtmux 0.62.0 from
# its sdist on PyPI and pytest. libtmux's tests refuse to run as root, so when started as root
# the suite runs as the unprivileged user LIBTMUX_USER (default tidemux-libtmux, created if
# missing). libtmux's own pytest settings apply (doctests of its docs, --reruns=2). Prints the
# last lines of pytest's report, the summary line last. Not part of CI: it takes minutes.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${LIBTMUX_WORK:-/tmp/tidemux-libtmux}
BIN=${TIDEMUX_BIN:-$ROOT/target/debug/tidemux}
VERSION=0.62.0

if [ "$(id -u)" = 0 ] && [ -z "${LIBTMUX_AS_USER:-}" ]; then
    USER_NAME=${LIBTMUX_USER:-tidemux-libtmux}
    id "$USER_NAME" >/dev/null 2>&1 || useradd -m -s /bin/sh "$USER_NAME"
    mkdir -p "$WORK/bin"
    cp "$BIN" "$WORK/bin/tidemux"
    cp "$0" "$WORK/run-libtmux.sh"
    chown -R "$USER_NAME" "$WORK"
    exec runuser -u "$USER_NAME" -- env LIBTMUX_AS_USER=1 LIBTMUX_WORK="$WORK" \
        TIDEMUX_BIN="$WORK/bin/tidemux" HOME="$WORK/home" PATH="/usr/bin:/bin" \
        sh "$WORK/run-libtmux.sh" "$@"
fi

mkdir -p "$WORK/bin" "$WORK/home" "$WORK/tmuxtmp"
if [ "$BIN" != "$WORK/bin/tidemux" ]; then
    cp "$BIN" "$WORK/bin/tidemux"
fi
ln -sf "$WORK/bin/tidemux" "$WORK/bin/tmux"
PY=${LIBTMUX_PYTHON:-python3}
if [ ! -x "$WORK/venv/bin/python" ]; then
    "$PY" -m venv "$WORK/venv"
fi
SRC="$WORK/libtmux-$VERSION"
if [ ! -d "$SRC" ]; then
    "$WORK/venv/bin/pip" download --quiet --no-binary libtmux --no-deps -d "$WORK/dl" "libtmux==$VERSION"
    tar -xzf "$WORK/dl/libtmux-$VERSION.tar.gz" -C "$WORK"
fi
if [ ! -f "$WORK/venv/.installed" ]; then
    "$WORK/venv/bin/pip" install --quiet -e "$SRC" "gp-libs>=0.0.18" pytest pytest-rerunfailures pytest-mock
    touch "$WORK/venv/.installed"
fi
cd "$SRC"
export PATH="$WORK/bin:$WORK/venv/bin:$PATH" TMUX_TMPDIR="$WORK/tmuxtmp" HOME="$WORK/home"
unset TMUX TMUX_PANE TIDEMUX TIDEMUX_PANE
echo "tmux is $(command -v tmux): $(tmux -V)"
# docs/conf.py needs the Sphinx theme (gp-sphinx) only to be imported; it holds no tests.
"$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider --ignore=docs/conf.py "$@" 2>&1 | tail -n 40
