import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { before, describe, test } from 'node:test'

import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { BlockState, CachedTrieNodeSource, collectDepthFirst, nodeKey, runWalk, type TrieNodeSource } from '../../src/nano/index.js'
import { findPackageRoot } from '../../src/package-root.js'
import { diffTries, TrieKeySet, type TrieChange } from '../../src/sandbox/trie-diff.js'
import { openMemorySource } from '../../src/storage/level-source.js'
import { loadDumpInto } from '../../src/storage/load-dump.js'
import { NodeStorage } from '../../src/storage/node-storage.js'

const corpusDir = path.join(findPackageRoot(import.meta.url), 'fixtures', 'conformance')
const chain = JSON.parse(readFileSync(path.join(corpusDir, 'chain.json'), 'utf8')) as {
  blocks: Array<{ height: number; nc_block_root_id: string | null }>
  contracts: Record<string, string>
}

let nodes: TrieNodeSource
let blockRoots: Uint8Array[]

before(async () => {
  const { database, source } = await openMemorySource()
  await loadDumpInto(database, readFileSync(path.join(corpusDir, 'node-dump.jsonl'), 'utf8').split('\n'))
  nodes = new CachedTrieNodeSource(new NodeStorage(source))
  blockRoots = distinct(chain.blocks.flatMap((block) => (block.nc_block_root_id === null ? [] : [hexToBytes(block.nc_block_root_id)])))
})

function distinct(roots: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>()
  return roots.filter((root) => {
    const key = bytesToHex(root)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Reads every key with content in a trie, node by node. */
async function allContents(rootId: Uint8Array): Promise<Map<string, string>> {
  const root = await nodes.get(rootId)
  const contents = new Map<string, string>()
  for (const node of await runWalk(nodes, collectDepthFirst(root))) {
    if (node.content !== null) contents.set(nodeKey(node), bytesToHex(node.content))
  }
  return contents
}

/** Lists the changes from `fromRootId` to `toRootId` by comparing both tries whole. */
async function expectedChanges(fromRootId: Uint8Array, toRootId: Uint8Array): Promise<string[]> {
  const before = await allContents(fromRootId)
  const after = await allContents(toRootId)
  const changes: string[] = []
  for (const [key, content] of after) {
    if (before.get(key) !== content) changes.push(`${key}=${content}`)
  }
  for (const key of before.keys()) {
    if (!after.has(key)) changes.push(`${key}-`)
  }
  return changes.sort()
}

function describeChanges(changes: TrieChange[]): string[] {
  return changes.map(({ key, content }) => (content === null ? `${key}-` : `${key}=${bytesToHex(content)}`)).sort()
}

async function assertDiff(fromRootId: Uint8Array, toRootId: Uint8Array): Promise<void> {
  const changes = await runWalk(nodes, diffTries(fromRootId, toRootId, 1_000_000))
  assert.ok(changes !== undefined, 'diff gave up under a budget of a million nodes')
  assert.deepEqual(describeChanges(changes), await expectedChanges(fromRootId, toRootId),
    `diff from ${bytesToHex(fromRootId)} to ${bytesToHex(toRootId)}`)
}

describe('trie diff', () => {
  test('block roots of consecutive blocks', async () => {
    assert.ok(blockRoots.length > 50, `only ${blockRoots.length} distinct block roots`)
    for (let i = 1; i < blockRoots.length; i++) await assertDiff(blockRoots[i - 1]!, blockRoots[i]!)
  })

  test('block roots far apart, both ways', async () => {
    for (let i = 0; i + 37 < blockRoots.length; i += 11) {
      await assertDiff(blockRoots[i]!, blockRoots[i + 37]!)
      await assertDiff(blockRoots[i + 37]!, blockRoots[i]!)
    }
    await assertDiff(blockRoots[0]!, blockRoots[blockRoots.length - 1]!)
  })

  test('contract roots of every contract', async () => {
    for (const contractIdHex of Object.values(chain.contracts)) {
      const contractId = hexToBytes(contractIdHex)
      const roots: Uint8Array[] = []
      for (const blockRoot of blockRoots) {
        const root = await new BlockState(nodes, blockRoot).getContractRootId(contractId)
        if (root !== undefined) roots.push(root)
      }
      const contractRoots = distinct(roots)
      assert.ok(contractRoots.length > 1, `contract ${contractIdHex} has ${contractRoots.length} roots`)
      for (let i = 1; i < contractRoots.length; i++) await assertDiff(contractRoots[i - 1]!, contractRoots[i]!)
      await assertDiff(contractRoots[contractRoots.length - 1]!, contractRoots[0]!)
    }
  })

  test('narrowed to some keys', async () => {
    for (let i = 0; i + 5 < blockRoots.length; i += 9) {
      const fromRootId = blockRoots[i]!
      const toRootId = blockRoots[i + 5]!
      const full = describeChanges((await runWalk(nodes, diffTries(fromRootId, toRootId, 1_000_000)))!)

      // Every third key of either trie, so that some changed keys are in the set and some are not.
      const keys = new TrieKeySet()
      const candidates = [...new Set([...(await allContents(fromRootId)).keys(), ...(await allContents(toRootId)).keys()])].sort()
      candidates.filter((_, index) => index % 3 === 0).forEach((key) => keys.add(key))

      let nodesRead = 0
      const countingNodes: TrieNodeSource = { get: async (id) => { nodesRead += 1; return nodes.get(id) } }
      const narrowed = describeChanges((await runWalk(countingNodes, diffTries(fromRootId, toRootId, 1_000_000, keys)))!)
      const inSet = (change: string) => keys.has(change.replace(/[=-].*$/, ''))
      assert.deepEqual(narrowed.filter(inSet), full.filter(inSet), `changes of the chosen keys from block root ${i} to ${i + 5}`)

      let fullRead = 0
      const countingAll: TrieNodeSource = { get: async (id) => { fullRead += 1; return nodes.get(id) } }
      await runWalk(countingAll, diffTries(fromRootId, toRootId, 1_000_000))
      assert.ok(nodesRead <= fullRead, `narrowed diff read ${nodesRead} nodes, the full one ${fullRead}`)
    }
  })

  test('narrowed to no key', async () => {
    let nodesRead = 0
    const counting: TrieNodeSource = { get: async (id) => { nodesRead += 1; return nodes.get(id) } }
    assert.deepEqual(await runWalk(counting, diffTries(blockRoots[0]!, blockRoots[blockRoots.length - 1]!, 1_000_000, new TrieKeySet())), [])
    assert.equal(nodesRead, 2)
  })

  test('key set prefix lookups', () => {
    const keys = new TrieKeySet()
    for (const key of ['00ab', '00ac', '0100', '02ff']) keys.add(key)
    keys.add('00ab')
    assert.equal(keys.size, 4)
    assert.ok(keys.has('00ac'))
    assert.ok(!keys.has('00a'))
    assert.ok(keys.hasKeyStartingWith(''))
    assert.ok(keys.hasKeyStartingWith('00a'))
    assert.ok(keys.hasKeyStartingWith('0100'))
    assert.ok(!keys.hasKeyStartingWith('00b'))
    assert.ok(!keys.hasKeyStartingWith('03'))
    assert.ok(!keys.hasKeyStartingWith('02ff0'))
  })

  test('equal roots read no node', async () => {
    const counting: TrieNodeSource = { get: async (id) => { throw new Error(`read node ${bytesToHex(id)}`) } }
    assert.deepEqual(await runWalk(counting, diffTries(blockRoots[3]!, blockRoots[3]!, 0)), [])
  })

  test('gives up past the node budget', async () => {
    assert.equal(await runWalk(nodes, diffTries(blockRoots[0]!, blockRoots[blockRoots.length - 1]!, 3)), undefined)
  })
})
