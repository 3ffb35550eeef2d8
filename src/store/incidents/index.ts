export { IncidentRepository, DEFAULT_PAGE, MAX_PAGE } from './repository.ts';
export { VersionConflict } from './types.ts';
export type {
  AreaCount, AreaLevel, BBox, Cluster, ClusterQuery, ClusterResult, IncidentChanges, IncidentFilter, Page, PageOptions, TimelineBucket, TimelinePoint,
  UpsertResult,
} from './types.ts';
export { checkBBox, normaliseFilter, parseFilterText, type FieldName, type FilterText } from './filter.ts';
export { PRECISE, isCoarse } from './rows.ts';
