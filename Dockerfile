# Container image of docebo-mcp-gateway.
#   docker build -t docebo-mcp-gateway .
#   docker run --rm -p 127.0.0.1:3000:3000 docebo-mcp-gateway       # no config mounted: the built-in sandbox demo
# `npm run test:image` builds this file unchanged, offline, and checks the result (docs/container-image.md).
#
# Base: Node 22 (every dependency's declared engines are met on 22; the app also runs on >= 20.19) on Debian
# bookworm, slim variant. The tag pins the major version and the distribution; for release builds pin the digest
# as well (node:22-bookworm-slim@sha256:...) and let a bot bump it.

# ---- build: all dependencies, compile, then drop the dev dependencies ------------------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so this layer is reused while only the sources change. --ignore-scripts: no package needs
# its install script (the only two that have one, @swc/core and @parcel/watcher, are dev tools that ship prebuilt
# binaries and are not used by `nest build`), and it keeps third-party code from running at install time.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY config/gateway.example.yaml ./config/
# Build, keep only the production dependencies, and clear any group/other write bit a developer's umask may have
# left on the copied files (the runtime user must not be able to change the app).
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && chmod -R go-w dist node_modules config package.json

# ---- runtime: only what the app needs at run time ----------------------------------------------------------------
FROM node:22-bookworm-slim

LABEL org.opencontainers.image.title="docebo-mcp-gateway" \
      org.opencontainers.image.description="Remote MCP server and OAuth 2.1 authorization server in front of Docebo tenants"

# HOST=0.0.0.0: listen on the container's interface (the app's own default is loopback only).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000

WORKDIR /app
# Owned by root (COPY's default) and not writable by the runtime user. No config/gateway.yaml is shipped: with
# nothing mounted the image serves the demo tenant; mount a file at /app/config/gateway.yaml (or set
# GATEWAY_CONFIG) for a real deployment, and pass secrets as env vars or *_FILE mounts at run time, never here.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config

# Numeric, so Kubernetes' runAsNonRoot can verify it without a passwd entry. Nothing under /app is writable by it;
# the app writes nothing to disk (logs go to stdout), so the root file system can be read-only (--read-only with a
# tmpfs on /tmp).
USER 10001:10001

EXPOSE 3000

# Liveness through node itself (slim images have no curl or wget). 127.0.0.1 works for HOST=0.0.0.0 or ::.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(2500) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]

# PID 1 is node itself: exec form, and the base image's docker-entrypoint.sh `exec`s this command, so no shell
# stays in between. No init (tini) is added, on purpose:
# - The kernel drops signals that PID 1 has no handler for, but the app installs its own SIGTERM/SIGINT handlers
#   (Nest's shutdown hooks: readiness 503, drain, close the server; main.ts: forced exit after SHUTDOWN_TIMEOUT),
#   so `docker stop` / a Kubernetes pod deletion is handled as a graceful shutdown. When Nest re-raises the signal
#   after closing, PID 1 ignores it and exits as soon as its event loop is empty, with code 0.
# - The app spawns no child processes, so there are no orphans to reap (processes started with `docker exec`,
#   the HEALTHCHECK included, are reaped by the container runtime, not by PID 1).
# `npm run test:image` proves both: `docker stop` returns in about a second with exit code 0, and no zombie
# processes are left after the health checks. If the app ever spawns children, run it with `docker run --init`
# (Kubernetes: add tini to this image).
CMD ["node", "dist/main.js"]
