import { createHash, type Hash } from 'node:crypto'

/**
 * SHA-256 over a column family's entries in key order. Each entry adds its key length (4 bytes,
 * big-endian), key, value length and value, so that no two different entry lists hash alike.
 */
export class EntryDigest {
  private readonly hash: Hash = createHash('sha256')
  private readonly lengths = Buffer.alloc(8)
  count = 0
  bytes = 0

  update(key: Uint8Array, value: Uint8Array): void {
    this.lengths.writeUInt32BE(key.length, 0)
    this.lengths.writeUInt32BE(value.length, 4)
    this.hash.update(this.lengths.subarray(0, 4))
    this.hash.update(key)
    this.hash.update(this.lengths.subarray(4, 8))
    this.hash.update(value)
    this.count += 1
    this.bytes += key.length + value.length
  }

  /** Hex digest; the object cannot be updated afterwards. */
  hex(): string {
    return this.hash.digest('hex')
  }
}

/** Digests a stream of entry chunks. */
export async function digestChunks(chunks: AsyncIterable<Array<[Uint8Array, Uint8Array]>>): Promise<{ count: number, digest: string }> {
  const digest = new EntryDigest()
  for await (const chunk of chunks) {
    for (const [key, value] of chunk) {
      digest.update(key, value)
    }
  }
  return { count: digest.count, digest: digest.hex() }
}
