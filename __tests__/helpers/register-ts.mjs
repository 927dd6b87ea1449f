// Lets plain Node run the project's TypeScript sources without a build: Node >= 22.18 strips types
// from .ts files natively; this resolve hook maps the `./x.js` specifiers the sources use to `./x.ts`
// when only the .ts exists (project files only, never node_modules).
//
//   node --import ./__tests__/helpers/register-ts.mjs some-script.ts
//
// Used by __tests__/globalSetup.ts (Jest loads global setup files' imports with Node's own loader,
// outside its transform) and by tests that spawn child processes. Sources loaded this way must be
// erasable TypeScript: no enums, namespaces or constructor parameter properties; `import type` for types.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

const key = Symbol.for('db-action.register-ts');
if (!globalThis[key]) {
  globalThis[key] = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const parent = context.parentURL;
      if (
        /^\.\.?\//.test(specifier) &&
        specifier.endsWith('.js') &&
        parent?.startsWith('file:') &&
        !parent.includes('/node_modules/')
      ) {
        const candidate = new URL(specifier.replace(/\.js$/, '.ts'), parent);
        if (!existsSync(fileURLToPath(new URL(specifier, parent))) && existsSync(fileURLToPath(candidate))) {
          return nextResolve(candidate.href, context);
        }
      }
      return nextResolve(specifier, context);
    },
  });
}
