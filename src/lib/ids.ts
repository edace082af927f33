import { v7 } from 'uuid';

/** Time-ordered UUIDs (v7): new rows land at the right edge of every id index. */
export const newId = (): string => v7();

/** The smallest v7 id of a moment: rows with smaller ids were created before it (retention by id). */
export const idFloorAt = (at: Date): string => v7({ msecs: at.getTime(), seq: 0, random: new Uint8Array(16) });
