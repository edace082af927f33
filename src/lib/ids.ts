import { v7 } from 'uuid';

/** Time-ordered UUIDs (v7): new rows land at the right edge of every id index. */
export const newId = (): string => v7();
