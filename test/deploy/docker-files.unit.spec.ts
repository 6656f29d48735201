import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(__dirname, '../..');
const composeFile = join(root, 'docker/docker-compose.yml');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  profiles?: string[];
}

/** Every environment variable read by the source under the given folders. */
function variablesReadIn(...folders: string[]): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/env(?:\[['"]|, ['"])([A-Z][A-Z0-9_]+)['"]/g)) found.add(match[1]!);
      }
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return [...found].sort();
}

/** The libraries an app imports (through `@fulfil/<lib>`), directly or through other libraries. */
function librariesUsedBy(folder: string): string[] {
  const libs = new Set<string>();
  const pending = [folder];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
          for (const match of readFileSync(path, 'utf8').matchAll(/from '@fulfil\/([a-z-]+)/g)) {
            const lib = `libs/${match[1]}`;
            if (existsSync(join(root, lib)) && !libs.has(lib)) {
              libs.add(lib);
              pending.push(lib);
            }
          }
        }
      }
    };
    walk(join(root, current));
  }
  return [...libs];
}

describe('Docker files (checked without a Docker engine)', () => {
  const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  const appServices = Object.entries(compose.services).filter(([, s]) => s.build);

  it('parses, and every service names an image', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['eventstore', 'postgres', 'fulfillment-api']));
    for (const [name, service] of Object.entries(compose.services)) expect({ name, image: typeof service.image }).toEqual({ name, image: 'string' });
  });

  it('builds app services from a Dockerfile that exists, for an app that exists', () => {
    expect(appServices.length).toBeGreaterThan(0);
    for (const [, service] of appServices) {
      const context = resolve(join(root, 'docker'), service.build!.context);
      expect(existsSync(join(context, service.build!.dockerfile))).toBe(true);
      const app = service.build!.args?.['APP'];
      expect(app && existsSync(join(root, 'apps', app, 'src/main.ts'))).toBe(true);
    }
  });

  it('documents every variable the apps read in .env.example', () => {
    const variables = variablesReadIn('apps', 'libs');
    expect(variables).toEqual(expect.arrayContaining(['EVENT_STORE', 'DATABASE_URL', 'ESDB_CONNECTION_STRING', 'DATA_DIR']));
    const documented = readFileSync(join(root, '.env.example'), 'utf8');
    for (const variable of variables) expect({ variable, documented: new RegExp(`^${variable}=`, 'm').test(documented) }).toEqual({ variable, documented: true });
  });

  it('passes each app service every variable its app and the shared libraries read', () => {
    for (const [name, service] of appServices) {
      const app = service.build!.args!['APP']!;
      // The engine hosts every app, so it reads what all of them read.
      const variables = app === 'engine' ? variablesReadIn('apps', 'libs') : variablesReadIn(`apps/${app}`, ...librariesUsedBy(`apps/${app}`));
      const passed = Object.keys(service.environment ?? {});
      expect({ name, missing: variables.filter((v) => !passed.includes(v)) }).toEqual({ name, missing: [] });
    }
  });

  it('runs the image as a non-root user with a health check', () => {
    const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER (?!root)\w+/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^FROM .* AS build$/m);
  });
});
