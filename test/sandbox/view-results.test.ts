import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import { bytesToHex, hexToBytes } from '../../src/encoding/hex.js'
import { BlockState, CachedTrieNodeSource } from '../../src/nano/index.js'
import type { ViewCallExecutor } from '../../src/sandbox/view-call-executor.js'
import { openLevelSource } from '../../src/storage/level-source.js'
import { NodeStorage } from '../../src/storage/node-storage.js'
import { chain, startZooSandbox, zoo, zooBlockRootId, type ZooSandbox } from './zoo-sandbox.js'

// Views whose results test the return checks and the way results cross from Python to JavaScript.
// Blueprint source cannot contain two underscores in a row, so `__proto__` is built at run time.
const RESULT_VIEWS = `
    @view
    def huge_integer(self) -> int:
        return 2 ** 200 + 7

    @view
    def smallest_encodable(self) -> int:
        return -(2 ** 223)

    @view
    def past_encodable(self) -> int:
        return -(2 ** 223) - 1

    @view
    def amount_too_large(self) -> Amount:
        return Amount(2 ** 224)

    @view
    def text_for_int(self) -> int:
        return 'seven'

    @view
    def text_with_nul(self) -> str:
        return chr(0) + '123'

    class Text(str):
        pass

    @view
    def subclass_text_with_nul(self) -> str:
        return self.Text(chr(0) + '5')

    @view
    def text_too_long(self) -> str:
        return 'x' * 70000

    @view
    def proto_key(self) -> dict[str, int]:
        return {'_' + '_proto' + '_' + '_': 5, 'next': 6}

    @view
    def names_by_rank(self) -> dict[int, str]:
        return {3: 'c', 1: 'a', 20: 'b'}

    @view
    def short_pair(self) -> tuple[int, int]:
        return (1,)

    @view
    def int_members(self) -> set[int]:
        return {3, 1, 2}

    @view
    def nested_lists(self) -> dict[str, list[int]]:
        return {'a': [1, 2 ** 60], 'b': []}

    @view
    def token_prices(self) -> dict[TokenUid, int]:
        return {self.htr: 2 ** 60, self.token: -(2 ** 53), TokenUid(bytes(self.contract)): 2 ** 53 - 1}

    @view
    def contract_amounts(self) -> dict[ContractId, Amount]:
        return {self.contract: Amount(2 ** 62), ContractId(b'\x33' * 32): Amount(0)}

    @view
    def flag_prices(self) -> dict[TokenUid, int]:
        return {self.token: True, self.htr: False}

    @view
    def short_token_key(self) -> dict[TokenUid, int]:
        return {self.token: 1, b'\x01\x02': 2}

    @view
    def negative_amount(self) -> dict[ContractId, Amount]:
        return {self.contract: -1}

    @view
    def text_price(self) -> dict[TokenUid, int]:
        return {self.token: 'one'}

    @view
    def amount_past_encodable(self) -> dict[TokenUid, int]:
        return {self.token: -(2 ** 223) - 1}

    class Id(bytes):
        def hex(self, *args):
            return 'not hex'

    class Count(int):
        pass

    @view
    def subclass_items(self) -> dict[TokenUid, int]:
        return {self.Id(bytes(self.token)): self.Count(5)}

    @view
    def address_amounts(self) -> dict[Address, Amount]:
        return {self.who: Amount(2 ** 60)}

    @view
    def amounts_by_address_class(self) -> list[int]:
        return [self.by_address[self.who], self.by_address[bytes(self.who)], self.by_address.get(self.who, 0)]

    @view
    def mutate_then_read(self) -> str:
        first = self.signed
        first.data = first.data + '!'
        return self.signed.data

    @view
    def signed_text(self) -> str:
        return self.signed.data

    @view
    def write_then_read(self) -> int:
        self.by_address[self.who] = Amount(5)
        return self.by_address[self.who]
`

let sandbox: ZooSandbox
let executor: ViewCallExecutor
let dbPath: string
const blockRootId = zooBlockRootId

before(async () => {
  sandbox = await startZooSandbox(RESULT_VIEWS, { workers: 1, timeoutMs: 3000 })
  executor = sandbox.executor
  dbPath = sandbox.dbPath
})

after(async () => {
  await sandbox?.close()
})

async function callZoo(call: string): Promise<unknown> {
  const results = await executor.call({ blockRootId, contractId: zoo, calls: [call] })
  return results[call]
}

describe('view results', () => {
  test('integers past 2**53 keep every digit', async () => {
    assert.deepEqual(await callZoo('huge_integer()'), { value: 2n ** 200n + 7n })
    assert.deepEqual(await callZoo('smallest_encodable()'), { value: -(2n ** 223n) })
  })

  test('integer the encoding rejects', async () => {
    assert.deepEqual(await callZoo('past_encodable()'), { errmsg: 'NCFail()' })
    assert.deepEqual(await callZoo('amount_too_large()'), { errmsg: 'NCFail()' })
  })

  test('wrong return type fails', async () => {
    assert.deepEqual(await callZoo('text_for_int()'), { errmsg: 'NCFail()' })
    assert.deepEqual(await callZoo('short_pair()'), { errmsg: 'NCFail()' })
  })

  test('text too long to encode', async () => {
    assert.deepEqual(await callZoo('text_too_long()'), { errmsg: 'NCSerializationError()' })
  })

  test('text starting with NUL stays text', async () => {
    assert.deepEqual(await callZoo('text_with_nul()'), { value: '\u0000123' })
    assert.deepEqual(await callZoo('subclass_text_with_nul()'), { value: '\u00005' })
  })

  test('__proto__ key is a plain member', async () => {
    const result = await callZoo('proto_key()') as { value: Record<string, unknown> }
    assert.deepEqual(Object.keys(result.value), ['__proto__', 'next'])
    assert.equal(Object.getOwnPropertyDescriptor(result.value, '__proto__')?.value, 5n)
    assert.equal(Object.getPrototypeOf(result.value), Object.prototype)
  })

  test('JSON text keeps key order and digits', async () => {
    const calls = ['names_by_rank()', 'huge_integer()', 'text_with_nul()', 'past_encodable()']
    const texts = await executor.callJson({ blockRootId, contractId: zoo, calls })

    assert.deepEqual(texts, {
      'names_by_rank()': '{"value":{"3":"c","1":"a","20":"b"}}',
      'huge_integer()': `{"value":${2n ** 200n + 7n}}`,
      'text_with_nul()': '{"value":"\\u0000123"}',
      'past_encodable()': '{"errmsg":"NCFail()"}',
    })
  })

  test('sets and nested containers', async () => {
    assert.deepEqual(await callZoo('int_members()'), { value: [1n, 2n, 3n] })
    assert.deepEqual(await callZoo('nested_lists()'), { value: { a: [1n, 2n ** 60n], b: [] } })
  })

  test('dict of ids to integers', async () => {
    const token = '11'.repeat(32)
    assert.deepEqual(await callZoo('token_prices()'), { value: { '00': 2n ** 60n, [token]: -(2n ** 53n), [zoo]: 2n ** 53n - 1n } })
    assert.deepEqual(await callZoo('contract_amounts()'), { value: { [zoo]: 2n ** 62n, ['33'.repeat(32)]: 0n } })
    assert.deepEqual(await callZoo('flag_prices()'), { value: { [token]: 1n, '00': 0n } })
    assert.deepEqual(await callZoo('subclass_items()'), { value: { [token]: 5n } })
  })

  test('dict of ids to integers rejects bad items', async () => {
    assert.deepEqual(await callZoo('short_token_key()'), { errmsg: 'NCFail()' })
    assert.deepEqual(await callZoo('negative_amount()'), { errmsg: 'NCFail()' })
    assert.deepEqual(await callZoo('text_price()'), { errmsg: 'NCFail()' })
    assert.deepEqual(await callZoo('amount_past_encodable()'), { errmsg: 'NCFail()' })
  })

  test('dict keyed by address', async () => {
    const who = await callZoo('get_who()') as { value: string }
    assert.deepEqual(await callZoo('address_amounts()'), { value: { [who.value]: 2n ** 60n } })
  })

  test('dict entry read with keys of two classes', async () => {
    const results = await callZoo('amounts_by_address_class()') as { value: bigint[] }
    assert.equal(results.value.length, 3)
    assert.equal(results.value[1], results.value[0])
    assert.equal(results.value[2], results.value[0])
  })

  test('value changed in place stays in its call', async () => {
    const calls = ['mutate_then_read()', 'signed_text()', 'mutate_then_read()']
    const results = await executor.call({ blockRootId, contractId: zoo, calls })
    assert.deepEqual(results['mutate_then_read()'], { value: 'signed text!' })
    assert.deepEqual(results['signed_text()'], { value: 'signed text' })
  })

  test('view writing a dict entry fails', async () => {
    assert.deepEqual(await callZoo('write_then_read()'), { errmsg: 'NCViewMethodError(\'view methods cannot change the state\')' })
  })

  test('contract root given by the caller', async () => {
    const source = await openLevelSource(dbPath)
    const nodes = new CachedTrieNodeSource(new NodeStorage(source))
    const calls = ['get_small()', 'get_text()', 'get_history()']
    const blocks = chain.blocks.filter((b) => b.nc_block_root_id !== null && b.height >= 10)
    const last = blocks[blocks.length - 1]!
    try {
      const rootAt = async (blockRootId: string) => bytesToHex((await new BlockState(nodes, hexToBytes(blockRootId)).getContractRootId(hexToBytes(zoo)))!)
      for (const block of blocks.filter((b) => b.height % 7 === 0)) {
        const given = await executor.call({ blockRootId: block.nc_block_root_id, contractId: zoo, contractRootId: await rootAt(block.nc_block_root_id), calls })
        const looked = await executor.call({ blockRootId: block.nc_block_root_id, contractId: zoo, calls })
        assert.deepEqual(given, looked, `results at height ${block.height}`)
      }

      // The given root is the one read: the last block's root under the first block's root id.
      const first = blocks[0]!
      const lastRoot = await rootAt(last.nc_block_root_id)
      assert.notEqual(await rootAt(first.nc_block_root_id), lastRoot)
      const mixed = await executor.call({ blockRootId: first.nc_block_root_id, contractId: zoo, contractRootId: lastRoot, calls: ['get_history()'] })
      const atLast = await executor.call({ blockRootId: last.nc_block_root_id, contractId: zoo, calls: ['get_history()'] })
      assert.deepEqual(mixed, atLast)
    } finally {
      await source.close()
    }
  })

  test('results of one request in order', async () => {
    const calls = ['huge_integer()', 'text_for_int()', 'get_small()', 'huge_integer()']
    const results = await executor.call({ blockRootId, contractId: zoo, calls })
    assert.deepEqual(Object.keys(results), ['huge_integer()', 'text_for_int()', 'get_small()'])
    assert.deepEqual(results['get_small()'], { value: 42n })
    assert.deepEqual(results['text_for_int()'], { errmsg: 'NCFail()' })
  })
})
