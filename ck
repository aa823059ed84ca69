#!/usr/bin/env bash
# ck — the one entry point for ConnectKit developers: set-up, build, test, demo, docs, benchmarks
# and formatting. Every subcommand first makes sure the machine has what the project needs
# (`./ck setup`), which is a fast no-op once everything is installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CALLER_DIR="$PWD"  # where relative paths given to `./ck new` and `./ck install` are taken from
cd "$ROOT"

# Debian bookworm packages the build, the tests and the docs need. Add a package here when its
# first user lands; ARCHITECTURE §2 lists the choices.
APT_PACKAGES=(
  bazel-bootstrap bazel-platforms g++ clang-14 clang-format clang-tidy python3 doxygen
  libgtest-dev libgmock-dev libbenchmark-dev
  librdkafka-dev libcpp-httplib-dev nlohmann-json3-dev zlib1g-dev libboost-dev libc++-14-dev libc++abi-14-dev libsimdjson-dev
  openjdk-17-jre-headless maven
  postgresql-15 libpq-dev mariadb-server libmariadb-dev libsqlite3-dev
)

CACHE_DIR="${CK_CACHE_DIR:-$HOME/.cache/connectkit}"
SUMMARIZE="$ROOT/tools/ck/test_summary.py"

die() { echo "ck: $*" >&2; exit 2; }
log() { echo "ck: $*" >&2; }

# Bazel, in the output base CK_BAZEL_OUTPUT_BASE names when set (e.g. to keep the Bazel servers of
# several checkouts apart), else Bazel's default one.
bazel() {
  if [ -n "${CK_BAZEL_OUTPUT_BASE:-}" ] && [[ "${1:-}" != --output_base=* ]]; then
    command bazel --output_base="$CK_BAZEL_OUTPUT_BASE" "$@"
  else
    command bazel "$@"
  fi
}

missing_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

cmd_setup() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck setup

Installs every Debian package the project needs (apt-get), idempotently, then fetches the jars the
integration tests run (Apache Kafka and ActiveMQ Artemis, from Maven Central) into
~/.cache/connectkit/jars with tools/ck/fetch_jars.sh. Prints nothing and returns at once when
everything is present. Every other subcommand runs this first.
EOF
      return 0 ;;
  esac
  local missing
  missing=$(missing_packages)
  if [ -n "$missing" ]; then
    log "installing missing packages: $(echo $missing)"
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! as_root apt-get install -y --no-install-recommends $missing >/dev/null; then
      as_root apt-get update >/dev/null
      # shellcheck disable=SC2086
      as_root apt-get install -y --no-install-recommends $missing >/dev/null
    fi
    missing=$(missing_packages)
    [ -z "$missing" ] || die "packages still missing after apt-get install: $(echo $missing)"
    mkdir -p "$CACHE_DIR"
  fi
  # The jars the integration tests run, cached outside the clone; instant once present.
  CK_CACHE_DIR="$CACHE_DIR" "$ROOT/tools/ck/fetch_jars.sh" || die "fetching the test jars failed"
}

cmd_build() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck build [bazel options] [targets]

Builds the given targets (default: //...). Options go to bazel, e.g. --config=asan, --config=tsan,
--config=opt.
EOF
      return 0 ;;
  esac
  local args=("$@")
  has_target "${args[@]+"${args[@]}"}" || args+=("//...")
  bazel build "${args[@]}"
}

# True when the arguments name at least one target (anything not starting with '-').
has_target() {
  local a
  for a in "$@"; do [[ "$a" == -* ]] || return 0; done
  return 1
}

cmd_test() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck test [bazel options] [targets]

Runs the tests (default: //...) and ends with one summary line, "N passed, M failed" (", K skipped"
when any), counting test cases. Without targets it also runs the templates' acceptance check
(tools/ck/templates_check.sh: each template generated, built, tested, packaged, listed and run in
a worker), whose checks count in the summary; CK_TEMPLATES_CHECK=0 skips it, =1 forces it.
Exits non-zero when a test fails or none ran.

The tests share one set of services (Kafka, PostgreSQL, MariaDB, Artemis, all local), started by
//testkit:test_services alongside the build and handed to them through CK_TEST_SERVICES; it is
shared with concurrent `./ck test` runs and stops by itself within a second of the last one's end.
Tests that stop or crash a server still start their own. CK_TEST_SHARED_SERVICES=0 turns the
shared set off (each test then starts what it needs); a CK_TEST_SERVICES already set is used as
it is. CK_BAZEL_OUTPUT_BASE chooses Bazel's output base.
EOF
      return 0 ;;
  esac
  local args=("$@") bep extra rc=0 full=0
  has_target "${args[@]+"${args[@]}"}" || { args+=("//..."); full=1; }
  bep=$(mktemp -t ck-bep.XXXXXX.json)
  extra=$(mktemp -t ck-extra.XXXXXX)
  local services="${CK_TEST_SERVICES:-}"
  if [ -z "$services" ] && [ "${CK_TEST_SHARED_SERVICES:-1}" != 0 ]; then
    start_test_services
    services="$TEST_SERVICES_ENV"
  fi
  CK_TEST_SERVICES="$services" bazel test --build_event_json_file="$bep" "${args[@]}" || rc=$?
  if [ -n "$services" ]; then
    # This run's share of the set ends with the tests (the templates' check needs none).
    [ -z "${SERVICES_USER_PID:-}" ] || kill "$SERVICES_USER_PID" 2>/dev/null || true
    report_test_services "$services"
  fi
  # The whole suite also checks the templates end to end (tools/ck/templates_check.sh), outside
  # Bazel; CK_TEMPLATES_CHECK=0 skips it, =1 runs it with explicit targets too.
  if [ "${CK_TEMPLATES_CHECK:-$full}" = 1 ]; then
    bazel build //runtime/cli:connectkit //reference-connectors/file:file.tar.gz &&
      "$ROOT/tools/ck/templates_check.sh" "$ROOT/bazel-bin/runtime/cli/connectkit" \
        "$ROOT/bazel-bin/reference-connectors/file/file.tar.gz" "$extra" ||
      echo "failed templates (the check could not run)" >> "$extra"
  fi
  python3 "$SUMMARIZE" "$bep" "$rc" "$extra" || rc=${rc:-1}
  [ "$rc" -ne 0 ] || ! grep -q '^failed' "$extra" || rc=1
  rm -f "$bep" "$extra"
  return "$rc"
}

# The shared test services (docs/testkit.md, "Shared services"): one set per machine and
# CK_CACHE_DIR, in $CACHE_DIR/test-services. Every `./ck test` using it holds a shared flock on
# users.lock through a helper (SERVICES_USER: flock, its command ending with this script even when
# it is killed) until its tests end; the set stops by itself once nobody holds it. Starting is serialised by start.lock; the set starts in the
# background, and the tests wait for services.env. Sets TEST_SERVICES_ENV to that file's path: a
# path that never changes, so Bazel's cached test results stay valid from one run to the next.
start_test_services() {
  local dir="$CACHE_DIR/test-services" pid
  mkdir -p "$dir"
  TEST_SERVICES_ENV="$dir/services.env"
  bazel build //testkit:test_services || die "building //testkit:test_services failed"
  exec 8>"$dir/start.lock"
  flock 8
  coproc SERVICES_USER {
    exec 8>&- flock -o -s "$dir/users.lock" sh -c "echo held; exec tail --pid=$$ -f /dev/null"
  }
  read -r _ <&"${SERVICES_USER[0]}"
  pid=$(cat "$TEST_SERVICES_ENV.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    log "tests share the running test services (pid $pid, $TEST_SERVICES_ENV)"
  else
    rm -f "$TEST_SERVICES_ENV" "$TEST_SERVICES_ENV.pid" "$TEST_SERVICES_ENV.failed"
    cp -f "$ROOT/bazel-bin/testkit/test_services" "$dir/test_services"
    setsid "$dir/test_services" --env-file "$TEST_SERVICES_ENV" --users-lock "$dir/users.lock" \
      </dev/null >"$dir/services.log" 2>&1 8>&- &
    # The pid file appears at once; concurrent runs look for it.
    local i
    for i in $(seq 100); do [ -s "$TEST_SERVICES_ENV.pid" ] && break; sleep 0.1; done
    log "starting the shared test services (log: $dir/services.log)"
  fi
  flock -u 8
  exec 8>&-
}

# After the tests: the shared services' start-up times, or why they failed.
report_test_services() {
  local env="$1" log
  log="$(dirname "$env")/services.log"
  if [ -f "$env.failed" ]; then
    log "the shared test services failed to start: $(cat "$env.failed")"
  elif [ -f "$log" ] && grep -q "started in" "$log"; then
    log "shared test services started in: $(grep "started in" "$log" | awk '{print $1, $(NF-1), "s"}' | paste -sd, - | sed "s/,/, /g")"
  fi
}

cmd_demo() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck demo

Builds the runtime and the reference plugins, puts the plugins on a plugin.path, and runs
datagen -> embedded Kafka (librdkafka's mock cluster) -> file sink with the JSON converter,
showing live progress and ending with a summary that checks every record arrived exactly once.
Options go to `connectkit demo` (e.g. --records 200000). Needs no running services.
EOF
      return 0 ;;
  esac
  bazel build //runtime/cli:connectkit //reference-connectors/datagen:datagen.tar.gz \
    //reference-connectors/file:file.tar.gz
  local plugins="$ROOT/build/demo-plugins"
  rm -rf "$plugins" && mkdir -p "$plugins"
  cp "$ROOT"/bazel-bin/reference-connectors/datagen/datagen.tar.gz \
     "$ROOT"/bazel-bin/reference-connectors/file/file.tar.gz "$plugins/"
  "$ROOT/bazel-bin/runtime/cli/connectkit" demo --plugin-path "$plugins" "$@"
}

cmd_docs() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck docs

Builds one HTML site into build/docs/html with Doxygen: the guides (docs/*.md, start page
docs/index.md), the configuration reference of every reference connector (generated by
tools/ck/config_reference.py from the manifests their plugins carry) and the API reference of the
public SDK and testkit headers. Any Doxygen warning fails the build.
EOF
      return 0 ;;
  esac
  mkdir -p build/docs
  # Every reference plugin's manifest: the <name>_note genrule of each ck_plugin().
  local notes manifests=() t
  notes=$(bazel query 'attr(name, "_note$", kind(genrule, //reference-connectors/...))' 2>/dev/null)
  [ -n "$notes" ] || die "docs: no reference plugin found"
  # shellcheck disable=SC2086
  bazel build $notes
  for t in $notes; do
    t="${t#//}"
    manifests+=("$ROOT/bazel-bin/${t%%:*}/$(basename "${t#*:}" _note)_manifest.json")
  done
  python3 tools/ck/config_reference.py build/docs/config-reference.md "${manifests[@]}"
  doxygen docs/Doxyfile
  log "docs: $ROOT/build/docs/html/index.html"
}

cmd_bench() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck bench [name] [benchmark options]

Runs the benchmark tests/bench:<name>_bench in an optimised build; without a name, lists them.
Each benchmark runs the baseline and ConnectKit in one run, prints the ratios, and ends with one
line "BENCH <name> key=value ...".
EOF
      return 0 ;;
  esac
  local names
  names=$(bazel query 'kind(cc_binary, //tests/bench:*)' 2>/dev/null | sed -n 's|^//tests/bench:\(.*\)_bench$|\1|p')
  if [ $# -eq 0 ]; then
    echo "benchmarks:"; echo "$names" | sed 's/^/  /'; return 0
  fi
  local name="$1"; shift
  echo "$names" | grep -qx "$name" || die "unknown benchmark '$name'; known: $(echo $names)"
  bazel build --config=opt "//tests/bench:${name}_bench"
  "$ROOT/bazel-bin/tests/bench/${name}_bench" "$@"
}

cmd_fuzz() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck fuzz [target] [seconds]

Builds the libFuzzer target runtime/rest:<target>_fuzzer (default: rest) with clang, ASan and
UBSan (--config=fuzz, in an output base of its own under ~/.cache/connectkit), and runs it for
the given seconds (default 600) on a corpus kept in ~/.cache/connectkit/fuzz/<target>, seeded from
runtime/rest/testdata/fuzz_corpus. Prints libFuzzer's final statistics (executions, corpus size).
EOF
      return 0 ;;
  esac
  local target="${1:-rest}" seconds="${2:-600}"
  local base="$CACHE_DIR/bazel-fuzz" corpus="$CACHE_DIR/fuzz/$target"
  bazel --output_base="$base" build --config=fuzz --symlink_prefix=/ "//runtime/rest:${target}_fuzzer"
  local bin
  bin="$(bazel --output_base="$base" info --config=fuzz bazel-bin 2>/dev/null)/runtime/rest/${target}_fuzzer"
  mkdir -p "$corpus"
  cp -n runtime/rest/testdata/fuzz_corpus/* "$corpus/"
  log "fuzzing $target for $seconds s; corpus $corpus"
  mkdir -p "$CACHE_DIR/fuzz/crashes"
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=30 -rss_limit_mb=4096 \
    -artifact_prefix="$CACHE_DIR/fuzz/crashes/$target-" "$corpus"
}

cmd_new() {
  case "${1:-}" in
    -h|--help|"") cat <<'EOF'
usage: ./ck new <kind> <name> [--dir DIR] [--package NS] [--connectkit DIR]

Builds connectkit and runs `connectkit new`: writes a plugin project (kind: source-connector,
sink-connector, transformation or converter) from the templates embedded in the binary, into DIR
(default ./<name>, relative to where ./ck was run). The project's WORKSPACE points at this
checkout (or --connectkit DIR, e.g. <prefix>/share/connectkit of ./ck install), and its
integration test runs this checkout's connectkit. Then: cd DIR && bazel test //...
EOF
      if [ -n "${1:-}" ]; then return 0; else return 2; fi ;;
  esac
  bazel build //runtime/cli:connectkit
  local bin="$ROOT/bazel-bin/runtime/cli/connectkit" args=("$@") a has_connectkit=0
  for a in "$@"; do [ "$a" = "--connectkit" ] && has_connectkit=1; done
  [ "$has_connectkit" -eq 1 ] || args+=(--connectkit "$ROOT")
  (cd "$CALLER_DIR" && "$bin" new "${args[@]}")
}

cmd_install() {
  case "${1:-}" in
    -h|--help|"") cat <<'EOF'
usage: ./ck install --prefix DIR

Installs ConnectKit into DIR:
  bin/connectkit               the runtime (standalone, plugins list, new, demo)
  include/ck/                  SDK headers (C ABI and C++ layer) and testkit headers
  share/connectkit/            a Bazel workspace named connectkit: sdk/ (headers, plugin.bzl,
                               manifest tool), testkit/ (sources and BUILD: consumers build it),
                               third_party/ (system library wrappers and Bazel's offline
                               stand-ins), reference-connectors/file (used by template tests)
  share/connectkit/plugins/    the reference plugins' packages (file, datagen)
A plugin workspace uses it with local_repository(name = "connectkit", path =
"DIR/share/connectkit"); `DIR/bin/connectkit new ...` writes such a workspace by itself.
EOF
      if [ -n "${1:-}" ]; then return 0; else return 2; fi ;;
  esac
  [ "${1:-}" = "--prefix" ] && [ -n "${2:-}" ] || die "usage: ./ck install --prefix DIR"
  local prefix
  prefix=$(cd "$CALLER_DIR" && mkdir -p "$2" && cd "$2" && pwd)
  bazel build //runtime/cli:connectkit //reference-connectors/file:file.tar.gz \
    //reference-connectors/datagen:datagen.tar.gz
  local share="$prefix/share/connectkit" f
  rm -rf "$share" && mkdir -p "$prefix/bin" "$share/plugins"
  install -m 0755 "$ROOT/bazel-bin/runtime/cli/connectkit" "$prefix/bin/connectkit"
  # The workspace: tracked files only, without the fixtures of this repository's own tests.
  git ls-files -- WORKSPACE .bazelrc sdk testkit third_party reference-connectors/BUILD.bazel \
      reference-connectors/file | grep -v '^testkit/fixtures/' |
    while read -r f; do install -D -m 0644 "$f" "$share/$f"; done
  chmod 0755 "$share/third_party/bazel/remote_coverage_tools/unsupported.sh"
  cat > "$share/BUILD.bazel" <<'EOF'
# ConnectKit as installed by `./ck install`: the SDK (//sdk, plugin.bzl), the testkit (//testkit)
# and the system library wrappers (//third_party), for plugin workspaces that name this directory
# in local_repository(name = "connectkit", ...).
EOF
  rm -rf "$prefix/include/ck" && mkdir -p "$prefix/include/ck"
  cp -r "$ROOT/sdk/include/ck/." "$ROOT/testkit/include/ck/." "$prefix/include/ck/"
  cp "$ROOT/bazel-bin/reference-connectors/file/file.tar.gz" \
     "$ROOT/bazel-bin/reference-connectors/datagen/datagen.tar.gz" "$share/plugins/"
  log "installed into $prefix: bin/connectkit, include/ck, share/connectkit (a Bazel workspace)"
}

# C and C++ files tracked or new in the working tree.
source_files() {
  git ls-files --cached --others --exclude-standard -- '*.h' '*.cc' '*.c' |
    grep -v '^third_party/' | while read -r f; do [ -f "$f" ] && echo "$f"; done
}

# Files changed against HEAD (or in the last commit when the tree is clean).
changed_files() {
  local files
  files=$( { git diff --name-only HEAD -- '*.h' '*.cc' '*.c';
             git ls-files --others --exclude-standard -- '*.h' '*.cc' '*.c'; } | sort -u)
  [ -n "$files" ] || files=$(git diff --name-only HEAD~1 HEAD -- '*.h' '*.cc' '*.c' 2>/dev/null || true)
  for f in $files; do [ -f "$f" ] && echo "$f"; done | grep -v '^third_party/' || true
}

cmd_fmt() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck fmt

Formats every C and C++ file of the project in place with clang-format (.clang-format).
EOF
      return 0 ;;
  esac
  source_files | xargs -r clang-format -i
}

cmd_lint() {
  case "${1:-}" in
    -h|--help) cat <<'EOF'
usage: ./ck lint [--all]

Checks that every C and C++ file is clang-formatted, then runs clang-tidy (.clang-tidy, warnings
as errors) on the files changed against HEAD (or in the last commit), or on all with --all.
EOF
      return 0 ;;
  esac
  local files
  source_files | xargs -r clang-format --dry-run -Werror
  if [ "${1:-}" = "--all" ]; then files=$(source_files); else files=$(changed_files); fi
  files=$(echo "$files" | grep -E '\.cc$' || true)
  [ -z "$files" ] && { log "lint: formatting clean; no changed source files for clang-tidy"; return 0; }
  local out rc=0
  # One clang-tidy per file, as many at once as there are cores.
  out=$(echo "$files" | xargs -r -P "$(nproc)" -I{} clang-tidy --quiet {} -- \
          -std=c++20 -xc++ -I. -Isdk/include -Itestkit/include -Itemplates/common 2>&1) || rc=$?
  echo "$out" | grep -v 'warnings\? generated\.$' || true
  [ "$rc" -eq 0 ] || die "lint: clang-tidy found problems (see above)"
  log "lint: clean"
}

usage() {
  cat <<'EOF'
usage: ./ck <command> [args]   (./ck <command> --help for details)

  setup   install every package the project needs (idempotent)
  build   build targets (default //...)
  test    run tests and print "N passed, M failed"
  demo    run a real pipeline on the embedded Kafka
  docs    build the guides, config reference and API reference (Doxygen, no warnings)
  bench   run a benchmark against its baseline
  fuzz    run a libFuzzer target (clang) for a while
  new     a plugin project from a template (connectkit new)
  install install the runtime, SDK, testkit and plugin.bzl into a prefix
  fmt     clang-format every C/C++ file in place
  lint    format check + clang-tidy on changed files
EOF
}

# Bazel's convenience symlinks (bazel-bin, bazel-<dir>, ...) left by a run with another output
# base would be read as source packages by //...; Bazel recreates them on every build.
clean_symlinks() {
  find "$ROOT" -maxdepth 1 -name 'bazel-*' -type l -delete
}

main() {
  local cmd="${1:-}"
  [ $# -gt 0 ] && shift
  case "$cmd" in
    ""|-h|--help|help) usage ;;
    setup|build|test|demo|docs|bench|fuzz|fmt|lint|new|install)
      case "${1:-}" in -h|--help) ;; *) [ "$cmd" = setup ] || { cmd_setup; clean_symlinks; } ;; esac
      "cmd_$cmd" "$@" ;;
    *) usage >&2; die "unknown command '$cmd'" ;;
  esac
}

main "$@"
