import { setMaxListeners } from 'node:events';
import type { VaultSettings } from '../config/settings';
import { connectionFailed } from '../activepieces/errors';
import type { Logger } from '../logger';
import { VaultClient, VaultRequest, VaultResponse } from './client';
import { LoginBackoff } from './login-backoff';
import { isCredentialFailure, isInvalidTokenAnswer, isPlainDenial, isWrappedOnly, LoginFailureKind, loginFailed } from './messages';
import { answeredOr } from './network-failure';
import { PlainDenialMeaning, plainDenialMeaning } from './vault-version';
import type { LoginOutcome } from '../telemetry';

/** What we know of the token we hold. Never logged. */
interface Token {
  readonly value: string;
  /** ms since epoch; Infinity for a token without TTL. */
  expiresAt: number;
  readonly renewable: boolean;
  readonly batch: boolean;
  /** Uses left; Infinity when unlimited (num_uses 0). Every attempt of a request spends one (retries too). */
  usesLeft: number;
  /** Uses at login (Infinity when unlimited). */
  readonly initialUses: number;
  /** Lease length of the last login or renewal, ms. */
  leaseMs: number;
  /** A plain "permission denied" came right after this token's login: for it, that is a denial, not a dead token. */
  plainDenialIsDenial: boolean;
}

/** Refreshes in a row that gave no caller a usable token before a request gives up. */
const MAX_BARREN_REFRESHES = 3;

/** Vault's tokens are short printable ASCII (hvs./hvb. + base62, longer in a namespace). */
const SENDABLE_TOKEN = /^[\x21-\x7e]{1,8192}$/;

/** sys/health answers with its JSON whatever the node's state when told every state is fine (docs/vault-behaviour.md §14.7). */
const HEALTH_PATH = 'sys/health?standbyok=true&perfstandbyok=true&sealedcode=200&uninitcode=200';

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
 * login or renewal. A token Vault calls dead is dropped and the request retried once with a fresh
 * login; a plain "permission denied" only where it may mean a dead token (see `send`). After a
 * credential failure, logins pause (LoginBackoff). A retired session never logs in again.
 */
export class VaultSession {
  // A private field: util.inspect and JSON never reach it, so the token never shows in a dump.
  #token: Token | undefined;
  private refreshing: Promise<void> | undefined;
  private versionProbe: Promise<PlainDenialMeaning> | undefined;
  private readonly backoff: LoginBackoff;
  private readonly stop = new AbortController();
  private retired = false;

  constructor(
    private readonly client: VaultClient,
    private settings: VaultSettings,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {
    this.backoff = new LoginBackoff(now);
    // One abort signal for all of the session's requests, each of which listens while it runs.
    setMaxListeners(Infinity, this.stop.signal);
  }

  /**
   * Sends a request with a valid token (in the secrets namespace unless the request says otherwise).
   * Telling denials apart (docs/vault-behaviour.md §14.1): the "invalid token" form is a dead token
   * (log in again once). A plain "permission denied" is not one on Vault ≥ 1.17 (the version is
   * learnt once, from sys/health); on older Vault and OpenBao it may be, so the session logs in
   * again at most once, and a plain denial right after a fresh login is handed back as a denial.
   */
  async send(request: Omit<VaultRequest, 'token'>, log: Logger = this.logger): Promise<VaultResponse> {
    const first = await this.sendWithToken(request, log);
    if (isInvalidTokenAnswer(first.res)) {
      log.info({ path: request.path }, 'vault: token rejected as invalid; logging in again');
    } else if (!isPlainDenial(first.res) || first.fresh || first.token.plainDenialIsDenial || (await this.plainDenialMeaning(log)) === 'not-a-dead-token') {
      if (isPlainDenial(first.res)) first.token.plainDenialIsDenial = true;
      return first.res;
    } else {
      log.info({ path: request.path }, 'vault: plain permission denied on a Vault that also says so for a dead token; logging in again once');
    }
    this.drop(first.token);
    const second = await this.sendWithToken(request, log);
    if (isPlainDenial(second.res)) second.token.plainDenialIsDenial = true;
    return second.res;
  }

  /** New tuning for the same identity (the token stays). */
  retune(settings: VaultSettings): void {
    this.settings = settings;
  }

  /** Logs in now (used by validate); returns the login's auth block for reporting. */
  async loginNow(log: Logger = this.logger): Promise<{ leaseSeconds: number; policies: string[]; tokenType: string }> {
    const auth = await this.login(log);
    return { leaseSeconds: seconds(auth.lease_duration), policies: stringsOf(auth.token_policies ?? auth.policies), tokenType: typeof auth.token_type === 'string' ? auth.token_type : 'service' };
  }

  /** Ends the login pause after a credential failure: the config was edited, saved (validate) or invalidated. */
  clearBackoff(): void {
    this.backoff.clear();
  }

  /**
   * For good (disconnect, or an edit that replaced the connection): requests in flight are
   * aborted rather than retried, no login happens again, and the token is revoked.
   */
  async retire(): Promise<void> {
    this.retired = true;
    this.stop.abort();
    await this.revoke();
  }

  /**
   * Best-effort revoke-self (batch tokens cannot be revoked, docs/vault-behaviour.md §3.3); forgets the token either
   * way. One attempt only: disconnect and shutdown must not wait out retries against a failing Vault.
   */
  async revoke(): Promise<void> {
    const token = this.#token;
    this.#token = undefined;
    if (token) await this.revokeToken(token);
  }

  private async revokeToken(token: Token): Promise<void> {
    if (token.batch || token.usesLeft <= 0 || token.expiresAt <= this.now()) return;
    try {
      await this.client.send({ method: 'POST', path: 'auth/token/revoke-self', namespace: this.settings.authNamespace, token: token.value }, { retry: { maxAttempts: 1 } });
    } catch {
      // Best effort: the token expires by itself.
    }
  }

  private async sendWithToken(request: Omit<VaultRequest, 'token'>, log: Logger): Promise<{ res: VaultResponse; token: Token; fresh: boolean }> {
    const before = this.#token;
    const token = await this.acquire(log);
    const res = await this.client.send({ ...request, token: token.value }, { log, signal: this.stop.signal, onRetry: () => (token.usesLeft -= 1) });
    return { res, token, fresh: token !== before };
  }

  /** On Vault ≥ 1.17 a plain denial is not a dead token; the version is asked once per session. */
  private plainDenialMeaning(log: Logger): Promise<PlainDenialMeaning> {
    this.versionProbe ??= (async () => {
      if (this.client.serverVersion === undefined) {
        try {
          await this.client.send({ method: 'GET', path: HEALTH_PATH, namespace: '' }, { retry: { maxAttempts: 1 }, log, signal: this.stop.signal });
        } catch {
          // Unknown version: treated as an older Vault.
        }
      }
      return plainDenialMeaning(this.client.serverVersion);
    })();
    return this.versionProbe;
  }

  private async acquire(log: Logger): Promise<Token> {
    // After a refresh of our own, a token is good while it lives at all: a lease shorter than
    // the margin must still be used, or we would log in forever.
    let margin = true;
    for (let barren = 0; barren <= MAX_BARREN_REFRESHES; ) {
      this.assertNotRetired();
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

  private assertNotRetired(): void {
    if (this.retired) {
      throw connectionFailed(`This connection to Vault at ${this.settings.url} was closed or replaced by an edit, and no longer logs in. Run the step again to use the current connection.`);
    }
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
      const res = await this.client.send(
        { method: 'POST', path: 'auth/token/renew-self', namespace: this.settings.authNamespace, token: t.value },
        { log, signal: this.stop.signal, onRetry: () => (t.usesLeft -= 1) },
      );
      const lease = seconds(authOf(res)?.lease_duration) * 1000;
      if (res.status !== 200) {
        this.client.telemetry.renewal(res.status >= 500 ? 'unavailable' : 'refused');
        return false;
      }
      if (lease <= 2 * refreshMarginMs(t.leaseMs)) {
        this.client.telemetry.renewal('capped');
        return false;
      }
      t.expiresAt = this.now() + lease;
      this.client.telemetry.renewal('success');
      log.debug({ leaseSeconds: lease / 1000 }, 'vault: token renewed');
      return true;
    } catch {
      this.client.telemetry.renewal('unavailable');
      return false;
    }
  }

  private async login(log: Logger): Promise<LoginAuth> {
    this.assertNotRetired();
    this.checkBackoff();
    const res = await this.sendCountedLogin(log);
    const auth = authOf(res);
    if (res.status !== 200 || !auth || !isSendableToken(auth.client_token) || auth.mfa_requirement) {
      this.client.telemetry.login(loginOutcomeOf(res));
      const kind = await this.diagnoseLogin(res, log);
      const failure = loginFailed(res, this.settings, kind);
      if (isCredentialFailure(kind)) this.backoff.failed(failure);
      throw failure;
    }
    this.client.telemetry.login('success');
    this.backoff.clear();
    const leaseMs = seconds(auth.lease_duration) * 1000;
    const uses = Number.isSafeInteger(auth.num_uses) && (auth.num_uses as number) > 0 ? (auth.num_uses as number) : Infinity;
    const token: Token = {
      value: auth.client_token,
      expiresAt: leaseMs > 0 ? this.now() + leaseMs : Infinity,
      renewable: auth.renewable === true,
      batch: auth.token_type === 'batch',
      usesLeft: uses,
      initialUses: uses,
      leaseMs,
      plainDenialIsDenial: false,
    };
    if (this.retired) {
      // Retired while the login was answered: this token has no user; revoke it rather than leave it alive.
      await this.revokeToken(token);
      this.assertNotRetired();
    }
    this.#token = token;
    log.debug({ leaseSeconds: leaseMs / 1000, tokenType: typeof auth.token_type === 'string' ? auth.token_type : 'service' }, 'vault: logged in with AppRole');
    return auth;
  }

  /** The backoff's check, counted when it holds a login back. */
  private checkBackoff(): void {
    try {
      this.backoff.check();
    } catch (err) {
      this.client.telemetry.lockoutBackoff();
      throw err;
    }
  }

  /** The AppRole login with the connection's credentials; one without an answer counts as unavailable (the diagnose probe is not counted). */
  private async sendCountedLogin(log: Logger): Promise<VaultResponse> {
    try {
      return await this.sendLogin(this.settings.credentials.loginBody(), log);
    } catch (err) {
      this.client.telemetry.login('unavailable');
      throw err;
    }
  }

  private async sendLogin(body: Record<string, unknown>, log: Logger): Promise<VaultResponse> {
    const login = { method: 'POST' as const, path: `auth/${this.settings.appRoleMount}/login`, namespace: this.settings.authNamespace, body };
    return answeredOr(() => this.client.send(login, { log, signal: this.stop.signal }), this.settings, connectionFailed);
  }

  /**
   * What a failed login means. A 403 means either "no AppRole at this mount" or "locked out"
   * (both plain "permission denied", docs/vault-behaviour.md §2.4 and §3.4). A login with a random
   * role_id tells them apart: an existing AppRole answers 400 "invalid role or secret ID", and an
   * unknown role_id does not count towards lockout (docs/vault-behaviour.md §2.4).
   */
  private async diagnoseLogin(res: VaultResponse, log: Logger): Promise<LoginFailureKind> {
    const error = res.errors[0] ?? '';
    if (res.status === 200) return loginAnswerKind(res);
    // docs/vault-behaviour.md §2.3: CIDR refusals name "the role" or "the secret ID"; test them first.
    if (res.status === 400 && /unauthorized (by|through) CIDR restrictions/i.test(error)) return 'cidr';
    // "invalid role or secret ID", "missing secret_id", and the race loser's `invalid secret_id "…"` (§14.2).
    if (res.status === 400) return /invalid role|secret[ _]id|role[ _]id|missing/i.test(error) ? 'credentials' : 'other';
    if (res.status === 404 || res.status === 405) return 'not-enabled';
    if (res.status === 503) return (await this.isUninitialised(log)) ? 'uninitialised' : 'other';
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

  /** An uninitialised Vault answers "sealed" everywhere; only sys/health tells (docs/vault-behaviour.md §14.7). */
  private async isUninitialised(log: Logger): Promise<boolean> {
    try {
      const health = await this.client.send({ method: 'GET', path: HEALTH_PATH, namespace: '' }, { retry: { maxAttempts: 1 }, log, signal: this.stop.signal });
      return health.body?.initialized === false;
    } catch {
      return false;
    }
  }
}

/** A login Vault refused (4xx, or a 200 without a usable token) was rejected; a 5xx means Vault could not answer it. */
function loginOutcomeOf(res: VaultResponse): LoginOutcome {
  return res.status >= 500 ? 'unavailable' : 'rejected';
}

/** A 200 to a login that gave no usable token (docs/vault-behaviour.md §14.6). */
function loginAnswerKind(res: VaultResponse): LoginFailureKind {
  const auth = authOf(res);
  if (auth?.mfa_requirement) return 'mfa';
  if (isWrappedOnly(res)) return 'wrapped';
  return 'unusable-token';
}

/** A token is sent back as a header: CR, LF or any other control character would break (or inject into) it. */
function isSendableToken(token: unknown): token is string {
  return typeof token === 'string' && SENDABLE_TOKEN.test(token);
}

function authOf(res: VaultResponse): LoginAuth | undefined {
  const auth = res.body?.auth;
  return auth && typeof auth === 'object' && !Array.isArray(auth) ? (auth as LoginAuth) : undefined;
}

/** A lease in seconds as Vault sends it; anything else (a string, a negative, NaN) counts as none. */
function seconds(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The login answer's auth block, untrusted: every field is checked where it is read. */
interface LoginAuth {
  client_token?: unknown;
  lease_duration?: unknown;
  renewable?: unknown;
  token_type?: unknown;
  num_uses?: unknown;
  policies?: unknown;
  token_policies?: unknown;
  mfa_requirement?: unknown;
}
