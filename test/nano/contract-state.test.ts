import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import bs58 from 'bs58'

import { DecodeError, StorageError } from '../../src/errors.js'
import { ByteReader } from '../../src/encoding/byte-reader.js'
import { encodeTrieNode, type TrieNode } from '../../src/encoding/trie-node.js'
import { BlockState } from '../../src/nano/block-state.js'
import type { Balance, ContractState } from '../../src/nano/contract-state.js'
import { CachedTrieNodeSource } from '../../src/nano/trie/trie-node-source.js'
import { addressTrieKey, balanceTrieKey, BLUEPRINT_ID_METADATA_KEY, contractTrieKey, metadataTrieKey, tokenTrieKey } from '../../src/nano/trie-keys.js'
import { encodeTrieKey } from '../../src/nano/trie/trie-key.js'
import { openLevelSource, openMemorySource, type LevelKeyValueSource } from '../../src/storage/level-source.js'
import { loadDumpInto } from '../../src/storage/load-dump.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { buildFixtureDatabase, fromHex, hex, readChain, readStateCases, type Chain, type StateCase } from '../storage/fixture.js'

/** Blueprint of each contract in chain.json, by the names chain.json gives them. */
const CONTRACT_BLUEPRINTS: Record<string, string> = {
  pools: 'price_pools',
  pools2: 'price_pools',
  zoo: 'type_zoo',
  ledger: 'savings_ledger',
  reader: 'price_reader',
}

const MAX_TIMESTAMP_BLOCKS = 100

interface RecordedBalance {
  value: string
  can_mint: boolean
  can_melt: boolean
}

function toRecorded(balance: Balance): RecordedBalance {
  return { value: balance.value.toString(), can_mint: balance.canMint, can_melt: balance.canMelt }
}

describe('block and contract state on the conformance dump', () => {
  let source: LevelKeyValueSource
  let storage: NodeStorage
  let nodes: CachedTrieNodeSource
  let remove: () => Promise<void>
  let chain: Chain
  let cases: StateCase[]

  before(async () => {
    const built = await buildFixtureDatabase()
    remove = built.remove
    source = await openLevelSource(built.dbPath)
    storage = new NodeStorage(source)
    nodes = new CachedTrieNodeSource(storage)
    chain = await readChain()
    cases = await readStateCases()
  })

  after(async () => {
    await source.close()
    await remove()
  })

  async function blockStateAtHeight(height: number): Promise<BlockState> {
    const block = chain.blocks.find((item) => item.height === height)!
    return new BlockState(nodes, fromHex(block.nc_block_root_id!))
  }

  /** Selects the block of a case by the node's rules, or returns undefined when no non-voided block is selected. */
  async function selectBlock(item: StateCase): Promise<Uint8Array | undefined> {
    const { block_height: height, block_hash: hash, timestamp } = item.query
    let candidates: Uint8Array[]
    if (typeof height === 'number') {
      const entry = await storage.getBlockAtHeight(height)
      candidates = entry === undefined ? [] : [entry.hash]
    } else if (typeof timestamp === 'number') {
      candidates = await storage.getBlocksAtOrBefore(timestamp, MAX_TIMESTAMP_BLOCKS)
    } else if (typeof hash === 'string' && hash !== '') {
      candidates = [fromHex(hash)]
    } else {
      candidates = [(await storage.getTip()).hash]
    }

    for (const candidate of candidates) {
      const metadata = await storage.getMetadata(candidate)
      if (metadata !== undefined && metadata.voided_by.length === 0) return candidate
    }
    return undefined
  }

  async function contractForCase(item: StateCase): Promise<ContractState | undefined> {
    const blockHash = await selectBlock(item)
    assert.ok(blockHash !== undefined, `case ${item.name} selects a block`)
    const metadata = await storage.requireMetadata(blockHash)
    if (metadata.nc_block_root_id === null) return undefined
    return new BlockState(nodes, fromHex(metadata.nc_block_root_id)).getContract(fromHex(item.query.id as string))
  }

  const answered = (item: StateCase): boolean => item.status === 200 && item.check === 'exact' && item.response.success === true
  const contractMissing = (item: StateCase): boolean => item.status === 404 && String(item.response.error).startsWith('Nano contract does not exist')

  test('contract existence and blueprint ids match the cases', async () => {
    let existing = 0
    let missing = 0
    for (const item of cases) {
      if (!answered(item) && !contractMissing(item)) continue

      const contract = await contractForCase(item)
      if (contractMissing(item)) {
        assert.equal(contract, undefined, `${item.name}: contract does not exist`)
        missing += 1
        continue
      }
      assert.ok(contract !== undefined, `${item.name}: contract exists`)
      assert.equal(hex(await contract.getBlueprintId()), item.response.blueprint_id, `${item.name}: blueprint id`)
      assert.equal(hex(contract.getBlueprintIdSync()), item.response.blueprint_id, `${item.name}: sync blueprint id`)
      existing += 1
    }
    assert.ok(existing > 100, `${existing} cases with a contract`)
    assert.ok(missing > 20, `${missing} cases without one`)
  })

  test('blueprint id of each contract equals chain.json', async () => {
    const tip = await blockStateAtHeight(chain.tip_height)
    for (const [name, contractId] of Object.entries(chain.contracts)) {
      const contract = await tip.getContract(fromHex(contractId))
      assert.ok(contract !== undefined, `${name} exists at the tip`)
      assert.equal(hex(await contract.getBlueprintId()), chain.blueprints[CONTRACT_BLUEPRINTS[name]!], `${name} blueprint`)
    }
  })

  test('contract root ids agree async and sync', async () => {
    for (const height of [0, 5, 10, 50, 150, chain.tip_height]) {
      const block = chain.blocks.find((item) => item.height === height)!
      if (!block.nc_block_root_id) continue
      const blockState = new BlockState(nodes, fromHex(block.nc_block_root_id))
      for (const contractId of Object.values(chain.contracts)) {
        const asyncRoot = await blockState.getContractRootId(fromHex(contractId))
        const syncRoot = blockState.getContractRootIdSync(fromHex(contractId))
        assert.deepEqual(syncRoot, asyncRoot, `root of ${contractId} at height ${height}`)
        assert.equal(await blockState.hasContract(fromHex(contractId)), asyncRoot !== undefined)
      }
    }
  })

  test('balances and __all__ order match the cases', async () => {
    let checked = 0
    let allChecked = 0
    for (const item of cases) {
      const requested = item.query['balances[]']
      if (!answered(item) || !Array.isArray(requested)) continue
      const contract = await contractForCase(item)
      assert.ok(contract !== undefined, `${item.name}: contract exists`)

      // Render as the endpoint does: requested tokens in order, then every stored balance
      // for __all__, which ends the list. Map keeps the first insertion position, as a dict does.
      const rendered = new Map<string, RecordedBalance | { errmsg: string }>()
      for (const token of requested) {
        if (token === '__all__') {
          const all = await contract.getAllBalances()
          assert.deepEqual(contract.getAllBalancesSync(), all, `${item.name}: sync __all__`)
          for (const entry of all) rendered.set(hex(entry.tokenUid), toRecorded(entry.balance))
          allChecked += 1
          break
        }
        if (!/^([0-9a-f]{2})*$/i.test(token)) {
          rendered.set(token, { errmsg: 'invalid token id' })
          continue
        }
        const balance = await contract.getBalance(fromHex(token))
        assert.deepEqual(contract.getBalanceSync(fromHex(token)), balance, `${item.name}: sync balance of ${token}`)
        rendered.set(token, toRecorded(balance))
      }

      const recorded = item.response.balances as Record<string, unknown>
      assert.deepEqual([...rendered.keys()], Object.keys(recorded), `${item.name}: balance order`)
      assert.deepEqual(Object.fromEntries(rendered), recorded, `${item.name}: balances`)
      checked += 1
    }
    assert.ok(checked > 100, `${checked} cases checked`)
    assert.ok(allChecked > 50, `${allChecked} cases with __all__`)
  })

  test('some balance holds an authority', async () => {
    const flags: boolean[] = []
    const tip = await blockStateAtHeight(chain.tip_height)
    for (const contractId of Object.values(chain.contracts)) {
      const contract = await tip.getContract(fromHex(contractId))
      for (const entry of await contract!.getAllBalances()) flags.push(entry.balance.canMint, entry.balance.canMelt)
    }
    assert.ok(flags.includes(true), 'the corpus grants a mint or melt authority')
  })

  test('stored fields are present and unknown ones absent', async () => {
    let checked = 0
    for (const item of cases) {
      if (!answered(item)) continue
      const fields = item.response.fields as Record<string, { value?: unknown; errmsg?: string }> | undefined
      if (fields === undefined || Object.keys(fields).length === 0) continue
      const contract = await contractForCase(item)

      for (const [name, result] of Object.entries(fields)) {
        if ('value' in result) {
          assert.ok((await contract!.getAttribute(name)) !== undefined, `${item.name}: field ${name} is stored`)
          assert.equal(contract!.hasAttributeSync(name), true)
          checked += 1
        } else if (result.errmsg === 'field not found') {
          assert.equal(await contract!.getAttribute(name), undefined, `${item.name}: field ${name} is absent`)
          assert.equal(contract!.getAttributeSync(name), undefined)
          checked += 1
        }
      }
    }
    assert.ok(checked > 500, `${checked} fields checked`)
  })

  test('a deleted field keeps its deletion marker', async () => {
    const zoo = (await (await blockStateAtHeight(34)).getContract(fromHex(chain.contracts.zoo!)))!
    assert.deepEqual(await zoo.getAttributeContent('scratch'), Uint8Array.of(0x00))
    assert.equal(await zoo.getAttribute('scratch'), undefined)
    assert.equal(await zoo.hasAttribute('scratch'), false)

    const before = (await (await blockStateAtHeight(32)).getContract(fromHex(chain.contracts.zoo!)))!
    // scratch = 1: presence byte 0x01, then 1 as signed LEB128.
    assert.deepEqual(await before.getAttributeContent('scratch'), Uint8Array.of(0x01, 0x01))
    assert.deepEqual(await before.getAttribute('scratch'), Uint8Array.of(0x01))
  })

  test('field values come without the presence byte', async () => {
    const zoo = (await (await blockStateAtHeight(10)).getContract(fromHex(chain.contracts.zoo!)))!
    assert.deepEqual(await zoo.getAttribute('small'), Uint8Array.of(42))
    assert.deepEqual(zoo.getAttributeSync(new TextEncoder().encode('small')), Uint8Array.of(42))

    const text = new ByteReader((await zoo.getAttribute('text'))!).readLengthPrefixedString()
    assert.equal(text, 'olá, nano ☃')
  })

  test('blueprint id metadata reads as bytes', async () => {
    const zoo = (await (await blockStateAtHeight(10)).getContract(fromHex(chain.contracts.zoo!)))!
    assert.equal(hex((await zoo.getMetadata('blueprint_id'))!), chain.blueprints.type_zoo)
    assert.equal(hex(zoo.getMetadataSync(BLUEPRINT_ID_METADATA_KEY)!), chain.blueprints.type_zoo)
    assert.equal(await zoo.getMetadata('no_such_metadata'), undefined)
  })

  test('absent token has zero balance', async () => {
    const pools = (await (await blockStateAtHeight(6)).getContract(fromHex(chain.contracts.pools!)))!
    assert.deepEqual(await pools.getBalance(new Uint8Array(32).fill(0x42)), { value: 0n, canMint: false, canMelt: false })
    assert.deepEqual(await pools.getBalance(new Uint8Array(0)), { value: 0n, canMint: false, canMelt: false })
  })

  test('corpus blocks hold no token or address seqnum', async () => {
    const tip = await blockStateAtHeight(chain.tip_height)
    const token = new Uint8Array(32).fill(0x42)
    const address = bs58.decode(chain.addresses.alice!).subarray(0, 25)
    assert.equal(await tip.getToken(token), undefined)
    assert.equal(tip.getTokenSync(token), undefined)
    assert.equal(await tip.getAddressSeqnum(address), -1n)
    assert.equal(tip.getAddressSeqnumSync(address), -1n)
  })

  test('contracts created later do not exist at earlier blocks', async () => {
    const early = await blockStateAtHeight(5)
    assert.ok(await early.hasContract(fromHex(chain.contracts.pools!)))
    assert.equal(await early.getContract(fromHex(chain.contracts.zoo!)), undefined)
    assert.equal(early.getContractSync(fromHex(chain.contracts.zoo!)), undefined)
  })
})

/**
 * Builds a trie whose root has one leaf per entry, each under an edge that is its whole key.
 * hathorlib would split shared prefixes, but the walk reads this layout the same way.
 */
function flatTrie(entries: Array<[Uint8Array, Uint8Array]>, idByte: number): TrieNode[] {
  const encode = (bytes: Uint8Array) => new TextEncoder().encode(encodeTrieKey(bytes))
  const leaves: TrieNode[] = entries.map(([key, content], index) => ({
    key: encode(key), length: encode(key).length, content, children: new Map(), id: new Uint8Array(32).fill(idByte + 1 + index),
  }))
  const root: TrieNode = {
    key: new Uint8Array(0), length: 0, content: null,
    children: new Map(leaves.map((leaf) => [hex(leaf.key), leaf.id])), id: new Uint8Array(32).fill(idByte),
  }
  return [root, ...leaves]
}

/** Builds a block state over a block trie of `blockEntries` plus one contract whose trie contains `contractEntries`. */
async function blockWithContract(contractEntries: Array<[Uint8Array, Uint8Array]>, blockEntries: Array<[Uint8Array, Uint8Array]> = []) {
  const contractId = new Uint8Array(32).fill(0xc1)
  const contractTrie = flatTrie(contractEntries, 0x10)
  const blockTrie = flatTrie([[contractTrieKey(contractId), contractTrie[0]!.id], ...blockEntries], 0x80)

  const { database, source } = await openMemorySource()
  const all = [...contractTrie, ...blockTrie]
  await loadDumpInto(database, all.map((node) => JSON.stringify({ cf: 'nc-state', key: hex(node.id), value: hex(encodeTrieNode(node)) })))
  const blockState = new BlockState(new CachedTrieNodeSource(new NodeStorage(source)), blockTrie[0]!.id)
  return { blockState, contract: (await blockState.getContract(contractId))!, close: async () => source.close() }
}

describe('block and contract state on built tries', () => {
  test('token description decodes', async () => {
    const token = new Uint8Array(32).fill(0x5a)
    const name = new TextEncoder().encode('Gold ☃')
    const description = Uint8Array.from([32, ...token, name.length, ...name, 3, ...new TextEncoder().encode('GLD'), 1])
    const { blockState, close } = await blockWithContract([], [[tokenTrieKey(token), description]])
    const expected = { tokenUid: token, name: 'Gold ☃', symbol: 'GLD', version: 1 }
    assert.deepEqual(await blockState.getToken(token), expected)
    assert.deepEqual(blockState.getTokenSync(token), expected)
    await close()
  })

  test('invalid token version is a decode error', async () => {
    const token = new Uint8Array(32).fill(0x5a)
    const description = Uint8Array.from([32, ...token, 1, 0x41, 1, 0x41, 7])
    const { blockState, close } = await blockWithContract([], [[tokenTrieKey(token), description]])
    await assert.rejects(blockState.getToken(token), { code: 'NC_DECODE_FAILED' })
    await close()
  })

  test('address seqnum decodes', async () => {
    const address = new Uint8Array(25).fill(0x28)
    const { blockState, close } = await blockWithContract([], [[addressTrieKey(address), Uint8Array.of(0xac, 0x02)]])
    assert.equal(await blockState.getAddressSeqnum(address), 300n)
    assert.equal(blockState.getAddressSeqnumSync(address), 300n)
    await close()
  })
})

describe('contract state faults', () => {
  test('missing blueprint id is a storage fault', async () => {
    const { contract, close } = await blockWithContract([])
    await assert.rejects(contract.getBlueprintId(), (error: unknown) => {
      assert.ok(error instanceof StorageError)
      assert.equal(error.code, 'NC_STORAGE_KEY_MISSING')
      assert.match(error.message, /blueprint_id/)
      return true
    })
    assert.deepEqual(await contract.getAllBalances(), [])
    await close()
  })

  test('undecodable balance names the token', async () => {
    const token = new Uint8Array(32).fill(0xab)
    const { contract, close } = await blockWithContract([
      [balanceTrieKey(token), Uint8Array.of(0x01, 0x05, 0x07)],
      [metadataTrieKey(BLUEPRINT_ID_METADATA_KEY), Uint8Array.of(0x01, 0x01, 0xee)],
    ])
    await assert.rejects(contract.getBalance(token), (error: unknown) => {
      assert.ok(error instanceof DecodeError)
      assert.match(error.message, new RegExp(hex(token)))
      return true
    })
    assert.deepEqual(await contract.getBlueprintId(), Uint8Array.of(0xee))
    await close()
  })

  test('deleted balance reads as zero but breaks __all__', async () => {
    const token = new Uint8Array(32).fill(0xab)
    const { contract, close } = await blockWithContract([[balanceTrieKey(token), Uint8Array.of(0x00)]])
    assert.deepEqual(await contract.getBalance(token), { value: 0n, canMint: false, canMelt: false })
    await assert.rejects(contract.getAllBalances(), { code: 'NC_STORAGE_INVALID' })
    await close()
  })

  test('invalid presence byte is a decode error', async () => {
    const token = new Uint8Array(32).fill(0xab)
    const { contract, close } = await blockWithContract([[balanceTrieKey(token), Uint8Array.of(0x07, 0x01, 0x00, 0x00)]])
    await assert.rejects(contract.getBalance(token), { code: 'NC_DECODE_FAILED' })
    await close()
  })

  test('negative balance and authorities decode', async () => {
    const token = new Uint8Array(32).fill(0xab)
    const { contract, close } = await blockWithContract([[balanceTrieKey(token), Uint8Array.of(0x01, 0x7b, 0x01, 0x00)]])
    assert.deepEqual(await contract.getBalance(token), { value: -5n, canMint: true, canMelt: false })
    assert.deepEqual(await contract.getAllBalances(), [{ tokenUid: token, balance: { value: -5n, canMint: true, canMelt: false } }])
    await close()
  })
})
