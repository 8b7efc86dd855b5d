import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import bs58 from 'bs58'
import {
  MAINNET, TESTNET, addressChecksum, buildAddress, decodeAddress, encodeAddress,
} from '../../src/encoding/address.js'
import { EncodeError, InvalidAddress } from '../../src/encoding/errors.js'
import { readFixtureText } from './dump.js'

const chain = JSON.parse(readFixtureText('chain.json')) as { addresses: Record<string, string> }
const addresses = Object.values(chain.addresses)

function assertInvalid(text: string, reason: string, options = {}): void {
  assert.throws(() => decodeAddress(text, options), (error: unknown) => {
    assert.ok(error instanceof InvalidAddress, `expected InvalidAddress for ${JSON.stringify(text)}`)
    assert.equal(error.code, 'NC_INVALID_ADDRESS')
    assert.equal(error.reason, reason)
    return true
  })
}

test('corpus addresses round trip', () => {
  assert.ok(addresses.length >= 6)
  for (const text of addresses) {
    const bytes = decodeAddress(text, { network: MAINNET })
    assert.equal(bytes.length, 25)
    assert.equal(bytes[0], 0x28)
    assert.equal(encodeAddress(bytes), text)
  }
})

test('address checksum is double SHA-256 prefix', () => {
  const payload = new Uint8Array(21)
  payload[0] = 0x28
  assert.equal(Buffer.from(addressChecksum(payload)).toString('hex'),
    sha256Twice(payload).subarray(0, 4).toString('hex'))
})

function sha256Twice(data: Uint8Array): Buffer {
  // Node's own crypto is an independent implementation to compare against.
  return createHash('sha256').update(createHash('sha256').update(data).digest()).digest()
}

test('built addresses start with network letters', () => {
  const hash = new Uint8Array(20).fill(0xab)
  assert.match(encodeAddress(buildAddress(MAINNET.p2pkh, hash)), /^H/)
  assert.match(encodeAddress(buildAddress(MAINNET.p2sh, hash)), /^h/)
  assert.match(encodeAddress(buildAddress(TESTNET.p2pkh, hash)), /^W/)
  assert.match(encodeAddress(buildAddress(TESTNET.p2sh, hash)), /^w/)
})

test('decodeAddress rejects bad base58', () => {
  assertInvalid('H0a1hLAr76iXvJLhQCPUS6tdzvj79oAe4p', 'invalid_base58')
  assertInvalid('HIa1hLAr76iXvJLhQCPUS6tdzvj79oAe4p', 'invalid_base58')
  assertInvalid('Hé', 'invalid_base58')
  assertInvalid(' ' + addresses[0]!, 'invalid_base58')
})

test('decodeAddress rejects wrong lengths', () => {
  assertInvalid('', 'invalid_length')
  assertInvalid(addresses[0]!.slice(0, -1), 'invalid_length')
  assertInvalid(addresses[0]! + '1', 'invalid_length')
  assertInvalid(bs58.encode(new Uint8Array(24).fill(1)), 'invalid_length')
})

test('decodeAddress rejects wrong checksum', () => {
  const bytes = decodeAddress(addresses[0]!)
  bytes[24] = bytes[24]! ^ 1
  assertInvalid(bs58.encode(bytes), 'invalid_checksum')
})

test('decodeAddress ignores trailing whitespace', () => {
  const text = addresses[0]!
  assert.deepEqual(decodeAddress(text + ' \n\t'), decodeAddress(text))
  assert.deepEqual(decodeAddress(text + '\u3000'), decodeAddress(text))
})

test('network option checks version and length', () => {
  const testnetAddress = encodeAddress(buildAddress(TESTNET.p2pkh, new Uint8Array(20).fill(3)))
  assert.equal(decodeAddress(testnetAddress)[0], TESTNET.p2pkh)
  assert.equal(decodeAddress(testnetAddress, { network: TESTNET })[0], TESTNET.p2pkh)
  assertInvalid(testnetAddress, 'invalid_version', { network: MAINNET })
  assertInvalid(addresses[0]! + ' ', 'invalid_length', { network: MAINNET })
})

test('encodeAddress rejects wrong size', () => {
  assert.throws(() => encodeAddress(new Uint8Array(24)), EncodeError)
})
