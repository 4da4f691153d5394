import type { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/** Role ID and Secret ID, kept in private fields so no serializer or inspector can print them. */
export class AppRoleCredentials {
  readonly #roleId: string;
  readonly #secretId: string;
  constructor(roleId: string, secretId: string) {
    this.#roleId = roleId;
    this.#secretId = secretId;
  }
  loginBody(): { role_id: string; secret_id: string } {
    return { role_id: this.#roleId, secret_id: this.#secretId };
  }
  digestInto(hash: ReturnType<typeof createHash>): void {
    hash.update(this.#roleId).update('\0').update(this.#secretId).update('\0');
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return 'AppRoleCredentials [redacted]';
  }
}
