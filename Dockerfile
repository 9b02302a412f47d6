# syntax=docker/dockerfile:1
# One image for the studio API and the render workers (docker-compose.yml picks the command).
#   docker build -t shotfarm .
FROM node:20-bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The pinned pnpm (package.json "packageManager"); corepack cannot fetch it from a registry without signatures.
ARG PNPM_VERSION=10.34.9
RUN npm install -g --no-audit --no-fund "pnpm@${PNPM_VERSION}" && pnpm --version

WORKDIR /app

# Manifests first: the install layer is rebuilt only when dependencies change.
# A new workspace package needs its package.json listed here too.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY shared/package.json shared/
COPY workflows/package.json workflows/
COPY render-worker/package.json render-worker/
COPY scorer/package.json scorer/
COPY studio/package.json studio/
COPY bench/package.json bench/

# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's install script would download CUDA binaries;
# its CPU binaries ship in the package. Dev dependencies stay: the services run TypeScript through tsx.
RUN --mount=type=cache,id=shotfarm-pnpm-store,target=/pnpm-store \
    ONNXRUNTIME_NODE_INSTALL=skip CI=true \
    pnpm install --frozen-lockfile --store-dir /pnpm-store --config.package-import-method=copy

COPY . .
RUN pnpm --filter @shotfarm/studio build:web

# Run as the image's unprivileged `node` user; the code stays root-owned (read-only to the service).
RUN mkdir -p /var/lib/shotfarm && chown node:node /var/lib/shotfarm
# MALLOC_ARENA_MAX=2: fewer glibc malloc arenas for sharp's threads, so image decoding does not fragment memory
# into gigabytes of RSS (see upload-bounds.e2e.test.ts).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    DATA_DIR=/var/lib/shotfarm \
    HOST=0.0.0.0 \
    PORT=3000 \
    npm_config_update_notifier=false
USER node
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "scripts/healthcheck.mjs", "http", "http://127.0.0.1:3000/healthz"]

CMD ["pnpm", "--filter", "@shotfarm/studio", "start"]
