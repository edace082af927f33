import { createHash } from 'node:crypto';

/** SHA-256 of UTF-8 text: how secrets and tokens are kept (API keys, survey tokens) and how requests are fingerprinted. */
export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
