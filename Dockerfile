# syntax=docker/dockerfile:1
# One image per service, all from this file:
#   docker build --build-arg SERVICE=poller -t parcelwatch/poller .
# SERVICE is a folder under services/ (docker-compose.yml builds every one of them), `cli`
# included: the parcelwatch command, which runs migrations as a one-shot job:
#   docker build --build-arg SERVICE=cli -t parcelwatch/cli .   then   node services/cli/dist/main.js migrate
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# The workspace manifests alone, so the `npm ci` layer below is reused until a
# package.json or the lockfile changes, not rebuilt on every source edit.
FROM base AS manifests
COPY . /src
RUN cd /src \
 && find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -type d -empty -delete

FROM base AS build
ARG SERVICE
RUN test -n "${SERVICE}" || { echo "build with --build-arg SERVICE=<folder under services/>" >&2; exit 1; }
COPY --from=manifests /src/ ./
RUN npm ci
COPY . .
# turbo builds the service and, through ^build, every workspace package it depends on.
RUN test -f "services/${SERVICE}/package.json" \
 && npx turbo run build --filter="@parcelwatch/${SERVICE}" --output-logs=errors-only \
 && npm prune --omit=dev

FROM base AS runtime
ARG SERVICE
# One port per container: the health/metrics listener (and the api's own routes) on 8080
# unless PORT says otherwise; HOST=0.0.0.0 because the loopback default is unreachable from outside.
# NODE_OPTIONS: V8's young generation at 4 MiB semi-spaces instead of 16: each service keeps
# ~25 MiB less resident for the same work (npm run bench -- memory runs the services with these
# options, read from here). A service's own NODE_OPTIONS replaces it.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=4" \
    HOST=0.0.0.0 \
    PORT=8080 \
    SERVICE=${SERVICE} \
    SERVICE_MAIN=services/${SERVICE}/dist/main.js
COPY --from=build --chown=node:node /app /app
USER node
# The cli image is a command (migrate, import, keys, merchants), not a server: nothing to probe.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["sh", "-c", "test \"${SERVICE}\" = cli || exec node -e \"fetch('http://127.0.0.1:' + process.env.PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))\""]
# exec, so node itself receives SIGTERM and the service's lifecycle drains and exits.
CMD ["sh", "-c", "exec node \"$SERVICE_MAIN\""]
