// KV version 2 (docs/vault-behaviour.md §5): versions, soft delete / destroy, metadata, check-and-set.
import type { Backend, BackendCall } from './backend';
import { goDuration, parseDurationSeconds, rfc3339 } from './durations';
import { listChildren } from './kv-v1';
import {
  Reply,
  badRequest,
  forcedReply,
  noContent,
  notFound,
  okReply,
  unsupportedOperation,
} from './responses';
import type { Operation } from './types';

const DEFAULT_MAX_VERSIONS = 10; // docs/vault-behaviour.md §5.2

interface Version {
  data: Record<string, unknown> | null; // null once destroyed
  createdMs: number;
  deletionMs: number | null;
  destroyed: boolean;
}

interface Secret {
  versions: Map<number, Version>;
  currentVersion: number;
  oldestVersion: number;
  createdMs: number;
  updatedMs: number;
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: number;
  customMetadata: Record<string, string> | null;
}

interface KvConfig {
  maxVersions: number;
  casRequired: boolean;
  deleteVersionAfter: number;
}

/** docs/vault-behaviour.md §5.1: the verb the CLI would use, for the "Invalid path" warning. */
const CLI_VERB: Record<Operation, string> = { create: 'put', update: 'put', patch: 'patch', read: 'get', list: 'list', delete: 'delete' };

/** docs/vault-behaviour.md §14.10 (KV upgrade.go:46): the answer while a v1 mount is being upgraded to v2. */
export const KV_UPGRADING =
  'Upgrading from non-versioned to versioned data. This backend will be unavailable for a brief period and will resume service shortly.';

const SUBPATH = /^(data|metadata|delete|undelete|destroy)(?:\/(.*))?$/s;

export class KvV2Backend implements Backend {
  private readonly secrets = new Map<string, Secret>();
  private readonly config: KvConfig = { maxVersions: 0, casRequired: false, deleteVersionAfter: 0 };
  /** docs/vault-behaviour.md §14.10: the upgrade runs until this clock time (ms); null = not upgrading */
  private upgradingUntilMs: number | null = null;

  /** docs/vault-behaviour.md §14.10: answer every request with the upgrade error until `untilMs` (Infinity = until cleared). */
  setUpgrading(untilMs: number | null): void {
    this.upgradingUntilMs = untilMs;
  }

  /** docs/vault-behaviour.md §5.2: data/ and metadata/ writes are create when the key has no metadata yet. */
  existenceCheck(sub: string): boolean | undefined {
    const m = SUBPATH.exec(sub);
    if (!m || (m[1] !== 'data' && m[1] !== 'metadata') || !m[2]) return undefined;
    return this.secrets.has(m[2]);
  }

  handle(call: BackendCall): Reply {
    const { ctx, sub } = call;
    // docs/vault-behaviour.md §14.10: transient 400 on every path of the mount while the upgrade runs
    if (this.upgradingUntilMs !== null && this.now(call) < this.upgradingUntilMs) return badRequest(KV_UPGRADING);
    if (sub === 'config') return this.handleConfig(call);
    const m = SUBPATH.exec(sub);
    if (!m) return invalidPath(ctx.op);
    const [, kind, key = ''] = m;
    if (key === '' || key === '/') {
      if (kind === 'metadata' && ctx.op === 'list') return this.list(call, '');
      // docs/vault-behaviour.md §5.1: bare data/metadata/delete/undelete/destroy
      return forcedReply(404, { warnings: ['Non-listing operations on the root of a K/V v2 mount are not supported.'] });
    }
    switch (kind) {
      case 'data':
        return this.handleData(call, key);
      case 'metadata':
        return this.handleMetadata(call, key);
      default:
        return ctx.op === 'update' || ctx.op === 'create' ? this.changeVersions(call, kind, key) : unsupportedOperation();
    }
  }

  private now(call: BackendCall): number {
    return call.state.clock();
  }

  // ---------- data/ ----------

  private handleData(call: BackendCall, key: string): Reply {
    switch (call.ctx.op) {
      case 'read':
        return this.read(call, key);
      case 'create':
      case 'update':
        return this.write(call, key);
      case 'delete':
        return this.softDeleteLatest(call, key);
      default:
        return unsupportedOperation();
    }
  }

  private read(call: BackendCall, key: string): Reply {
    const secret = this.secrets.get(key);
    if (!secret) return notFound(); // docs/vault-behaviour.md §5.1: never written ⇒ 404 {"errors":[]}
    const requested = Number(call.ctx.data.version ?? 0);
    if (!Number.isInteger(requested)) return badRequest(`error converting input ${String(call.ctx.data.version)} for field "version"`);
    const number = requested > 0 ? requested : secret.currentVersion; // docs/vault-behaviour.md §14.10 (KV path_data.go:196-200): used only when N > 0
    const version = secret.versions.get(number);
    if (!version) return notFound();
    const metadata = versionMetadata(secret, number, version);
    if (version.destroyed || (version.deletionMs !== null && version.deletionMs <= this.now(call))) {
      // docs/vault-behaviour.md §5.1: deleted/destroyed ⇒ 404 with the full envelope, data.data null, no mount_type
      return forcedReply(404, { data: { data: null, metadata } });
    }
    // docs/vault-behaviour.md §5.1: a future deletion_time still returns 200
    return okReply({ data: { data: version.data, metadata }, mountType: 'kv' });
  }

  private write(call: BackendCall, key: string): Reply {
    const body = call.ctx.data;
    const data = body.data;
    if (data === undefined || data === null) return badRequest('no data provided'); // docs/vault-behaviour.md §5.2
    if (typeof data !== 'object' || Array.isArray(data)) return badRequest('no data provided');
    const existing = this.secrets.get(key);
    const casError = this.checkCas(body.options, existing);
    if (casError) return badRequest(casError);
    const now = this.now(call);
    const secret = existing ?? this.newSecret(now);
    const number = secret.currentVersion + 1;
    const dva = secret.deleteVersionAfter || this.config.deleteVersionAfter;
    secret.versions.set(number, { data: { ...(data as Record<string, unknown>) }, createdMs: now, deletionMs: dva > 0 ? now + dva * 1000 : null, destroyed: false });
    secret.currentVersion = number;
    secret.updatedMs = now;
    this.prune(secret);
    this.secrets.set(key, secret);
    return okReply({ data: versionMetadata(secret, number, secret.versions.get(number)!), mountType: 'kv' });
  }

  /** docs/vault-behaviour.md §5.2: cas errors */
  private checkCas(options: unknown, existing: Secret | undefined): string | undefined {
    const raw = options && typeof options === 'object' ? (options as Record<string, unknown>).cas : undefined;
    const required = this.config.casRequired || (existing?.casRequired ?? false);
    if (raw === undefined || raw === null) return required ? 'check-and-set parameter required for this call' : undefined;
    const cas = typeof raw === 'number' ? raw : /^\d+$/.test(String(raw)) ? Number(raw) : NaN;
    if (!Number.isInteger(cas)) return 'error parsing check-and-set parameter';
    // docs/vault-behaviour.md §5.2: cas 0 only succeeds if the key doesn't exist
    return cas === (existing?.currentVersion ?? 0) ? undefined : 'check-and-set parameter did not match the current version';
  }

  private newSecret(now: number): Secret {
    return {
      versions: new Map(),
      currentVersion: 0,
      oldestVersion: 0,
      createdMs: now,
      updatedMs: now,
      maxVersions: 0,
      casRequired: false,
      deleteVersionAfter: 0,
      customMetadata: null,
    };
  }

  /** docs/vault-behaviour.md §5.2: default max 10 versions, oldest pruned. */
  private prune(secret: Secret): void {
    const max = secret.maxVersions || this.config.maxVersions || DEFAULT_MAX_VERSIONS;
    const numbers = [...secret.versions.keys()].sort((a, b) => a - b);
    while (numbers.length > max) secret.versions.delete(numbers.shift()!);
    secret.oldestVersion = numbers.length ? numbers[0] : 0;
  }

  private softDeleteLatest(call: BackendCall, key: string): Reply {
    const secret = this.secrets.get(key);
    const version = secret?.versions.get(secret.currentVersion);
    if (version && !version.destroyed && (version.deletionMs === null || version.deletionMs > this.now(call))) {
      version.deletionMs = this.now(call);
    }
    return noContent(); // docs/vault-behaviour.md §5.2: DELETE data/ ⇒ 204
  }

  // ---------- delete/ undelete/ destroy/ ----------

  private changeVersions(call: BackendCall, kind: string, key: string): Reply {
    const versions = Array.isArray(call.ctx.data.versions) ? call.ctx.data.versions.map(Number) : [];
    if (versions.length === 0) return badRequest('no version number provided');
    const secret = this.secrets.get(key);
    const now = this.now(call);
    for (const n of versions) {
      const v = secret?.versions.get(n);
      if (!v || v.destroyed) continue;
      if (kind === 'delete' && (v.deletionMs === null || v.deletionMs > now)) v.deletionMs = now;
      if (kind === 'undelete') v.deletionMs = null;
      if (kind === 'destroy') [v.destroyed, v.data] = [true, null];
    }
    return noContent(); // docs/vault-behaviour.md §5.2: ⇒ 204
  }

  // ---------- metadata/ ----------

  private handleMetadata(call: BackendCall, key: string): Reply {
    switch (call.ctx.op) {
      case 'read': {
        const secret = this.secrets.get(key);
        return secret ? okReply({ data: metadataData(secret), mountType: 'kv' }) : notFound(); // docs/vault-behaviour.md §5.3
      }
      case 'list':
        return this.list(call, key);
      case 'create':
      case 'update':
        return this.writeMetadata(call, key);
      case 'delete':
        this.secrets.delete(key);
        return noContent();
      default:
        return unsupportedOperation();
    }
  }

  /** docs/vault-behaviour.md §5.3: folders end in "/", empty or missing ⇒ 404; optional exclude_deleted. */
  private list(call: BackendCall, prefix: string): Reply {
    const excludeDeleted = String(call.ctx.data.exclude_deleted ?? '') === 'true';
    const now = this.now(call);
    const live = [...this.secrets.entries()].filter(([, s]) => !excludeDeleted || isCurrentLive(s, now)).map(([k]) => k);
    const keys = listChildren(live, prefix);
    return keys.length ? okReply({ data: { keys }, mountType: 'kv' }) : notFound();
  }

  private writeMetadata(call: BackendCall, key: string): Reply {
    const d = call.ctx.data;
    const secret = this.secrets.get(key) ?? this.newSecret(this.now(call));
    try {
      if (d.max_versions !== undefined) secret.maxVersions = Number(d.max_versions);
      if (d.cas_required !== undefined) secret.casRequired = d.cas_required === true || d.cas_required === 'true';
      if (d.delete_version_after !== undefined) secret.deleteVersionAfter = parseDurationSeconds(d.delete_version_after);
    } catch (err) {
      return badRequest((err as Error).message);
    }
    if (d.custom_metadata !== undefined) secret.customMetadata = (d.custom_metadata as Record<string, string>) ?? null;
    secret.updatedMs = this.now(call);
    this.secrets.set(key, secret);
    return noContent();
  }

  // ---------- config ----------

  private handleConfig(call: BackendCall): Reply {
    const d = call.ctx.data;
    if (call.ctx.op === 'read') {
      return okReply({
        data: { cas_required: this.config.casRequired, delete_version_after: goDuration(this.config.deleteVersionAfter), max_versions: this.config.maxVersions },
        mountType: 'kv',
      });
    }
    if (call.ctx.op !== 'update' && call.ctx.op !== 'create') return unsupportedOperation();
    if (d.max_versions !== undefined) this.config.maxVersions = Number(d.max_versions);
    if (d.cas_required !== undefined) this.config.casRequired = d.cas_required === true || d.cas_required === 'true';
    if (d.delete_version_after !== undefined) this.config.deleteVersionAfter = parseDurationSeconds(d.delete_version_after);
    return noContent();
  }
}

function isCurrentLive(s: Secret, now: number): boolean {
  const v = s.versions.get(s.currentVersion);
  return !!v && !v.destroyed && (v.deletionMs === null || v.deletionMs > now);
}

/** docs/vault-behaviour.md §5.1: {created_time, custom_metadata, deletion_time, destroyed, version} */
function versionMetadata(secret: Secret, number: number, v: Version): Record<string, unknown> {
  return {
    created_time: rfc3339(v.createdMs),
    custom_metadata: secret.customMetadata,
    deletion_time: v.deletionMs === null ? '' : rfc3339(v.deletionMs),
    destroyed: v.destroyed,
    version: number,
  };
}

/** docs/vault-behaviour.md §5.3: GET metadata/<path> data */
function metadataData(s: Secret): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const [n, v] of s.versions) {
    versions[String(n)] = { created_time: rfc3339(v.createdMs), deletion_time: v.deletionMs === null ? '' : rfc3339(v.deletionMs), destroyed: v.destroyed };
  }
  return {
    cas_required: s.casRequired,
    created_time: rfc3339(s.createdMs),
    current_version: s.currentVersion,
    custom_metadata: s.customMetadata,
    delete_version_after: goDuration(s.deleteVersionAfter),
    max_versions: s.maxVersions,
    oldest_version: s.oldestVersion,
    updated_time: rfc3339(s.updatedMs),
    versions,
  };
}

/** docs/vault-behaviour.md §5.1: any other path on a v2 mount ⇒ 404 envelope with the CLI-verb warning. */
function invalidPath(op: Operation): Reply {
  return forcedReply(404, {
    warnings: [
      `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${CLI_VERB[op]}' for this operation.`,
    ],
  });
}
