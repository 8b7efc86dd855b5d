import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { sha256 } from '@noble/hashes/sha2.js'
import bs58 from 'bs58'

import { ByteReader } from '../../src/encoding/byte-reader.js'
import { BlockState } from '../../src/nano/block-state.js'
import type { ContractState } from '../../src/nano/contract-state.js'
import {
  containerInitKey,
  containerLengthKey,
  decodeContainerLength,
  decodeDequeMetadata,
  dequeItemKey,
  dequeMetadataKey,
  dequeStorageIndex,
  dictEntryKey,
  fieldKey,
  setMemberKey,
} from '../../src/nano/field-keys.js'
import { attributeTrieKey, balanceTrieKey, contractTrieKey, metadataTrieKey } from '../../src/nano/trie-keys.js'
import { CachedTrieNodeSource } from '../../src/nano/trie/trie-node-source.js'
import { openLevelSource, type LevelKeyValueSource } from '../../src/storage/level-source.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { buildFixtureDatabase, fromHex, hex, readChain, type Chain } from '../storage/fixture.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Encodes a str as the node encodes dict keys of type str: LEB128 length, then UTF-8. */
function encodedStr(text: string): Uint8Array {
  const bytes = utf8(text)
  return Uint8Array.from([bytes.length, ...bytes])
}

/** Encodes a TokenUid as the node does: 0x00 for HTR, else 0x01 and the 32-byte uid. */
function encodedTokenUid(tokenUid: Uint8Array): Uint8Array {
  return tokenUid.length === 1 && tokenUid[0] === 0 ? Uint8Array.of(0) : Uint8Array.from([1, ...tokenUid])
}

describe('field key layout', () => {
  test('keys join the prefix and suffix with a colon', () => {
    const prefix = fieldKey('scores')
    assert.equal(Buffer.from(containerInitKey(prefix)).toString(), 'scores:__init__')
    assert.equal(Buffer.from(containerLengthKey(prefix)).toString(), 'scores:__length__')
    assert.equal(Buffer.from(dequeMetadataKey(fieldKey('history'))).toString(), 'history:__metadata__')
    assert.deepEqual(dictEntryKey(prefix, encodedStr('bob')), Uint8Array.from([...utf8('scores:'), 3, ...utf8('bob')]))
    assert.deepEqual(setMemberKey(fieldKey('s'), Uint8Array.of(9, 8)), Uint8Array.of(0x73, 0x3a, 9, 8))
  })

  test('deque item keys use signed LEB128 indexes', () => {
    const prefix = fieldKey('h')
    assert.deepEqual(dequeItemKey(prefix, 0), Uint8Array.of(0x68, 0x3a, 0x00))
    assert.deepEqual(dequeItemKey(prefix, -1n), Uint8Array.of(0x68, 0x3a, 0x7f))
    assert.deepEqual(dequeItemKey(prefix, 64), Uint8Array.of(0x68, 0x3a, 0xc0, 0x00))
  })

  test('nested containers extend the entry key', () => {
    const entry = dictEntryKey(fieldKey('outer'), encodedStr('k'))
    assert.equal(Buffer.from(containerLengthKey(entry)).toString(), 'outer:\u0001k:__length__')
  })

  test('python indexes map to storage indexes', () => {
    const metadata = { firstIndex: -2n, length: 4n, reversed: false }
    assert.equal(dequeStorageIndex(metadata, 0), -2n)
    assert.equal(dequeStorageIndex(metadata, 3), 1n)
    assert.equal(dequeStorageIndex(metadata, -1), 1n)
    assert.equal(dequeStorageIndex(metadata, 4), undefined)
    assert.equal(dequeStorageIndex(metadata, -5), undefined)

    const reversed = { ...metadata, reversed: true }
    assert.equal(dequeStorageIndex(reversed, 0), 1n)
    assert.equal(dequeStorageIndex(reversed, -1), -2n)
  })

  test('deque metadata decodes', () => {
    assert.deepEqual(decodeDequeMetadata(Uint8Array.of(0x7e, 0x04, 0x01)), { firstIndex: -2n, length: 4n, reversed: true })
    assert.throws(() => decodeDequeMetadata(Uint8Array.of(0x00, 0x01, 0x02)), { code: 'NC_DECODE_FAILED' })
  })

  test('trie keys hash field and metadata keys', () => {
    assert.deepEqual(attributeTrieKey(utf8('small')), Uint8Array.from([0x00, ...sha256(utf8('small'))]))
    assert.deepEqual(metadataTrieKey(utf8('blueprint_id')), Uint8Array.from([0x02, ...sha256(utf8('blueprint_id'))]))
    assert.deepEqual(balanceTrieKey(Uint8Array.of(0)), Uint8Array.of(0x01, 0x00))
    assert.deepEqual(contractTrieKey(Uint8Array.of(0xaa)), Uint8Array.of(0x00, 0xaa))
  })
})

describe('container fields in the conformance dump', () => {
  let source: LevelKeyValueSource
  let nodes: CachedTrieNodeSource
  let remove: () => Promise<void>
  let chain: Chain

  before(async () => {
    const built = await buildFixtureDatabase()
    remove = built.remove
    source = await openLevelSource(built.dbPath)
    nodes = new CachedTrieNodeSource(new NodeStorage(source))
    chain = await readChain()
  })

  after(async () => {
    await source.close()
    await remove()
  })

  async function contractAt(name: string, height: number): Promise<ContractState> {
    const block = chain.blocks.find((item) => item.height === height)!
    const contract = await new BlockState(nodes, fromHex(block.nc_block_root_id!)).getContract(fromHex(chain.contracts[name]!))
    assert.ok(contract !== undefined, `${name} exists at height ${height}`)
    return contract
  }

  async function readLength(contract: ContractState, prefix: Uint8Array): Promise<bigint> {
    return decodeContainerLength((await contract.getAttribute(containerLengthKey(prefix)))!)
  }

  test('zoo dict, set and list right after creation', async () => {
    // TypeZoo.initialize(seed=42) sets scores = {'alice': 10, 'bob': -5}, members = {caller},
    // history = [seed] and by_address = {caller: 100}. The caller is chain.json's carol.
    const zoo = await contractAt('zoo', 10)

    const scores = fieldKey('scores')
    assert.deepEqual(await zoo.getAttribute(containerInitKey(scores)), Uint8Array.of(0x01))
    assert.equal(await readLength(zoo, scores), 2n)
    assert.deepEqual(await zoo.getAttribute(dictEntryKey(scores, encodedStr('alice'))), Uint8Array.of(10))
    assert.deepEqual(await zoo.getAttribute(dictEntryKey(scores, encodedStr('bob'))), Uint8Array.of(0x7b))
    assert.equal(await zoo.getAttribute(dictEntryKey(scores, encodedStr('carol'))), undefined)

    const carol = bs58.decode(chain.addresses.carol!).subarray(0, 25)
    const members = fieldKey('members')
    assert.equal(await readLength(zoo, members), 1n)
    assert.deepEqual(await zoo.getAttribute(setMemberKey(members, carol)), carol)

    const byAddress = fieldKey('by_address')
    assert.deepEqual(await zoo.getAttribute(dictEntryKey(byAddress, carol)), Uint8Array.of(100))

    const history = fieldKey('history')
    assert.deepEqual(await zoo.getAttribute(containerInitKey(history)), Uint8Array.of(0x01))
    const metadata = decodeDequeMetadata((await zoo.getAttribute(dequeMetadataKey(history)))!)
    assert.deepEqual(metadata, { firstIndex: 0n, length: 1n, reversed: false })
    const item = dequeItemKey(history, dequeStorageIndex(metadata, 0)!)
    assert.deepEqual(await zoo.getAttribute(item), Uint8Array.of(42))
    assert.deepEqual(zoo.getAttributeSync(item), Uint8Array.of(42))
  })

  test('pools dict entries equal its balances after the first pool', async () => {
    // add_pool(USD) at height 6 is the only deposit so far, so the reserves are the balances.
    const pools = await contractAt('pools', 6)
    const usd = fromHex(chain.tokens.USD!)
    const htrBalance = await pools.getBalance(Uint8Array.of(0))
    const usdBalance = await pools.getBalance(usd)

    const reserveHtr = (await pools.getAttribute(dictEntryKey(fieldKey('reserve_htr'), encodedTokenUid(usd))))!
    const reserveToken = (await pools.getAttribute(dictEntryKey(fieldKey('reserve_token'), encodedTokenUid(usd))))!
    assert.equal(new ByteReader(reserveHtr).readLeb128Unsigned(32), htrBalance.value)
    assert.equal(new ByteReader(reserveToken).readLeb128Unsigned(32), usdBalance.value)
    assert.ok(htrBalance.value > 0n)
    assert.equal(await readLength(pools, fieldKey('reserve_htr')), 1n)
  })

  test('pools token list keeps insertion order', async () => {
    const pools = await contractAt('pools', 12)
    const tokens = fieldKey('tokens')
    const metadata = decodeDequeMetadata((await pools.getAttribute(dequeMetadataKey(tokens)))!)
    assert.equal(metadata.length, 3n)

    const stored: string[] = []
    for (let index = 0n; index < metadata.length; index++) {
      const item = (await pools.getAttribute(dequeItemKey(tokens, dequeStorageIndex(metadata, index)!)))!
      stored.push(hex(item))
    }
    const expected = [chain.tokens.USD!, chain.tokens.TKA!, chain.tokens.TKB!].map((uid) => hex(encodedTokenUid(fromHex(uid))))
    assert.deepEqual(stored, expected)
  })
})
