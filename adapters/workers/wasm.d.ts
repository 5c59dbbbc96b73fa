// The Workers bundler (wrangler, and our esbuild build) turns a .wasm import into a compiled module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
