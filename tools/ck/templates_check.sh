#!/usr/bin/env bash
# The templates' acceptance check, run by `./ck test` outside Bazel (a nested Bazel inside a Bazel
# test would need its own output base, HOME and cache outside the sandbox). For each template kind
# it generates a project with `connectkit new` into a temporary directory outside the repository,
# runs its unit and integration tests with its own Bazel output base (sharing the disk cache),
# packages the plugin, lists it with `connectkit plugins list`, and runs it in a `connectkit
# standalone` worker (embedded Kafka, REST on a free port) until the REST status says RUNNING.
#
# usage: templates_check.sh CONNECTKIT_BIN FILE_PLUGIN_TARBALL RESULTS_FILE [KIND...]
# Appends one line per check to RESULTS_FILE: "passed <name>" or "failed <name>", and prints the
# time from `connectkit new` to the generated project's passing tests.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$1" FILE_PLUGIN="$2" RESULTS="$3"
shift 3
KINDS=("$@")
[ ${#KINDS[@]} -gt 0 ] || KINDS=(source-connector sink-connector transformation converter)
WORK=$(mktemp -d -t ck-templates.XXXXXX)
WORKER_PID=""

cleanup() {
  [ -n "$WORKER_PID" ] && kill "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "templates: $*" >&2; }
record() {  # record passed|failed NAME [DETAIL]
  echo "$1 $2" >> "$RESULTS"
  log "$1: $2${3:+ ($3)}"
}

# Starts a worker with the plugins in $1 and waits for its REST port; sets WORKER_PID and PORT.
start_worker() {
  local dir="$1" log="$1/worker.log" i
  cat > "$dir/worker.properties" <<EOF
listeners=http://127.0.0.1:0
plugin.path=$dir/plugins
offset.storage.file.filename=$dir/connect.offsets
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
EOF
  "$BIN" standalone "$dir/worker.properties" > "$log" 2>&1 &
  WORKER_PID=$!
  PORT=""
  for i in $(seq 1 300); do
    PORT=$(sed -n 's/.*REST server listening on port \([0-9]*\).*/\1/p' "$log" | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$WORKER_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -20 "$log" >&2
  return 1
}

# Waits until connector $1 and its one task are RUNNING (REST), at most 60 s.
wait_running() {
  local i status
  for i in $(seq 1 600); do
    status=$(curl -s "http://127.0.0.1:$PORT/connectors/$1/status" || true)
    if python3 -c 'import json,sys; s=json.loads(sys.argv[1]); sys.exit(0 if s["connector"]["state"]=="RUNNING" and len(s["tasks"])==1 and s["tasks"][0]["state"]=="RUNNING" else 1)' "$status" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "last status: $status" >&2
  return 1
}

check_kind() {
  local kind="$1" name="ck-check-${1}" dir="$WORK/$1" base="$WORK/$1.output-base"
  local component config start end
  start=$(date +%s)
  if ! (cd "$WORK" && "$BIN" new "$kind" "$name" --dir "$dir" --package io.check \
          --connectkit "$ROOT" > /dev/null); then
    record failed "templates/$kind:new"; return
  fi
  record passed "templates/$kind:new"
  if (cd "$dir" && bazel --output_base="$base" test --test_output=errors //... >&2); then
    record passed "templates/$kind:tests"
    log "$kind: connectkit new -> passing tests in $(( $(date +%s) - start )) s"
  else
    record failed "templates/$kind:tests"
  fi
  if (cd "$dir" && bazel --output_base="$base" build "//:$name.tar.gz" >&2); then
    record passed "templates/$kind:package"
  else
    record failed "templates/$kind:package"
  fi
  local tarball
  tarball="$(cd "$dir" && bazel --output_base="$base" info bazel-bin 2>/dev/null)/$name.tar.gz"
  (cd "$dir" && bazel --output_base="$base" shutdown)
  mkdir -p "$dir/run/plugins"
  cp "$tarball" "$FILE_PLUGIN" "$dir/run/plugins/" 2>/dev/null
  case "$kind" in
    source-connector) component="io.check.CkCheckSourceConnectorSourceConnector"
      config="{\"connector.class\":\"$component\",\"topic\":\"numbers\",\"tasks.max\":\"1\"}" ;;
    sink-connector) component="io.check.CkCheckSinkConnectorSinkConnector"
      config="{\"connector.class\":\"$component\",\"topics\":\"events\",\"tasks.max\":\"1\",\"output.path\":\"$dir/run/out.txt\"}" ;;
    transformation) component="io.check.CkCheckTransformation"
      config="{\"connector.class\":\"FileStreamSource\",\"file\":\"$dir/run/in.txt\",\"topic\":\"lines\",\"tasks.max\":\"1\",\"transforms\":\"t\",\"transforms.t.type\":\"$component\"}" ;;
    converter) component="io.check.CkCheckConverterConverter"
      config="{\"connector.class\":\"FileStreamSource\",\"file\":\"$dir/run/in.txt\",\"topic\":\"lines\",\"tasks.max\":\"1\",\"value.converter\":\"$component\"}" ;;
  esac
  local listed
  listed=$("$BIN" plugins list --plugin-path "$dir/run/plugins" 2>&1)
  if grep -qF "$component" <<< "$listed"; then
    record passed "templates/$kind:plugins-list"
  else
    record failed "templates/$kind:plugins-list" "$component not listed"
  fi
  echo "a line" > "$dir/run/in.txt"
  if start_worker "$dir/run" &&
     [ "$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
          -d "$config" "http://127.0.0.1:$PORT/connectors/check/config")" = 201 ] &&
     wait_running check; then
    record passed "templates/$kind:running"
  else
    tail -20 "$dir/run/worker.log" >&2
    record failed "templates/$kind:running"
  fi
  [ -n "$WORKER_PID" ] && kill "$WORKER_PID" 2>/dev/null && wait "$WORKER_PID" 2>/dev/null
  WORKER_PID=""
  rm -rf "$base"
}

for kind in "${KINDS[@]}"; do check_kind "$kind"; done
