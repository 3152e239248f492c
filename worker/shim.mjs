// Entry point wrangler bundles: instantiates the Rust worker (built by scripts/build-worker.sh
// with wasm-bindgen --target web) and hands it each request. Kept here, instead of installing
// worker-build, so a fresh machine needs one cargo install (wasm-bindgen-cli) fewer.
import wasmModule from "./build/index_bg.wasm";
import { initSync, fetch as handle, scheduled as housekeep } from "./build/index.js";

initSync({ module: wasmModule });

export default {
  fetch(request, env, ctx) {
    return handle(request, env, ctx);
  },
  scheduled(event, env, ctx) {
    return housekeep(event, env, ctx);
  },
};
