import type { VaultSettings } from '../config/settings';
import { connectionFailed } from '../activepieces/errors';
import type { Logger } from '../logger';
import { VaultClient, VaultRequest, VaultResponse } from './client';
import { isInvalidTokenAnswer, LoginFailureKind, loginFailed } from './messages';
import { answeredOr } from './network-failure';

/** What we know of the token we hold. Never logged. */
interface Token {
  readonly value: string;
  /** ms since epoch; Infinity for a token without TTL. */
  expiresAt: number;
  readonly renewable: boolean;
  readonly batch: boolean;
  /** Uses left; Infinity when unlimited (num_uses 0). */
  usesLeft: number;
  /** Uses at login (Infinity when unlimited). */
  readonly initialUses: number;
  /** Lease length of the last login or renewal, ms. */
  leaseMs: number;
}

/** Refreshes in a row that gave no caller a usable token before a request gives up. */
const MAX_BARREN_REFRESHES = 3;

/**
 * Refresh this long before expiry: a tenth of the lease, at least 1 s and at most 60 s, so a
 * request never starts with a token that may die in flight, and short TTLs still get reuse.
 */
export function refreshMarginMs(leaseMs: number): number {
  return Math.min(60_000, Math.max(1_000, leaseMs / 10));
}

/**
 * The token lifecycle of one connection: log in once, reuse the token while it has time and uses
 * left, renew it near expiry when Vault allows, else log in again. Concurrent callers share one
 * login or renewal. A token Vault calls invalid is dropped and the request retried once with a
 * fresh login.
 */
export class VaultSession {
  // A private field: util.inspect and JSON never reach it, so the token never shows in a dump.
  #token: Token | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly client: VaultClient,
    private settings: VaultSettings,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  /** Sends a request with a valid token (in the secrets namespace unless the request says otherwise). */
  async send(request: Omit<VaultRequest, 'token'>, log: Logger = this.logger): Promise<VaultResponse> {
    const token = await this.acquire(log);
    const res = await this.client.send({ ...request, token: token.value }, { log });
    if (!isInvalidTokenAnswer(res)) return res;
    log.info({ path: request.path }, 'vault: token rejected as invalid; logging in again');
    this.drop(token);
    const fresh = await this.acquire(log);
    return this.client.send({ ...request, token: fresh.value }, { log });
  }

  /** New tuning for the same identity (the token stays). */
  retune(settings: VaultSettings): void {
    this.settings = settings;
  }

  /** Logs in now (used by validate); returns the login's auth block for reporting. */
  async loginNow(log: Logger = this.logger): Promise<{ leaseSeconds: number; policies: string[]; tokenType: string }> {
    const auth = await this.login(log);
    return { leaseSeconds: auth.lease_duration, policies: auth.token_policies ?? auth.policies ?? [], tokenType: auth.token_type ?? 'service' };
  }

  /**
   * Best-effort revoke-self (batch tokens cannot be revoked, docs/vault-behaviour.md §3.3); forgets the token either
   * way. One attempt only: disconnect and shutdown must not wait out retries against a failing Vault.
   */
  async revoke(): Promise<void> {
    const token = this.#token;
    this.#token = undefined;
    if (!token || token.batch || token.usesLeft <= 0 || token.expiresAt <= this.now()) return;
    try {
      await this.client.send({ method: 'POST', path: 'auth/token/revoke-self', namespace: this.settings.authNamespace, token: token.value }, { retry: { maxAttempts: 1 } });
    } catch {
      // Best effort: the token expires by itself.
    }
  }

  private async acquire(log: Logger): Promise<Token> {
    // After a refresh of our own, a token is good while it lives at all: a lease shorter than
    // the margin must still be used, or we would log in forever.
    let margin = true;
    for (let barren = 0; barren <= MAX_BARREN_REFRESHES; ) {
      const t = this.#token;
      if (t && t.usesLeft > 0 && this.now() < t.expiresAt - (margin ? refreshMarginMs(t.leaseMs) : 0)) {
        t.usesLeft -= 1;
        return t;
      }
      this.refreshing ??= this.refresh(log).finally(() => (this.refreshing = undefined));
      await this.refreshing;
      margin = false;
      // Waiters sharing a token with few uses (num_uses) may find it used up by the others: that
      // is progress, and they queue for the next one. Only a token nobody could use counts.
      const fresh = this.#token;
      if (!fresh || fresh.usesLeft === fresh.initialUses) barren++;
    }
    throw connectionFailed(`Could not keep a usable Vault token for ${this.settings.url}: every new token was used up or expired at once. Check the role's token_num_uses and token_ttl.`);
  }

  private drop(token: Token): void {
    if (this.#token === token) this.#token = undefined;
  }

  private async refresh(log: Logger): Promise<void> {
    const t = this.#token;
    if (t && t.renewable && t.usesLeft > 1 && this.now() < t.expiresAt && (await this.renew(t, log))) return;
    await this.login(log);
  }

  /** renew-self; false when the renewal failed or gave too little time to be worth keeping (max TTL). */
  private async renew(t: Token, log: Logger): Promise<boolean> {
    try {
      t.usesLeft -= 1;
      const res = await this.client.send({ method: 'POST', path: 'auth/token/renew-self', namespace: this.settings.authNamespace, token: t.value }, { log });
      const lease = Number((res.body?.auth as { lease_duration?: number } | undefined)?.lease_duration ?? 0) * 1000;
      if (res.status !== 200 || lease <= 2 * refreshMarginMs(t.leaseMs)) return false;
      t.expiresAt = this.now() + lease;
      log.debug({ leaseSeconds: lease / 1000 }, 'vault: token renewed');
      return true;
    } catch {
      return false;
    }
  }

  private async login(log: Logger): Promise<LoginAuth> {
    const res = await this.sendLogin(this.settings.credentials.loginBody(), log);
    const auth = res.body?.auth as LoginAuth | undefined;
    if (res.status !== 200 || !auth?.client_token) throw loginFailed(res, this.settings, await this.diagnoseLogin(res, log));
    const leaseMs = Number(auth.lease_duration ?? 0) * 1000;
    this.#token = {
      value: auth.client_token,
      expiresAt: leaseMs > 0 ? this.now() + leaseMs : Infinity,
      renewable: auth.renewable === true,
      batch: auth.token_type === 'batch',
      usesLeft: auth.num_uses ? auth.num_uses : Infinity,
      initialUses: auth.num_uses ? auth.num_uses : Infinity,
      leaseMs,
    };
    log.debug({ leaseSeconds: leaseMs / 1000, tokenType: auth.token_type ?? 'service' }, 'vault: logged in with AppRole');
    return auth;
  }

  private async sendLogin(body: Record<string, unknown>, log: Logger): Promise<VaultResponse> {
    const login = { method: 'POST' as const, path: `auth/${this.settings.appRoleMount}/login`, namespace: this.settings.authNamespace, body };
    return answeredOr(() => this.client.send(login, { log }), this.settings, connectionFailed);
  }

  /**
   * A 403 on login means either "no AppRole at this mount" or "locked out" (both plain
   * "permission denied", docs/vault-behaviour.md §2.4 and §3.4). A login with a random role_id tells them apart:
   * an existing AppRole answers 400 "invalid role or secret ID", and an unknown role_id does not
   * count towards lockout (docs/vault-behaviour.md §2.4).
   */
  private async diagnoseLogin(res: VaultResponse, log: Logger): Promise<LoginFailureKind> {
    const error = res.body?.errors?.[0] ?? '';
    // docs/vault-behaviour.md §2.3: CIDR refusals name "the role" or "the secret ID"; test them first.
    if (res.status === 400 && /unauthorized (by|through) CIDR restrictions/i.test(error)) return 'cidr';
    if (res.status === 400) return /invalid role|secret id|role id|missing/i.test(error) ? 'credentials' : 'other';
    if (res.status === 404 || res.status === 405) return 'not-enabled';
    if (res.status !== 403) return 'other';
    try {
      const probe = await this.sendLogin({ role_id: `ap-vault-probe-${this.now()}`, secret_id: 'probe' }, log);
      if (probe.status === 400) return 'locked-out';
      if (probe.status === 403 || probe.status === 404 || probe.status === 405) return 'not-enabled';
    } catch {
      // fall through
    }
    return 'not-enabled-or-locked';
  }
}

interface LoginAuth {
  client_token: string;
  lease_duration: number;
  renewable?: boolean;
  token_type?: string;
  num_uses?: number;
  policies?: string[];
  token_policies?: string[];
}
