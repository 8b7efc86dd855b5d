export {
  COLUMN_FAMILIES,
  FORMAT_KEY,
  LEVEL_FORMAT_VERSION,
  SERVICE_SUBLEVEL,
  type ColumnFamily,
  type KeyValueSource,
  type RangeOptions,
} from './column-families.js'
export {
  LevelKeyValueSource,
  columnFamilySublevels,
  openLevelSource,
  openMemorySource,
  openSublevels,
  type ColumnFamilySublevel,
  type LevelDatabase,
  type LevelSourceOptions,
} from './level-source.js'
export {
  DumpError,
  loadDump,
  loadDumpInto,
  parseDumpLine,
  type LoadDumpOptions,
  type LoadDumpProgress,
  type LoadDumpResult,
} from './load-dump.js'
export { MemoryKeyValueSource, type KeyValueRow } from './memory-source.js'
export {
  NodeStorage,
  type HeightIndexEntry,
  type VertexMetadata,
  type VertexStaticMetadata,
} from './node-storage.js'
export { LOAD_DUMP_KEY, clearServiceRecords, readServiceRecord, writeServiceRecord, type FormatRecord, type LoadDumpRecord } from './service-records.js'
