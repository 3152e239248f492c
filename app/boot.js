// Starts the console; a file of its own so the page needs no inline script (CSP script-src 'self').
import init from "/app.js";
await init({ module_or_path: "/app_bg.wasm" });
