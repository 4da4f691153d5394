/** Defaults of the connection's advanced options. */

export const DEFAULT_APPROLE_MOUNT = 'approle';
/** Long enough for a Vault under load, short enough that a flow run fails fast when it is down. */
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 10;
/** The built-in provider caches for 1 hour; we keep that as the default. */
export const DEFAULT_CACHE_TTL_SECONDS = 3600;
export const MAX_REQUEST_TIMEOUT_SECONDS = 300;
export const MAX_CACHE_TTL_SECONDS = 7 * 24 * 3600;
