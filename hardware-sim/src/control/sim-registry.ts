/**
 * Where running simulated agents announce their control servers, so `acs-sim` can
 * find the agent that has a door.
 *
 * Location: `<registryDir>/<agentId>.json`. An agent started with data folder
 * `<data>/<agentId>` uses `<data>/sim/` (the default below); `acs-sim --data-dir
 * <data>` reads the same folder. Files of processes that no longer run are ignored.
 */
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

export const simRegistryEntrySchema = z.object({
  agentId: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  pid: z.number().int().positive(),
  doors: z.array(z.string()),
  startedAt: z.number().int().nonnegative(),
});
export type SimRegistryEntry = z.infer<typeof simRegistryEntrySchema>;

/** The registry folder for an agent whose data folder is `agentDataDir`: its sibling `sim`. */
export function defaultRegistryDir(agentDataDir: string): string {
  return join(dirname(resolve(agentDataDir)), 'sim');
}

/** The registry folder `acs-sim --data-dir <dataDir>` reads. */
export function registryDirForDataDir(dataDir: string): string {
  return join(resolve(dataDir), 'sim');
}

export function registryFile(registryDir: string, agentId: string): string {
  return join(registryDir, `${agentId}.json`);
}

export async function writeRegistryEntry(registryDir: string, entry: SimRegistryEntry): Promise<string> {
  await mkdir(registryDir, { recursive: true });
  const file = registryFile(registryDir, entry.agentId);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(entry, null, 2)}\n`);
  await rename(tmp, file);
  return file;
}

/** Removes the entry if it still belongs to this process (a newer agent may have replaced it). */
export async function removeRegistryEntry(registryDir: string, agentId: string, pid = process.pid): Promise<void> {
  const file = registryFile(registryDir, agentId);
  try {
    const entry = simRegistryEntrySchema.parse(JSON.parse(await readFile(file, 'utf8')));
    if (entry.pid === pid) await unlink(file);
  } catch {
    // already gone or unreadable: nothing of ours to remove
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Entries of running processes, newest first. Unreadable files are skipped. */
export async function readRegistry(registryDir: string): Promise<SimRegistryEntry[]> {
  let names: string[];
  try {
    names = await readdir(registryDir);
  } catch {
    return [];
  }
  const entries: SimRegistryEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    try {
      const parsed = simRegistryEntrySchema.safeParse(JSON.parse(await readFile(join(registryDir, name), 'utf8')));
      if (parsed.success && processAlive(parsed.data.pid)) entries.push(parsed.data);
    } catch {
      // a file being replaced or not ours
    }
  }
  return entries.sort((a, b) => b.startedAt - a.startedAt);
}
