#!/bin/sh
# Restarts the orders service from the release this file belongs to. Slipway runs it after
# switching `current` (hooks.afterActivate), in the release folder, with SLIPWAY_BASE and
# SLIPWAY_PORT set: it stops the process the pid file in shared/ names (SIGTERM: the app
# finishes the requests in flight first), starts `node server.js` in the background on
# $SLIPWAY_PORT and records the new pid. A pid that no longer names this service is left alone.
set -eu
base="${SLIPWAY_BASE:?SLIPWAY_BASE is not set}"
mkdir -p "$base/shared"
pidfile="$base/shared/orders.pid"
releases="$(cd "$base" && pwd -P)/releases/"
# Alive, not a zombie waiting for a parent to reap it (it has let go of the port), and still
# this service: after a reboot, or on a busy host, the pid in the file may name another process,
# which must not be stopped. Ours runs in one of the releases (where /proc says, on Linux).
running() {
  kill -0 "$1" 2>/dev/null || return 1
  [ -d "/proc/$1" ] || return 0
  grep -qs "^State:.*Z" "/proc/$1/status" && return 1
  case "$(readlink "/proc/$1/cwd" 2>/dev/null)" in
    "$releases"*) return 0 ;;
    *) return 1 ;;
  esac
}
if [ -f "$pidfile" ]; then
  old=$(cat "$pidfile")
  if [ -n "$old" ] && running "$old"; then
    kill "$old" 2>/dev/null || true
    # The app exits once its requests in flight are answered (it gives up after 10 s).
    i=0
    while running "$old" && [ "$i" -lt 120 ]; do
      sleep 0.1
      i=$((i + 1))
    done
    if running "$old"; then kill -9 "$old" 2>/dev/null || true; fi
  fi
fi
PORT="${SLIPWAY_PORT:-3000}" nohup node server.js >>"$base/shared/orders.log" 2>&1 </dev/null &
echo "$!" >"$pidfile"
echo "orders started with pid $! on port ${SLIPWAY_PORT:-3000}"
