# syntax=docker/dockerfile:1
# The worker image. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t job-agent-worker .
# Stages: prune → build → deploy → runtime (the default target), and dev (docker/compose.yml).
# tooling/deploy-check/src/simulate-image.ts runs the same prune/install/build/deploy commands outside Docker in CI.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS base
ENV CI=true \
    CHECKPOINT_DISABLE=1 \
    TURBO_TELEMETRY_DISABLED=1
RUN npm install -g pnpm@10.34.9 turbo@2.11.11 && npm cache clean --force

# Only the workspaces @job-agent/worker needs; json/ (manifests + pruned lockfile) and full/ (sources).
FROM base AS prune
WORKDIR /src
COPY . .
RUN turbo prune @job-agent/worker --docker --out-dir /out

FROM base AS build
WORKDIR /app
COPY --from=prune /out/json/ ./
RUN --mount=type=cache,id=job-agent-pnpm,target=/pnpm/store \
    pnpm install --frozen-lockfile --store-dir /pnpm/store
COPY --from=prune /out/full/ ./
# Every prisma command needs DATABASE_URL set; `prisma generate` never connects, so any value will do.
RUN DATABASE_URL=postgresql://build@localhost:5432/build pnpm exec turbo run build --filter=@job-agent/worker

# Production dependencies only, workspace packages copied in (their "files": dist/). pnpm 10 deploys
# a workspace without inject-workspace-packages only with --legacy.
FROM build AS deploy
RUN --mount=type=cache,id=job-agent-pnpm,target=/pnpm/store \
    pnpm --filter @job-agent/worker deploy --prod --legacy --store-dir /pnpm/store /deploy

# Development: the repository is bind-mounted at /app and dependencies live in volumes (docker/compose.yml).
FROM base AS dev
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Mount points owned by the unprivileged user, so named volumes start out writable by it.
RUN mkdir -p /pnpm/store /app/node_modules \
    && for d in apps/api apps/worker apps/scheduler packages/db packages/queue packages/shared packages/workflows \
      tooling/eslint tooling/typescript tooling/vitest tooling/deploy-check; do mkdir -p "/app/$d/node_modules"; done \
    && chown -R node:node /pnpm /app
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["pnpm", "--filter", "@job-agent/worker", "dev"]

FROM ${NODE_IMAGE} AS runtime
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only for the user the process runs as.
COPY --from=deploy /deploy/ ./
COPY docker/healthcheck.mjs /usr/local/lib/job-agent/healthcheck.mjs
USER node
# No HTTP port: healthy while the process runs (tini exits with it) and Redis answers with its credentials.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "/usr/local/lib/job-agent/healthcheck.mjs", "redis"]
# tini is PID 1: SIGTERM reaches node, which stops taking jobs and drains (WORKER_GRACE_MS).
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
