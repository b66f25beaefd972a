# One image for the server and the (simulated) edge agents of the production-like stack.
# Three stages: `build` compiles everything (the dashboard with vite, React and its
# toolchain); `deps` installs only the production packages of what runs (server, agent,
# simulator, shared), so the dashboard's packages never reach the runtime, which gets its
# compiled bundle instead; the runtime copies only built output and those packages.
# The simulator is named here on purpose: the agent only has it as an optional peer (a
# Raspberry Pi does without it), and this image's agents run on simulated hardware.
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
RUN npm run build

FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY hardware-sim/package.json hardware-sim/
COPY edge-agent/package.json edge-agent/
COPY server/package.json server/
COPY dashboard/package.json dashboard/
COPY test/package.json test/
RUN npm ci --omit=dev --workspace=shared --workspace=hardware-sim --workspace=edge-agent --workspace=server \
  && mkdir -p shared/node_modules hardware-sim/node_modules edge-agent/node_modules server/node_modules

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/package.json ./
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/shared/package.json shared/
COPY --from=deps /app/shared/node_modules shared/node_modules
COPY --from=build /app/shared/dist shared/dist
COPY --from=deps /app/hardware-sim/package.json hardware-sim/
COPY --from=deps /app/hardware-sim/node_modules hardware-sim/node_modules
COPY --from=build /app/hardware-sim/dist hardware-sim/dist
COPY --from=deps /app/edge-agent/package.json edge-agent/
COPY --from=deps /app/edge-agent/node_modules edge-agent/node_modules
COPY --from=build /app/edge-agent/dist edge-agent/dist
COPY --from=deps /app/server/package.json server/
COPY --from=deps /app/server/node_modules server/node_modules
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/dashboard/dist dashboard/dist
COPY --from=build /app/deploy/agents deploy/agents
# The data folder must exist and belong to the user the container runs as: a fresh named
# volume mounted here (the agents' outbox and state) takes this owner, so `node` can write it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
CMD ["node", "server/dist/main.js"]
