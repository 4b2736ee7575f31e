// Preloaded with NODE_OPTIONS="--import <this file>" to make one of our own parts fail inside the
// real shim process, without touching src/. It acts only in the runner (claude-shim.js); the fake
// claude, also Node, loads it and is left alone. CW_TEST_FAULT chooses the fault:
//   observer      a line containing CW-INJECTED-OBSERVER-FAULT throws inside the print observer
//   async-throw   an exception nobody catches, thrown from a timer 700 ms into the run
//   no-node-pty   importing node-pty fails, as when the native addon is missing or broken
//   no-session    the part of a session that loads once Claude runs (run-session.js) fails to load
import { register } from 'node:module';

const inRunner = (process.argv[1] ?? '').endsWith('claude-shim.js');
const fault = process.env.CW_TEST_FAULT;

if (inRunner && fault === 'observer') {
  const trim = String.prototype.trim;
  // The print observer trims each stdout line before parsing it, outside any try.
  String.prototype.trim = function injectedTrim() {
    if (String(this).includes('CW-INJECTED-OBSERVER-FAULT')) throw new Error('injected observer fault');
    return trim.call(this);
  };
}

if (inRunner && fault === 'async-throw') {
  setTimeout(() => {
    throw new Error('injected uncaught exception');
  }, 700).unref();
}

if (inRunner && fault === 'no-node-pty') {
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier === 'node-pty') throw new Error('injected: node-pty failed to load');
    return next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

if (inRunner && fault === 'no-session') {
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier.endsWith('run-session.js')) throw new Error('injected: the session failed to load');
    return next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
