/**
 * Position in a stream of key-ordered entries that arrives in chunks. While the current chunk
 * is being consumed, the next one is already being read, so reading overlaps processing.
 */
export class ChunkCursor<V> {
  private chunk: Array<[Uint8Array, V]> = []
  private index = 0
  private prefetch: Promise<IteratorResult<Array<[Uint8Array, V]>>> | undefined
  private exhausted = false

  constructor(private readonly chunks: AsyncIterator<Array<[Uint8Array, V]>>) {}

  /** The current entry; undefined when the stream is exhausted or `needsRefill` is true. */
  get entry(): [Uint8Array, V] | undefined {
    return this.chunk[this.index]
  }

  get needsRefill(): boolean {
    return this.index >= this.chunk.length && !this.exhausted
  }

  advance(): void {
    this.index += 1
  }

  /** Moves to the next chunk; call it while `needsRefill` is true. */
  async refill(): Promise<void> {
    const result = await (this.prefetch ?? this.chunks.next())
    this.prefetch = undefined
    this.index = 0

    if (result.done === true) {
      this.exhausted = true
      this.chunk = []
      return
    }

    this.chunk = result.value
    this.prefetch = this.chunks.next()
    // A failed prefetch is reported by the refill that awaits it, not as an unhandled rejection.
    this.prefetch.catch(() => undefined)
  }

  /** Stops the underlying stream, which closes its database iterator. */
  async close(): Promise<void> {
    await this.prefetch?.catch(() => undefined)
    await this.chunks.return?.()
  }
}
