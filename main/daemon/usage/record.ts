import type { RequestRecord } from '../../../shared/api.js';

// What the proxy reports about one finished request is part of the API (`GET /api/requests`).
export type { CacheOutcome, RequestRecord } from '../../../shared/api.js';

/** Where the proxy sends records. Must return at once: persistence happens off the request path. */
export interface RequestRecorder {
  record(record: RequestRecord): void;
}

export const nullRecorder: RequestRecorder = { record() {} };
