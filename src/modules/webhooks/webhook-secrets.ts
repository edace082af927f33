import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/types.ts';

/*
 * Webhook signing secrets. A secret must be usable to sign, so unlike API keys and survey
 * tokens it cannot be kept as a hash: it is stored encrypted with AES-256-GCM under a key
 * from WEBHOOK_ENCRYPTION_KEY, or, when that is unset, the `webhook` key in server_secrets
 * (a dump of the webhooks table alone then reveals no secret). Signatures are Stripe's
 * scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with the secret
 * as UTF-8, one v1 per secret that is valid now (two during a rotation).
 */

const IV = 12;
const TAG = 16;

export const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export class SecretBox {
  readonly #key: Buffer;
  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the webhook encryption key is 32 bytes');
    this.#key = key;
  }

  seal(secret: string): Buffer {
    const iv = randomBytes(IV);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.subarray(0, IV));
    decipher.setAuthTag(sealed.subarray(IV, IV + TAG));
    return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]).toString('utf8');
  }
}

/** The box for this deployment: WEBHOOK_ENCRYPTION_KEY (hex), else the database's own key. */
export async function secretBox(db: Db, hexKey: string | undefined): Promise<SecretBox> {
  if (hexKey) return new SecretBox(Buffer.from(hexKey, 'hex'));
  const row = await db.selectFrom('server_secrets').select('secret').where('name', '=', 'webhook').executeTakeFirstOrThrow();
  return new SecretBox(row.secret);
}

/** The Aftercare-Signature header value for a body sent at `unixSeconds`, one v1 per secret. */
export function signature(body: string, unixSeconds: number, secrets: string[]): string {
  const signed = `${unixSeconds}.${body}`;
  return [`t=${unixSeconds}`, ...secrets.map((s) => `v1=${createHmac('sha256', s).update(signed, 'utf8').digest('hex')}`)].join(',');
}
