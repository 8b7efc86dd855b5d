import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'

import type { ViewCallExecutor } from '../../src/sandbox/view-call-executor.js'
import { startZooSandbox, zoo, zooBlockRootId, type ZooSandbox } from './zoo-sandbox.js'

// Hostile views appended to TypeZoo's own source.
const HOSTILE_VIEWS = `
    @view
    def loop_forever(self) -> int:
        count = 0
        while True:
            count += 1
        return count

    @view
    def spin(self, step: int) -> int:
        count = 0
        while True:
            count += step
        return count

    @view
    def huge_allocation(self) -> int:
        return len(b'x' * (2 ** 34))

    @view
    def growing_allocation(self) -> int:
        chunks = []
        while True:
            chunks.append(bytes(50000000))
        return len(chunks)

    @view
    def uninterruptible(self) -> int:
        # sum() runs over the range inside one C loop, which never checks for KeyboardInterrupt.
        return sum(range(10 ** 12))

    @view
    def recurse(self, depth: int) -> int:
        return self.recurse(depth + 1)

    @view
    def write_field(self) -> int:
        self.small = 7
        return self.small

    @view
    def emit(self) -> int:
        self.syscall.emit_event(b'x')
        return 1
`

let sandbox: ZooSandbox
let executor: ViewCallExecutor
const blockRootId = zooBlockRootId

before(async () => {
  sandbox = await startZooSandbox(HOSTILE_VIEWS, { workers: 1, timeoutMs: 1500, memoryLimitMb: 512 })
  executor = sandbox.executor
})

after(async () => {
  await sandbox?.close()
})

async function callZoo(call: string): Promise<unknown> {
  const results = await executor.call({ blockRootId, contractId: zoo, calls: [call] })
  return results[call]
}

async function assertStillServing(): Promise<void> {
  assert.deepEqual(await callZoo('get_small()'), { value: 42n })
}

describe('hostile views', () => {
  test('endless loop hits the time limit', async () => {
    const started = Date.now()
    assert.deepEqual(await callZoo('loop_forever()'), { errmsg: "NCFail('view call exceeded the time limit of 1500 ms')" })
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`)
    await assertStillServing()
  })

  test('huge allocation fails as NCFail', async () => {
    assert.deepEqual(await callZoo('huge_allocation()'), { errmsg: 'NCFail()' })
    await assertStillServing()
  })

  test('growing allocation is stopped', async () => {
    const answer = await callZoo('growing_allocation()') as { errmsg?: string }
    assert.ok(answer.errmsg === 'NCFail()' || answer.errmsg?.includes('time limit'), JSON.stringify(answer))
    await assertStillServing()
  })

  test('uninterruptible work replaces the worker', async () => {
    assert.deepEqual(await callZoo('uninterruptible()'), { errmsg: "NCFail('view call exceeded the time limit of 1500 ms')" })
    await assertStillServing()
  })

  test('deep recursion fails as NCFail', async () => {
    assert.deepEqual(await callZoo('recurse(0)'), { errmsg: 'NCFail()' })
    await assertStillServing()
  })

  test('view writing a field is rejected', async () => {
    assert.deepEqual(await callZoo('write_field()'), { errmsg: "NCViewMethodError('view methods cannot change the state')" })
    await assertStillServing()
  })

  test('view calling a state-changing syscall', async () => {
    assert.deepEqual(await callZoo('emit()'), { errmsg: "NCViewMethodError('@view method cannot call `syscall.emit_event`')" })
  })

  test('stuck call spares the rest of its request', async () => {
    const results = await executor.call({ blockRootId, contractId: zoo, calls: ['get_text()', 'uninterruptible()', 'divide(7, 2)'] })
    assert.deepEqual(results['uninterruptible()'], { errmsg: "NCFail('view call exceeded the time limit of 1500 ms')" })
    assert.deepEqual(results['get_text()'], { value: 'olá, nano ☃' })
    assert.deepEqual(results['divide(7, 2)'], { value: 3n })
  })

  test('request queued behind a stuck call', async () => {
    // One worker holds both messages: the second waits behind the stuck one and moves to the fresh worker.
    const [stuck, queued] = await Promise.all([
      callZoo('uninterruptible()'),
      executor.call({ blockRootId, contractId: zoo, calls: ['get_small()', 'loop_forever()'] }),
    ])
    assert.deepEqual(stuck, { errmsg: "NCFail('view call exceeded the time limit of 1500 ms')" })
    assert.deepEqual(queued['get_small()'], { value: 42n })
    assert.deepEqual(queued['loop_forever()'], { errmsg: "NCFail('view call exceeded the time limit of 1500 ms')" })
  })

  test('each call string has its own budget', async () => {
    // Two endless calls in one message: each is stopped at its own limit, not at a shared one.
    const started = Date.now()
    const results = await executor.call({ blockRootId, contractId: zoo, calls: ['loop_forever()', 'get_small()', 'spin(1)'] })
    const elapsed = Date.now() - started
    assert.deepEqual(results['loop_forever()'], { errmsg: "NCFail('view call exceeded the time limit of 1500 ms')" })
    assert.deepEqual(results['get_small()'], { value: 42n })
    assert.deepEqual(results['spin(1)'], { errmsg: "NCFail('view call exceeded the time limit of 1500 ms')" })
    assert.ok(elapsed >= 2900, `took ${elapsed} ms, less than two budgets`)
    assert.ok(elapsed < 6000, `took ${elapsed} ms`)
  })

  test('other calls of a request still answer', async () => {
    const results = await executor.call({ blockRootId, contractId: zoo, calls: ['loop_forever()', 'get_text()', 'divide(7, 2)'] })
    assert.deepEqual(results['get_text()'], { value: 'olá, nano ☃' })
    assert.deepEqual(results['divide(7, 2)'], { value: 3n })
    assert.ok('errmsg' in results['loop_forever()']!)
  })
})
