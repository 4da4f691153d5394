/**
 * The provider's messages name the connection form (the CA certificate option, the Namespace
 * field); on the command line the same setting is a flag or a VAULT_* variable. Each row rewrites
 * one such phrase; test/cli/wording.test.ts feeds the provider's real messages through them, so a
 * reworded message there shows up as a failing test here.
 */
const ROWS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Paste the CA certificate \(PEM\) that issued it in the CA certificate option/g, 'Pass the file of the CA certificate (PEM) that issued it with --ca-cert <file> or VAULT_CACERT'],
  [/The CA certificate in the connection did not sign it: paste the CA \(PEM\)/g, 'The CA certificate given with --ca-cert / VAULT_CACERT did not sign it: give the file of the CA (PEM)'],
  [/raise the request timeout/g, 'raise --timeout <seconds>'],
  [/set the AppRole mount option to where it is enabled/g, 'pass --approle-mount <path> with where it is enabled'],
  [/or set the AppRole mount option\)/g, 'or pass --approle-mount <path>)'],
  [/set the Namespace \(or Auth namespace\) field/g, 'pass --namespace (or --auth-namespace)'],
  [/Check the Auth namespace field/g, 'Check --auth-namespace'],
  [/Check the Namespace field/g, 'Check --namespace (or VAULT_NAMESPACE)'],
  [/^caCertificate must be/g, 'The --ca-cert file (or VAULT_CACERT) must be'],
  [/^appRoleMount "/g, '--approle-mount "'],
  [/^requestTimeoutSeconds must/g, '--timeout must'],
];

export function cliWording(message: string): string {
  return ROWS.reduce((text, [phrase, replacement]) => text.replace(phrase, replacement), message);
}
