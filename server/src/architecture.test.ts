import 'reflect-metadata';
import assert from '@acs/shared/testing/assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { describe, it } from '@jest/globals';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DynamicModule, Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

/*
 * The domain walls (see .dependency-cruiser.cjs at the repository root for the folder roles):
 * 1. dependency-cruiser over the compiled server: no value import of another domain's entity
 *    outside entity files, and no import of a domain from the infrastructure folders;
 * 2. Nest's module metadata: every entity a module registers with TypeOrmModule.forFeature lives
 *    in that module's folder.
 * There is no list of exceptions: a domain that needs another's rows asks for them through a
 * narrowly named method of that domain's service or exported repository class.
 * `npm run check:architecture` runs this file alone.
 */

const distDir = dirname(fileURLToPath(import.meta.url));
const serverDir = dirname(distDir);
const rootDir = dirname(serverDir);
const srcDir = join(serverDir, 'src');

/** The compiled files of today's sources: tsc -b leaves the output of deleted sources behind. */
function compiledFiles(suffix: string, dir = srcDir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...compiledFiles(suffix, path));
    else if (entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts')) {
      const compiled = join(distDir, relative(srcDir, path)).replace(/\.ts$/, '.js');
      if (existsSync(compiled)) files.push(compiled);
    }
  }
  return files;
}

async function cruiseWalls(baseDir: string, files: string[]): Promise<IViolation[]> {
  const options: ICruiseOptions = {
    ...(await extractDepcruiseOptions(join(rootDir, '.dependency-cruiser.cjs'))),
    baseDir,
    validate: true,
    outputType: 'json',
  };
  const result = await cruise(
    files.map((f) => relative(baseDir, f).split(sep).join('/')),
    options,
  );
  const output = typeof result.output === 'string' ? (JSON.parse(result.output) as ICruiseResult) : result.output;
  return output.summary.violations.filter((v) => v.rule.severity !== 'ignore');
}

function describeViolations(violations: IViolation[]): string {
  return violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).join('\n');
}

function folderOf(file: string): string {
  return relative(distDir, file).split(sep)[0]!;
}

/** Entity class -> folder, from every compiled *.entity file. */
async function entityFolders(): Promise<Map<unknown, string>> {
  const folders = new Map<unknown, string>();
  for (const file of compiledFiles('.entity.ts')) {
    const exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(exported)) if (typeof value === 'function') folders.set(value, folderOf(file));
  }
  return folders;
}

/** Nest module class -> folder, from every compiled *.module and *.repository file (a repository class ships with its module). */
async function moduleFolders(): Promise<Map<Type, string>> {
  const folders = new Map<Type, string>();
  for (const file of [...compiledFiles('.module.ts'), ...compiledFiles('.repository.ts')]) {
    const exported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(exported)) {
      if (typeof value === 'function' && Reflect.getMetadata('imports', value) !== undefined) folders.set(value as Type, folderOf(file));
    }
  }
  return folders;
}

/** The entity classes a module registers with TypeOrmModule.forFeature. */
function registeredEntities(module: Type): Type[] {
  const imports = (Reflect.getMetadata('imports', module) ?? []) as unknown[];
  return imports
    .filter((i): i is DynamicModule => typeof i === 'object' && i !== null && (i as DynamicModule).module === TypeOrmModule)
    .flatMap((i) => (i.providers ?? []) as { targetEntitySchema?: { target: Type } }[])
    .flatMap((p) => (p.targetEntitySchema ? [p.targetEntitySchema.target] : []));
}

/** Registrations of entities outside the module's own folder: "folder: Entity". */
function foreignRegistrations(modules: Map<Type, string>, entities: Map<unknown, string>): string[] {
  const found: string[] = [];
  for (const [module, folder] of modules) {
    for (const entity of registeredEntities(module)) {
      const home = entities.get(entity);
      assert.ok(home, `${module.name} registers ${entity.name}, which no *.entity file under server/src exports`);
      if (home !== folder) found.push(`${folder}: ${entity.name}`);
    }
  }
  return found.sort();
}

describe('architecture: domain walls', () => {
  it('dependency-cruiser finds no import across a wall', async () => {
    const violations = await cruiseWalls(rootDir, compiledFiles('.ts'));
    assert.equal(violations.length, 0, `walls broken:\n${describeViolations(violations)}`);
  });

  it("every entity a module registers with TypeOrmModule.forFeature lives in that module's folder", async () => {
    const found = foreignRegistrations(await moduleFolders(), await entityFolders());
    assert.deepEqual(found, [], "modules registering other domains' entities");
  });

  describe('each rule fails on a planted violation', () => {
    /** Writes a small compiled tree under <tmp>/server/dist, so the rules' paths apply to it. */
    function plant(files: Record<string, string>): { baseDir: string; paths: string[]; dispose(): void } {
      const baseDir = mkdtempSync(join(tmpdir(), 'acs-walls-'));
      const paths = Object.entries(files).map(([path, text]) => {
        const full = join(baseDir, 'server', 'dist', path);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
        return full;
      });
      return { baseDir, paths, dispose: () => rmSync(baseDir, { recursive: true, force: true }) };
    }

    it("no-foreign-tables: a service importing another domain's entity; entity files and own entities pass", async () => {
      const tree = plant({
        'people/person.entity.js':
          "import { ZoneEntity } from '../zones/zone.entity.js';\nexport class PersonEntity { zone = ZoneEntity; }\n",
        'people/people.service.js': "import { PersonEntity } from './person.entity.js';\nexport const own = PersonEntity;\n",
        'zones/zone.entity.js': 'export class ZoneEntity {}\n',
        'zones/zones.service.js': "import { PersonEntity } from '../people/person.entity.js';\nexport const reach = PersonEntity;\n",
      });
      try {
        const violations = await cruiseWalls(tree.baseDir, tree.paths);
        assert.deepEqual(
          violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`),
          ['no-foreign-tables: server/dist/zones/zones.service.js -> server/dist/people/person.entity.js'],
        );
      } finally {
        tree.dispose();
      }
    });

    it('infrastructure-knows-no-domain: common importing a domain', async () => {
      const tree = plant({
        'common/helper.js':
          "import { hash } from '../auth/hasher.js';\nimport { clock } from './clock.js';\nexport const h = [hash, clock];\n",
        'common/clock.js': 'export const clock = 1;\n',
        'auth/hasher.js': 'export const hash = 1;\n',
      });
      try {
        const violations = await cruiseWalls(tree.baseDir, tree.paths);
        assert.deepEqual(
          violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`),
          ['infrastructure-knows-no-domain: server/dist/common/helper.js -> server/dist/auth/hasher.js'],
        );
      } finally {
        tree.dispose();
      }
    });

    it("the forFeature check: a module registering another folder's entity", () => {
      class PersonEntity {}
      class ZoneEntity {}
      const storage = { tables: [{ target: PersonEntity }, { target: ZoneEntity }] };
      const forFeature = (entities: Type[]): DynamicModule => ({
        module: TypeOrmModule,
        providers: entities.map((e) => ({
          provide: `${e.name}Repository`,
          useValue: null,
          targetEntitySchema: storage.tables.find((t) => t.target === e),
        })),
      });
      class ZonesModule {}
      Reflect.defineMetadata('imports', [forFeature([ZoneEntity, PersonEntity])], ZonesModule);
      const found = foreignRegistrations(
        new Map<Type, string>([[ZonesModule, 'zones']]),
        new Map<unknown, string>([
          [PersonEntity, 'people'],
          [ZoneEntity, 'zones'],
        ]),
      );
      assert.deepEqual(found, ['zones: PersonEntity']);
    });
  });
});
