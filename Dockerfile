# syntax=docker/dockerfile:1
# Build: install everything (the embedded Postgres binaries ship as an npm package), then
# drop dev dependencies. Run: Node 24 strips the TypeScript types itself; no build step.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
COPY migrations ./migrations
# Postgres refuses to run as root, and so do we: the image runs as the unprivileged node user,
# which owns the volume the embedded database lives on when DATABASE_URL is not set.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node, not npm: npm does not forward SIGTERM, and the graceful close needs it. The flags are
# the ones `npm start` uses: a small young generation and a 128 MB old generation (the live
# set is about 50 MB) keep the process under 250 MB; raise them for a bigger memory budget.
CMD ["node", "--import", "./src/telemetry.ts", "--max-semi-space-size=8", "--max-old-space-size=128", "src/server.ts"]
