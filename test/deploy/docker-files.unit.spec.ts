import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { SECRET_NAMES } from '../../scripts/secrets-file';

const root = resolve(__dirname, '../..');
const composeFile = join(root, 'docker/docker-compose.yml');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  environment?: Record<string, string>;
  profiles?: string[];
  ports?: string[];
  networks?: string[];
  healthcheck?: { test: string[] };
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

/** The `@Controller('x')` + `@Get('y')` routes an app's source declares, as `/x/y`. */
/** GET routes of the controllers in an app's source and in the libraries it uses (the projector and the adapter share theirs). */
function routesOf(app: string): string[] {
  const routes: string[] = [];
  const folders = [join('apps', app, 'src'), ...librariesUsedBy(join('apps', app))];
  for (const file of folders.flatMap((folder) => filesUnder(join(root, folder))).filter((f) => f.endsWith('.controller.ts'))) {
    const source = readFileSync(file, 'utf8');
    const prefix = /@Controller\('([^']*)'\)/.exec(source)?.[1];
    if (prefix === undefined) continue;
    for (const match of source.matchAll(/@Get\('([^']*)'\)/g)) routes.push(`/${prefix}/${match[1]}`);
  }
  return routes;
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
  const composeText = readFileSync(composeFile, 'utf8');
  const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService>; networks: Record<string, { internal?: boolean } | null> };
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

  it('publishes no store port, and keeps the stores on an internal network only', () => {
    for (const name of ['eventstore', 'postgres']) {
      const service = compose.services[name]!;
      expect({ name, ports: service.ports }).toEqual({ name, ports: undefined });
      expect({ name, networks: service.networks }).toEqual({ name, networks: ['internal'] });
    }
    expect(compose.networks['internal']).toEqual({ internal: true });
    // EventStoreDB runs insecure only there.
    expect(compose.services['eventstore']!.environment!['EVENTSTORE_INSECURE']).toBe('true');
  });

  it('runs the API, the projector, and the ONDC adapter and sandbox only under their profiles', () => {
    const apps = Object.fromEntries(appServices.map(([name, s]) => [name, { app: s.build!.args!['APP'], profiles: s.profiles }]));
    expect(apps).toEqual({
      'fulfillment-api': { app: 'fulfillment-api', profiles: undefined },
      projector: { app: 'projector', profiles: undefined },
      'ondc-logistics-adapter': { app: 'ondc-logistics-adapter', profiles: ['ondc'] },
      'ondc-sandbox': { app: 'ondc-sandbox', profiles: ['sandbox'] },
    });
    // Scaled API instances take ports from a range instead of colliding on one.
    expect(compose.services['fulfillment-api']!.ports).toEqual([expect.stringMatching(/^"?\$\{API_PORT_RANGE:-\d+-\d+\}:3000"?$/)]);
  });

  it('probes every app on a health route its source declares, on the port it listens on', () => {
    for (const [name, service] of appServices) {
      const app = service.build!.args!['APP']!;
      const probe = (service.healthcheck?.test ?? []).join(' ');
      const match = /http:\/\/127\.0\.0\.1:(\d+)(\/health\/\w+)/.exec(probe);
      expect({ name, probe: match?.[2] }).toEqual({ name, probe: '/health/ready' });
      expect({ name, port: match?.[1] }).toEqual({ name, port: service.environment?.['PORT'] });
      expect({ name, declared: routesOf(app).includes(match![2]!) }).toEqual({ name, declared: true });
    }
    for (const name of ['eventstore', 'postgres']) expect(compose.services[name]!.healthcheck).toBeDefined();
  });

  it('reads every variable npm run secrets writes, and requires only variables it writes', () => {
    const read = new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const required = new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*):\?/g)].map((m) => m[1]!));
    expect(SECRET_NAMES.filter((name) => !read.has(name))).toEqual([]);
    expect([...required].filter((name) => !(SECRET_NAMES as readonly string[]).includes(name))).toEqual([]);
    // Compose interpolates services of inactive profiles too: nothing only the ONDC adapter needs may be required.
    expect([...required].filter((name) => name.startsWith('ONDC_'))).toEqual([]);
  });
});
