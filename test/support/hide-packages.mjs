// Preloaded with NODE_OPTIONS="--import <this file>": packages whose names start with
// CW_TEST_HIDE_PACKAGES cannot be found, as when an optional dependency was never installed.
import { register } from 'node:module';

const prefix = process.env.CW_TEST_HIDE_PACKAGES;
if (prefix) {
  const hooks = `export async function resolve(specifier, context, next) {
    if (specifier.startsWith(${JSON.stringify(prefix)})) {
      throw Object.assign(new Error('Cannot find package ' + specifier), { code: 'ERR_MODULE_NOT_FOUND' });
    }
    return next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
