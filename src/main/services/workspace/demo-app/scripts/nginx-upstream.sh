#!/bin/sh
# Takes hosts out of an nginx load balancer, or puts them back. Slipway runs it on this
# machine around each batch of a rolling deploy, rollback or automatic rollback
# (hooks.beforeBatch / hooks.afterBatch), with the batch in SLIPWAY_HOSTS ("address:port ...").
#   sh scripts/nginx-upstream.sh down|up <dir>
# <dir> holds the balancer: upstream.conf (one `server address:port;` line per host, included
# by nginx.conf in an upstream block) and nginx.pid. The batch's lines get `down` (or lose
# it) and that nginx reloads: new connections skip the drained hosts while the requests
# already sent to them finish. It refuses to take the last host out.
set -eu
action="${1:-}"
dir="${2:-}"
case "$action" in down | up) ;; *)
  echo "usage: nginx-upstream.sh down|up <dir>" >&2
  exit 2
  ;;
esac
conf="$dir/upstream.conf"
if [ ! -f "$conf" ]; then
  echo "no load balancer at $conf: nothing to mark $action"
  exit 0
fi
tmp="$conf.$$"
awk -v hosts="${SLIPWAY_HOSTS:-}" -v action="$action" '
  BEGIN { n = split(hosts, list, " "); for (i = 1; i <= n; i++) want[list[i]] = 1 }
  $1 == "server" {
    addr = $2; sub(/;$/, "", addr)
    if (addr in want) {
      seen[addr] = 1
      line = "server " addr
      for (i = 3; i <= NF; i++) { f = $i; sub(/;$/, "", f); if (f != "down" && f != "") line = line " " f }
      if (action == "down") line = line " down"
      print line ";"
      next
    }
  }
  { print }
  END {
    for (h in want) if (!(h in seen)) { print "not in the upstream: " h > "/dev/stderr"; bad = 1 }
    exit bad
  }
' "$conf" >"$tmp" || { rm -f "$tmp"; exit 1; }
if ! grep -Eq '^server [^ ;]+( [^d][^ ;]*)*;' "$tmp"; then
  rm -f "$tmp"
  echo "refusing to take every host of $conf out" >&2
  exit 1
fi
mv "$tmp" "$conf"
if [ -f "$dir/nginx.pid" ]; then
  "${NGINX:-nginx}" -q -p "$dir" -c nginx.conf -e "$dir/error.log" -s reload
  echo "marked $action in $conf: ${SLIPWAY_HOSTS:-}; nginx reloaded"
else
  echo "marked $action in $conf: ${SLIPWAY_HOSTS:-} (nginx is not running)"
fi
