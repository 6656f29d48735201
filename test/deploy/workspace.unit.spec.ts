import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const json = <T>(file: string): T => JSON.parse(readFileSync(join(root, file), 'utf8')) as T;
const folders = (dir: string) => readdirSync(join(root, dir), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

describe('the NestJS workspace', () => {
  const nest = json<{ monorepo: boolean; projects: Record<string, { type: string; root: string; sourceRoot: string; entryFile: string }> }>('nest-cli.json');

  it('declares every app and library folder as a project of the monorepo, with its entry file', () => {
    expect(nest.monorepo).toBe(true);
    const declared = (type: string) => Object.values(nest.projects).filter((p) => p.type === type).map((p) => p.root).sort();
    // Every Nest app (the console is a browser app Vite builds, served by the engine, not a Nest project).
    const nestApps = folders('apps').filter((name) => existsSync(join(root, 'apps', name, 'src', 'main.ts')));
    expect(declared('application')).toEqual(nestApps.map((name) => `apps/${name}`));
    expect(declared('library')).toEqual(folders('libs').map((name) => `libs/${name}`));
    for (const project of Object.values(nest.projects)) expect(existsSync(join(root, project.sourceRoot, `${project.entryFile}.ts`))).toBe(true);
  });

  it('gives type checking and the swc build the same path alias for every library', () => {
    const typecheck = json<{ compilerOptions: { paths: Record<string, string[]> } }>('tsconfig.base.json').compilerOptions.paths;
    const build = json<{ jsc: { paths: Record<string, string[]> } }>('.swcrc').jsc.paths;
    expect(build).toEqual(typecheck);
    for (const name of folders('libs')) expect(typecheck[`@fulfil/${name}`]).toEqual([`libs/${name}/src`]);
  });
});
