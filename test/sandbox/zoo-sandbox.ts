import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { findPackageRoot } from '../../src/package-root.js'
import { ViewCallExecutor, type ViewCallExecutorOptions } from '../../src/sandbox/view-call-executor.js'
import { loadDump } from '../../src/storage/load-dump.js'

const root = findPackageRoot(import.meta.url)
const corpusDir = path.join(root, 'fixtures', 'conformance')

/** Facts of the corpus chain that sandbox tests use. */
export const chain = JSON.parse(readFileSync(path.join(corpusDir, 'chain.json'), 'utf8')) as {
  blocks: Array<{ height: number; nc_block_root_id: string }>
  blueprints: Record<string, string>
  contracts: Record<string, string>
}

/** The corpus's TypeZoo contract and a block root at which it exists. */
export const zoo = chain.contracts.zoo!
export const zooBlockRootId = chain.blocks.find((block) => block.height === 10)!.nc_block_root_id

export interface ZooSandbox {
  executor: ViewCallExecutor
  /** The LevelDB copy of the corpus that the executor reads. */
  dbPath: string
  close(): Promise<void>
}

/**
 * Loads the corpus into a temporary LevelDB and starts an executor whose TypeZoo blueprint is the
 * test copy plus `extraViews`. A built-in blueprint file takes precedence over the on-chain
 * code, so the corpus's TypeZoo contract runs these views against its real storage.
 */
export async function startZooSandbox(extraViews: string, options: Omit<ViewCallExecutorOptions, 'dbPath' | 'builtinBlueprintsDir'>): Promise<ZooSandbox> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'nc-sandbox-zoo-'))
  const dbPath = path.join(workDir, 'db')
  await loadDump(path.join(corpusDir, 'node-dump.jsonl'), dbPath)

  const builtinDir = path.join(workDir, 'blueprints')
  mkdirSync(builtinDir)
  const zooSource = readFileSync(path.join(root, 'test', 'sandbox', 'blueprints', 'type_zoo.py'), 'utf8')
  writeFileSync(path.join(builtinDir, `${chain.blueprints.type_zoo!}.py`), zooSource + extraViews)

  const executor = new ViewCallExecutor({ ...options, dbPath, builtinBlueprintsDir: builtinDir })
  await executor.start()
  return {
    executor,
    dbPath,
    close: async () => {
      await executor.close()
      rmSync(workDir, { recursive: true, force: true })
    },
  }
}
