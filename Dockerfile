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
USER node
ENTRYPOINT []
CMD ["node", "bin/globallm.js", "worker"]
