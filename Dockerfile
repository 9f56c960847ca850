# isms-kpi: one image for `run` (scheduler + workers + /metrics), `scheduler` and `worker`.
# The CLI runs the JavaScript compiled at install (dist/, `npm ci` runs `prepare`); TypeScript,
# tsx and the other development tools stay in the build stage.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 falls back to building from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
# The local store and the notifier's state live under /app/data (a volume in docker-compose.yml).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 9464
ENTRYPOINT ["node", "bin/isms-kpi.js"]
CMD ["run", "-c", "config/example.yaml", "--host", "0.0.0.0"]
