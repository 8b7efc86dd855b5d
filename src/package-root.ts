import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/**
 * Returns the folder that contains this package's `package.json`. Code runs from `src/` (tsx) or from
 * `dist/src/` (compiled), so data files are found from here, not from the module's own path.
 */
export function packageRoot(): string {
  cached ??= findPackageRoot(import.meta.url)
  return cached
}

/** Returns the nearest folder above the module at `fromUrl` that contains a `package.json`. */
export function findPackageRoot(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json found above ${fileURLToPath(fromUrl)}`)
    dir = parent
  }
  return dir
}

/** Returns the folder of bundled data, `fixtures/`. */
export function fixturesDir(): string {
  return join(packageRoot(), 'fixtures')
}
