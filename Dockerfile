# One image for the server and the (simulated) edge agents of the production-like stack.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY hardware-sim/package.json hardware-sim/
COPY edge-agent/package.json edge-agent/
COPY server/package.json server/
COPY dashboard/package.json dashboard/
COPY test/package.json test/
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
EXPOSE 3000
CMD ["node", "server/dist/main.js"]
