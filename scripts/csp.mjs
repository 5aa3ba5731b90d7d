// The site's Content-Security-Policy, in one place: scripts/serve.mjs sends it
// as a header with the site's files, and tests/node/serve.test.mjs checks that
// the <meta http-equiv="Content-Security-Policy"> of every page in web/ is the
// same text (a static host that sends no header still gets the policy from the
// meta; a worker gets it only from the header).
//   'wasm-unsafe-eval'  compiling the engine's .wasm, nothing else (no eval)
//   img-src blob: data: pictures the pages make themselves, never from elsewhere
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; object-src 'none'; " +
  "base-uri 'none'; form-action 'self'";
