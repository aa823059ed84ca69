#!/usr/bin/env bash
# The demo as a user runs it: `connectkit demo` with the reference plugins (as ck_plugin()
# tarballs) on plugin.path. Datagen -> embedded Kafka -> file sink; the demo itself checks that
# every generated sequence number reached the file exactly once and exits non-zero otherwise.
set -euo pipefail
connectkit="$1"
shift
plugins="$(mktemp -d)"
trap 'rm -rf "$plugins"' EXIT
cp "$@" "$plugins/"
output="$("$connectkit" demo --records 20000 --plugin-path "$plugins" 2>&1)" || {
  echo "$output"
  echo "FAIL: connectkit demo exited with an error" >&2
  exit 1
}
echo "$output" | tail -5
grep -q "summary: 20000 records generated" <<<"$output" || { echo "FAIL: no summary" >&2; exit 1; }
grep -q "20000 lines, 0 duplicates, 2 task sequences complete" <<<"$output" || {
  echo "FAIL: the sink file does not hold every record exactly once" >&2
  exit 1
}
grep -q "running on the embedded Kafka" <<<"$output" || {
  echo "FAIL: the worker did not say it runs on the embedded Kafka" >&2
  exit 1
}
