// esbuild bundles the page's CSS from this import; TypeScript only needs to know it exists.
declare module '*.css';
