# distaudit: one image for the CLI, the API (`serve`) and the workers.
# Multi-stage: build with dev dependencies, run with production ones only, as
# the non-root user `node`.
#
#   docker build -t distaudit .
#   docker run --rm -v "$PWD/artifacts:/artifacts:ro" distaudit audit /artifacts/x.whl
#
# The default command is the API on 0.0.0.0:8080 against an external Redis
# (REDIS_URL; docker-compose.yml runs one with the workers). redis-server is
# deliberately not installed: without REDIS_URL `serve` would start the
# embedded default, which needs it, and exits saying so.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
# `npm ci` runs `prepare` (tsc -p tsconfig.build.json): dist/src/ and dist/workers/.
RUN npm ci --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    DISTAUDIT_DATA=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Static files the API serves at /ui/, found beside package.json (packageRoot() in src/tool.ts).
COPY dashboard ./dashboard
# The data directory (blob store) belongs to `node`; a named volume mounted here
# starts with this ownership.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
ENTRYPOINT ["node", "/app/dist/src/cli.js"]
CMD ["serve", "--host", "0.0.0.0"]

# The load worker (`docker build --target load`): real loads need root inside
# the container (debootstrap builds the images; bubblewrap then drops to uid
# 65534 for every load) and a container allowed to make namespaces and mounts
# (docker-compose.yml runs it privileged). The probes are compiled on first use
# from native/load/probe with these toolchains; the images are built on first
# use into /var/tmp/distaudit (a volume, so once per host).
FROM runtime AS load
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      bubblewrap debootstrap qemu-user-static zstd ca-certificates util-linux \
      gcc libc6-dev musl-tools gcc-aarch64-linux-gnu libc6-dev-arm64-cross default-jdk-headless \
 && rm -rf /var/lib/apt/lists/*
COPY native/load/probe ./native/load/probe
ENV DISTAUDIT_CACHE=/var/tmp/distaudit/cache \
    DISTAUDIT_ROOTFS=/var/tmp/distaudit/rootfs \
    DISTAUDIT_PROBES=/var/tmp/distaudit/probes
ENTRYPOINT ["node", "/app/dist/workers/load.js"]
CMD []
