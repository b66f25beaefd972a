import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The NestJS server listens on 3000 in development; `npm run dev -w dashboard` proxies to it.
const SERVER = 'http://localhost:3000';

/**
 * Vendor chunks, so a dashboard change does not invalidate the cached framework bundles.
 * Higher priority claims a module first (react before antd, which depends on it).
 */
const VENDOR_GROUPS = [
  { name: 'react', priority: 4, test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser)[\\/]/ },
  { name: 'antd-icons', priority: 3, test: /node_modules[\\/]@ant-design[\\/]icons/ },
  {
    name: 'antd',
    priority: 2,
    test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@emotion|dayjs|stylis|classnames|clsx)[\\/]/,
  },
  { name: 'vendor', priority: 1, test: /node_modules[\\/]/ },
];

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: VENDOR_GROUPS,
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': SERVER,
      '/socket.io': { target: SERVER, ws: true },
    },
  },
});
