import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { before, describe, test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'

import type { BlueprintDescription, FieldDescription, TypeDescriptor } from '../../src/encoding/nc-type/descriptor.js'
import { describeBlueprint } from '../../src/sandbox/describe.js'
import { BlueprintRejectedError } from '../../src/sandbox/errors.js'
import { findPackageRoot } from '../../src/package-root.js'
import { getSandboxPyodide } from '../../src/sandbox/pyodide.js'

const root = findPackageRoot(import.meta.url)
const blueprintDir = path.join(root, 'test', 'sandbox', 'blueprints')

function blueprintSource(file: string): string {
  return readFileSync(path.join(blueprintDir, file), 'utf8')
}

const corpus: Record<string, BlueprintDescription> = {}

before(async () => {
  // One interpreter for the whole file: starting Pyodide takes a few seconds.
  await getSandboxPyodide()
  for (const [file, id] of [['type_zoo.py', 'zoo'], ['price_pools.py', 'pools'], ['savings_ledger.py', 'ledger'], ['price_reader.py', 'reader']]) {
    corpus[id!] = await describeBlueprint(blueprintSource(file!), `corpus-${id}`)
  }
})

function field(description: BlueprintDescription, name: string): FieldDescription {
  const found = description.fields.find((f) => f.name === name)
  assert.ok(found, `field ${name} missing from ${description.name}`)
  return found
}

function methodKinds(description: BlueprintDescription): Record<string, string> {
  return Object.fromEntries(description.methods.map((m) => [m.name, m.kind]))
}

describe('package root lookup', () => {
  test('finds package.json from src and dist paths', () => {
    assert.equal(findPackageRoot(pathToFileURL(path.join(root, 'src', 'sandbox', 'pyodide.ts')).href), root)
    assert.equal(findPackageRoot(pathToFileURL(path.join(root, 'dist', 'src', 'sandbox', 'pyodide.js')).href), root)
    assert.ok(existsSync(path.join(findPackageRoot(import.meta.url), 'package.json')))
  })
})

describe('corpus blueprint names', () => {
  test('class names of the four blueprints', () => {
    assert.equal(corpus.zoo!.name, 'TypeZoo')
    assert.equal(corpus.pools!.name, 'PricePools')
    assert.equal(corpus.ledger!.name, 'SavingsLedger')
    assert.equal(corpus.reader!.name, 'PriceReader')
    assert.equal(corpus.zoo!.blueprintId, 'corpus-zoo')
  })
})

describe('TypeZoo field descriptors', () => {
  const point: TypeDescriptor = {
    kind: 'namedtuple',
    name: 'Point',
    fields: [
      { name: 'x', type: { kind: 'int' } },
      { name: 'y', type: { kind: 'int' } },
      { name: 'label', type: { kind: 'str' } },
    ],
  }
  const expected: Array<[string, TypeDescriptor, FieldDescription['container'], string]> = [
    ['small', { kind: 'int' }, 'value', 'int'],
    ['big_amount', { kind: 'amount' }, 'value', 'Amount'],
    ['huge', { kind: 'int' }, 'value', 'int'],
    ['negative', { kind: 'int' }, 'value', 'int'],
    ['text', { kind: 'str' }, 'value', 'str'],
    ['raw', { kind: 'bytes' }, 'value', 'bytes'],
    ['flag', { kind: 'bool' }, 'value', 'bool'],
    ['who', { kind: 'address' }, 'value', 'Address'],
    ['token', { kind: 'token_uid' }, 'value', 'TokenUid'],
    ['htr', { kind: 'token_uid' }, 'value', 'TokenUid'],
    ['contract', { kind: 'bytes32', name: 'ContractId' }, 'value', 'ContractId'],
    ['blueprint', { kind: 'bytes32', name: 'BlueprintId' }, 'value', 'BlueprintId'],
    ['vertex', { kind: 'bytes32', name: 'VertexId' }, 'value', 'VertexId'],
    ['when', { kind: 'timestamp' }, 'value', 'Timestamp'],
    ['script', { kind: 'tx_output_script' }, 'value', 'TxOutputScript'],
    ['maybe_text', { kind: 'optional', inner: { kind: 'str' } }, 'value', 'str | None'],
    ['maybe_int', { kind: 'optional', inner: { kind: 'int' } }, 'value', 'int | None'],
    ['pair', { kind: 'tuple', items: [{ kind: 'str' }, { kind: 'int' }] }, 'value', 'tuple[str, int]'],
    ['many', { kind: 'variadic_tuple', item: { kind: 'int' } }, 'value', 'tuple[int, ...]'],
    ['frozen', { kind: 'frozenset', item: { kind: 'int' } }, 'value', 'frozenset[int]'],
    ['point', point, 'value', 'Point'],
    ['signed', { kind: 'signed_data', inner: { kind: 'str' } }, 'value', 'SignedData[str]'],
    // The field map reads set as frozenset and list as tuple[X, ...]; dict has no field NCType.
    ['members', { kind: 'frozenset', item: { kind: 'address' } }, 'set', 'set[Address]'],
    ['history', { kind: 'variadic_tuple', item: { kind: 'int' } }, 'list', 'list[int]'],
    ['scratch', { kind: 'int' }, 'value', 'int'],
  ]

  test('every field in definition order', () => {
    const names = corpus.zoo!.fields.map((f) => f.name)
    assert.deepEqual(names, [
      'small', 'big_amount', 'huge', 'negative', 'text', 'raw', 'flag', 'who', 'token', 'htr', 'contract',
      'blueprint', 'vertex', 'when', 'script', 'maybe_text', 'maybe_int', 'pair', 'many', 'frozen', 'point',
      'signed', 'scores', 'ordered', 'members', 'history', 'nested', 'by_address', 'scratch',
    ])
  })

  for (const [name, type, container, annotation] of expected) {
    test(`field ${name}`, () => {
      const f = field(corpus.zoo!, name)
      assert.deepEqual(f.type, type)
      assert.equal(f.container, container)
      assert.equal(f.annotation, annotation)
    })
  }

  for (const [name, annotation] of [['scores', 'dict[str, int]'], ['ordered', 'OrderedDict[str, int]'], ['nested', 'dict[str, tuple[int, str]]'], ['by_address', 'dict[Address, Amount]']]) {
    test(`dict field ${name} is unsupported`, () => {
      const f = field(corpus.zoo!, name!)
      assert.equal(f.container, 'dict')
      assert.equal(f.annotation, annotation)
      assert.equal(f.type.kind, 'unsupported')
      assert.ok(f.type.kind === 'unsupported')
      assert.ok(f.type.reason.includes('not supported by any NCType class'), f.type.reason)
    })
  }
})

describe('method descriptions', () => {
  test('TypeZoo method kinds', () => {
    const kinds = methodKinds(corpus.zoo!)
    assert.equal(kinds.initialize, 'public')
    assert.equal(kinds.bump, 'public')
    assert.equal(kinds.forget, 'public')
    assert.equal(kinds.get_small, 'view')
    assert.equal(kinds.echo_signed, 'view')
    assert.equal(kinds.private_helper, 'internal')
    const defined = blueprintSource('type_zoo.py').split('\n').filter((line) => line.startsWith('    def ')).length
    assert.equal(corpus.zoo!.methods.length, defined)
  })

  test('PricePools and the others', () => {
    const pools = methodKinds(corpus.pools!)
    assert.equal(pools.add_pool, 'public')
    assert.equal(pools._amount_out, 'internal')
    assert.equal(pools.get_price_htr, 'view')
    assert.equal(methodKinds(corpus.ledger!).balance_of, 'view')
    assert.equal(methodKinds(corpus.reader!).watch, 'public')
    assert.equal(methodKinds(corpus.reader!).broken, 'view')
    assert.ok(!corpus.pools!.methods.some((m) => m.name.includes('__')), 'no dunder entries')
  })

  test('argument and return descriptors use the arg and return maps', () => {
    const byName = Object.fromEntries(corpus.zoo!.methods.map((m) => [m.name, m]))
    // Public methods take `ctx` first; it is not an argument of the call.
    assert.deepEqual(byName.initialize!.args, [{ name: 'seed', type: { kind: 'int' } }])
    assert.deepEqual(byName.initialize!.returns, { kind: 'null' })
    assert.deepEqual(byName.echo_list!.args, [{ name: 'values', type: { kind: 'list', item: { kind: 'int' } } }])
    assert.deepEqual(byName.echo_dict!.args, [{ name: 'values', type: { kind: 'dict', key: { kind: 'str' }, value: { kind: 'int' } } }])
    assert.deepEqual(byName.echo_dict!.returns, { kind: 'list', item: { kind: 'str' } })
    assert.deepEqual(byName.get_members!.returns, { kind: 'set', item: { kind: 'address' } })
    assert.deepEqual(byName.echo_optional!.args, [{ name: 'value', type: { kind: 'optional', inner: { kind: 'int' } } }])
    assert.deepEqual(byName.echo_signed!.args, [{ name: 'data', type: { kind: 'signed_data', inner: { kind: 'str' } } }])
    const pools = Object.fromEntries(corpus.pools!.methods.map((m) => [m.name, m]))
    assert.deepEqual(pools.get_reserves!.returns, { kind: 'tuple', items: [{ kind: 'amount' }, { kind: 'amount' }] })
    assert.equal(pools.list_pools!.returns.kind, 'list')
  })
})

describe('describe cache', () => {
  test('same blueprint id returns the cached description', async () => {
    const again = await describeBlueprint('this source is not read again', 'corpus-zoo')
    assert.equal(again, corpus.zoo)
  })
})

const MINIMAL = `from hathor import Blueprint, Context, export, public, view

@export
class Ok(Blueprint):
    value: int

    @public
    def initialize(self, ctx: Context) -> None:
        self.value = 1
`

async function rejection(source: string, id: string): Promise<BlueprintRejectedError> {
  try {
    await describeBlueprint(source, id)
  } catch (error) {
    assert.ok(error instanceof BlueprintRejectedError, `expected BlueprintRejectedError, got ${String(error)}`)
    return error
  }
  assert.fail(`blueprint ${id} was accepted`)
}

describe('hostile or invalid blueprints', () => {
  test('a minimal blueprint is accepted', async () => {
    const description = await describeBlueprint(MINIMAL, 'minimal')
    assert.equal(description.name, 'Ok')
    assert.deepEqual(description.fields.map((f) => f.name), ['value'])
  })

  const cases: Array<[string, string, string, string]> = [
    ['import os', `import os\n${MINIMAL}`, 'restricted_syntax', 'forbidden syntax: Import statements are not allowed.'],
    ['from os import path', `from os import path\n${MINIMAL}`, 'restricted_syntax', 'forbidden syntax: Importing from "os" is not allowed.'],
    ['from js import globalThis', `from js import globalThis\n${MINIMAL}`, 'restricted_syntax', 'forbidden syntax: Importing from "js" is not allowed.'],
    ['unknown hathor name', MINIMAL.replace('import Blueprint,', 'import Blueprint, Runner,'), 'restricted_syntax', 'forbidden syntax: Importing "Runner" from "hathor" is not allowed.'],
    ['subclasses walk', `${MINIMAL}\nx = ().__class__.__subclasses__()\n`, 'dunder_text', 'forbidden syntax: script contains dunder text'],
    ['eval', `${MINIMAL}\nx = eval('1')\n`, 'restricted_syntax', 'forbidden syntax: Usage or reference to eval is not allowed.'],
    ['getattr', `${MINIMAL}\nx = getattr(Ok, 'value')\n`, 'restricted_syntax', 'forbidden syntax: Usage or reference to getattr is not allowed.'],
    ['type', `${MINIMAL}\nx = type(Ok)\n`, 'restricted_syntax', 'forbidden syntax: Usage or reference to type is not allowed.'],
    ['open', `${MINIMAL}\nx = open('/etc/passwd')\n`, 'restricted_syntax', 'forbidden syntax: Usage or reference to open is not allowed.'],
    ['try block', `${MINIMAL}\ntry:\n    x = 1\nexcept ValueError:\n    pass\n`, 'restricted_syntax', 'forbidden syntax: Try/Except blocks are not allowed.'],
    ['float literal', `${MINIMAL}\nx = 1.5\n`, 'restricted_syntax', 'forbidden syntax: Float literals are not allowed.'],
    ['true division', `${MINIMAL}\nx = 3 / 2\n`, 'restricted_syntax', 'forbidden syntax: Simple / division results in float, use // instead.'],
    ['async function', `${MINIMAL}\nasync def f() -> None:\n    pass\n`, 'restricted_syntax', 'forbidden syntax: Async functions are not allowed.'],
    // With two violations, the first in depth-first order (each node before its children) is reported.
    ['call before argument', `${MINIMAL}\nx = eval(1.5)\n`, 'restricted_syntax', 'forbidden syntax: Usage or reference to eval is not allowed.'],
    ['first tuple item', `${MINIMAL}\nx = (1.5, eval)\n`, 'restricted_syntax', 'forbidden syntax: Float literals are not allowed.'],
    ['statement before next', `${MINIMAL}\nx = 3 / 2\ny = 1.5\n`, 'restricted_syntax', 'forbidden syntax: Simple / division results in float, use // instead.'],
    ['syntax error', `${MINIMAL}\ndef broken(:\n`, 'syntax', 'Could not correctly parse the script'],
    ['no export', MINIMAL.replace('@export\n', ''), 'no_export', 'Could not find a main Blueprint definition'],
    ['exported non-blueprint', `from hathor import export\n\n@export\nclass NotABlueprint:\n    pass\n`, 'not_a_blueprint', 'exported Blueprint is not a Blueprint subclass'],
    ['missing initialize', MINIMAL.replace('def initialize', 'def setup'), 'load_failed', 'forbidden syntax: blueprints require a method called `initialize`'],
    ['view initialize', MINIMAL.replace('@public\n', '@view\n').replace('ctx: Context', ''), 'load_failed', 'forbidden syntax: `initialize` method cannot be annotated with @view'],
    ['forbidden field name', MINIMAL.replace('value: int', 'log: int'), 'load_failed', 'forbidden syntax: field name is forbidden: `log`'],
    ['underscore field', MINIMAL.replace('value: int', '_value: int'), 'load_failed', 'forbidden syntax: field name cannot start with underscore: `_value`'],
    ['field with default', MINIMAL.replace('value: int', 'value: int = 3'), 'load_failed', 'forbidden syntax: fields with default values are currently not supported: `value`'],
    ['unsupported field type', MINIMAL.replace('value: int', 'value: range'), 'load_failed', 'forbidden syntax: unsupported field type: `value: range`'],
    ['plain union field', MINIMAL.replace('value: int', 'value: int | str'), 'load_failed', 'forbidden syntax: unsupported field type: `value: int | str`'],
    ['untyped view argument', `${MINIMAL}\n    @view\n    def peek(self, x) -> int:\n        return x\n`, 'load_failed', 'forbidden syntax: argument `x` on method `peek` must be typed'],
    ['view with context', `${MINIMAL}\n    @view\n    def peek(self, ctx: Context) -> int:\n        return 1\n`, 'load_failed', 'forbidden syntax: @view method cannot have arg with type `Context`: `peek()`'],
    ['undefined name at load', `${MINIMAL}\nx = undefined_name\n`, 'load_failed', `NameError("name 'undefined_name' is not defined")`],
  ]

  for (const [name, source, check, reason] of cases) {
    test(`rejects ${name}`, async () => {
      const error = await rejection(source, `hostile-${name}`)
      assert.equal(error.code, 'NC_BLUEPRINT_REJECTED')
      assert.equal(error.check, check)
      assert.equal(error.reason, reason)
      assert.equal(error.details.blueprintId, `hostile-${name}`)
    })
  }
})

describe('restricted runtime', () => {
  test('builtins and imports available at load time', async () => {
    const py = await getSandboxPyodide()
    const result = py.runPython(`
from ncsandbox.builtins import make_exec_builtins, restricted_import
from hathor.exceptions import NCDisabledBuiltinError
outcomes = []
builtins_for_blueprints = make_exec_builtins()
for call in (lambda: restricted_import('os', fromlist=('path',)),
             lambda: restricted_import('hathor'),
             lambda: restricted_import('hathor', fromlist=('Runner',)),
             lambda: builtins_for_blueprints['open']('/etc/passwd')):
    try:
        call()
        outcomes.append('allowed')
    except (ImportError, NCDisabledBuiltinError) as e:
        outcomes.append(f'{type(e).__name__}: {e}')
outcomes.append(restricted_import('math', fromlist=('ceil',)).ceil(1) == 1)
outcomes.append('print' in builtins_for_blueprints and 'float' in builtins_for_blueprints)
str(outcomes)
`) as string
    assert.equal(result, `['ImportError: Import from "os" is not allowed.', 'ImportError: Only \`from ... import ...\` imports are allowed', 'ImportError: Import from "hathor.Runner" is not allowed.', 'NCDisabledBuiltinError: The use of \`open\` has been disabled', True, True]`)
  })
})
