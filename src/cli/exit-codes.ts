/**
 * Exit codes of `ap-vault`, for scripts:
 * 0 everything passed; 1 Vault answered and something is wrong (login refused, permission denied,
 * secret not found); 2 usage or configuration error (nothing was sent to Vault); 3 Vault could not
 * be reached or is unavailable (network, TLS, sealed, 5xx, rate limited): worth retrying later;
 * 70 an internal error of this tool. No imports: `--help` and usage errors load nothing else.
 */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  UNAVAILABLE: 3,
  INTERNAL: 70,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
