/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { swaggerUiPlugin } from "./build/swaggerUiPlugin";

export default defineConfig({
  plugins: [react(), swaggerUiPlugin()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: {
      "/api": { target: process.env.PATCHMON_DEV_API ?? "http://localhost:3000", changeOrigin: false },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    testTimeout: 30_000,
  },
});
