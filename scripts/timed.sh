# Sourced by the measure-*.sh scripts: whole-process figures from /usr/bin/time -v.
#
#   timed OUT COMMAND...   runs COMMAND with its stdout to OUT (its stderr is time's) and sets
#                          WALL_S (wall-clock seconds) and RSS_MB (peak resident set, MB)
timed() {
  local out=$1 stats
  shift
  stats=$(mktemp)
  /usr/bin/time -v "$@" 2>"$stats" >"$out"
  WALL_S=$(awk -F': ' '/Elapsed \(wall clock\)/ {
    n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$stats")
  RSS_MB=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$stats")
  rm -f "$stats"
}
