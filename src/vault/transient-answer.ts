import { isTransientStatus } from './retry';

/** The parts of an answer that tell whether it may pass by itself. */
export interface AnswerShape {
  status: number;
  errors: readonly string[];
}

/**
 * A KV v1 mount being upgraded to v2 answers 400 "Upgrading from non-versioned to versioned data.
 * This backend will be unavailable for a brief period…" until the upgrade ends: a 400 that a
 * retry cures (hashicorp/vault-plugin-secrets-kv upgrade.go; docs/vault-behaviour.md §14.10).
 */
export function isKvUpgradeAnswer(res: AnswerShape): boolean {
  return res.status === 400 && res.errors.some((e) => /upgrading from non-versioned to versioned data/i.test(e));
}

/** Worth a retry, and allowed to be served stale over: a transient status, or the KV upgrade's 400. */
export function isTransientAnswer(res: AnswerShape): boolean {
  return isTransientStatus(res.status) || isKvUpgradeAnswer(res);
}
