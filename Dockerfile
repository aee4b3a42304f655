# The GlobaLLM worker image used by docker-compose.yml.
# Build stage: compiles the TypeScript sources to dist/ (the compiler is a development dependency).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends git bubblewrap ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY . .
COPY --from=build /app/dist ./dist
# The workflow bundle, built once here (node_modules is not writable by the user below), so workers skip webpack at start.
RUN node -e "import('./dist/workers/bundle.js').then((m) => m.workflowBundle())"
# The state folder (repository caches and models, the local forge), owned by the user the processes run as.
ENV GLOBALLM_STATE_DIR=/var/lib/globallm
RUN mkdir -p /var/lib/globallm && chown node:node /var/lib/globallm
USER node
ENTRYPOINT []
CMD ["node", "bin/globallm.js", "worker"]
