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

FROM node:20-bookworm-slim
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
