/** The import pipeline's public entry points (CLI, server upload jobs, demo data). */
export { runImport, BESIDE_SERVER_PACE, BULK_BATCH_SIZE, BULK_CACHE_MIB, DEFAULT_BATCH_SIZE, IMPORT_ACTION } from './pipeline.ts';
export { detectFormat, isImportFormat } from './formats.ts';
export { loadDemoData, DEMO_FILES } from './demo.ts';
export { IMPORT_FORMATS } from './types.ts';
export type { ImportFormat, ImportOptions, ImportPace, ImportProgress, ImportSummary, RowRejection } from './types.ts';
