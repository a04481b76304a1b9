import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built into target/web/dashboard; Maven packages target/web as classpath resources and hypervisord serves
// the dashboard folder at /. Relative asset paths, so the page works behind a path prefix too.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: '../target/web/dashboard', emptyOutDir: true },
});
