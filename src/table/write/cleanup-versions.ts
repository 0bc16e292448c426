import { manifestPath, type Manifest } from "../../storage/manifest.js";
import type { TableStorage } from "../../storage/table-storage.js";
import type { RemovalStats } from "../table-types.js";

/**
 * Removes versions committed before `olderThan` (never the latest) and then the
 * data and deletion files that no remaining version references. Files no removed
 * version referenced either may belong to a write in progress, so they are only
 * removed when `deleteUnverified` is set.
 */
export async function cleanupVersions(
  storage: TableStorage,
  olderThan: Date,
  deleteUnverified: boolean,
): Promise<RemovalStats> {
  const latest = await storage.latestVersion();
  if (latest === undefined) return { bytesRemoved: 0, oldVersionsRemoved: 0 };
  const kept: Manifest[] = [];
  const removed: Manifest[] = [];
  for (const version of await storage.listVersions()) {
    const manifest = await storage.readManifest(version);
    if (!manifest) continue;
    if (version !== latest && manifest.timestamp < olderThan.getTime()) removed.push(manifest);
    else kept.push(manifest);
  }
  const keep = new Set(kept.flatMap(filesOf));
  const candidates = deleteUnverified
    ? [...(await listTableFiles(storage))]
    : removed.flatMap(filesOf);
  let bytesRemoved = 0;
  // Manifests go first: a version must never point at a file that is already gone.
  for (const manifest of removed) {
    const path = manifestPath(manifest.version);
    bytesRemoved += (await storage.store.size(`${storage.dir}/${path}`)) ?? 0;
    await storage.removeFiles([path]);
    storage.forgetVersion(manifest.version);
  }
  const indexFolders = new Set<string>();
  for (const file of new Set(candidates)) {
    if (keep.has(file)) continue;
    bytesRemoved += (await storage.store.size(`${storage.dir}/${file}`)) ?? 0;
    await storage.removeFiles([file]);
    if (file.startsWith("_indices/")) indexFolders.add(file.slice(0, file.lastIndexOf("/")));
  }
  // An index folder whose files are all gone goes too.
  for (const folder of indexFolders) {
    if ((await storage.store.list(`${storage.dir}/${folder}`)).length === 0) await storage.store.removeDir(`${storage.dir}/${folder}`);
  }
  return { bytesRemoved, oldVersionsRemoved: removed.length };
}

function filesOf(manifest: Manifest): string[] {
  return [
    ...manifest.fragments.flatMap((f) => (f.deletion ? [f.file, f.deletion.file] : [f.file])),
    ...manifest.indices.flatMap((index) => index.files),
  ];
}

async function listTableFiles(storage: TableStorage): Promise<string[]> {
  const files: string[] = [];
  for (const dir of ["data", "_deletions"]) {
    for (const name of await storage.store.list(`${storage.dir}/${dir}`)) files.push(`${dir}/${name}`);
  }
  // Index folders: _indices/<uuid>/<file>.
  for (const folder of await storage.store.list(`${storage.dir}/_indices`)) {
    for (const name of await storage.store.list(`${storage.dir}/_indices/${folder}`)) files.push(`_indices/${folder}/${name}`);
  }
  return files;
}
