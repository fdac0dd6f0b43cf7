# syntax=docker/dockerfile:1
# The scene-video worker image: `docker build -t scene-video-worker .`, then `docker run --init scene-video-worker`
# with the worker's environment (TEMPORAL_*, provider keys, S3_*). Any other command runs instead of the worker, e.g.
# `docker run --rm scene-video-worker providers`.
#
# Debian (glibc), as Temporal recommends for the Core SDK's native module. test/package/image-tree.test.ts runs the
# build stage's script and the runtime stage's command outside a container, from this file.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# The context is what .dockerignore lets in: the sources, the lockfile and the build script (no node_modules, no dist).
COPY . .
# npm ci, npm run build, npm prune --omit=dev; npm's cache survives between builds (BuildKit).
RUN --mount=type=cache,target=/root/.npm,sharing=locked ["bash", "scripts/image/build.sh"]

FROM ${NODE_IMAGE} AS runtime
ARG VERSION=1.0.0
LABEL org.opencontainers.image.title="scene-video-worker" \
      org.opencontainers.image.description="Temporal worker that turns one marketing-video scene into a stored clip." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
WORKDIR /app
# Owned by root, read-only to the `node` user the worker runs as.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/LICENSE ./LICENSE
COPY --from=build /app/schemas ./schemas
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
# Prometheus metrics at :9464/metrics (README, "Metrics"); an empty WORKER_METRICS_ADDRESS turns them off.
ENV WORKER_METRICS_ADDRESS=0.0.0.0:9464
EXPOSE 9464
ENV NODE_ENV=production WORKER_HEALTH_PORT=8080 WORKER_HEALTH_HOST=0.0.0.0
USER node
EXPOSE 8080
# /readyz: 200 only while the worker polls and its background checks find the Temporal server and the S3 bucket
# reachable; 503 while it starts, drains or has stopped, or while either is down. (/healthz: alive, for liveness.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "bin/scene-video.js", "health"]
# Node runs as PID 1 and handles SIGTERM itself: the worker stops polling, lets running activities finish (up to 10 s,
# then cancels them) and exits 0. Give it time to (docker stop -t 30, Kubernetes terminationGracePeriodSeconds >= 30).
# A signal that arrives before the worker has connected is ignored by a PID 1 without a handler; `docker run --init`
# (or `init: true` in compose) puts tini in front so it is not.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/scene-video.js"]
CMD ["worker"]
