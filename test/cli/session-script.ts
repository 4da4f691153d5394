/**
 * Prints the example session of docs/cli.md from a real run: the Vault double, provisioned as an
 * admin would, then ap-vault's commands through `main` exactly as the shell runs them.
 * Run: node -r ts-node/register/transpile-only test/cli/session-script.ts > /tmp/session.md
 * The double's port and random names differ per run; nothing else should.
 */
import { main } from '../../src/cli';
import type { CliIo } from '../../src/cli';
import { provisionAppRole } from '../../src/testing/vault-admin';
import { VaultDouble } from '../../src/testing/vault-double';
import { VaultAdmin } from '../../src/testing/vault-admin';

function shellIo(env: Record<string, string>, lines: string[]): CliIo {
  return { env, stdout: (t) => lines.push(t), stderr: (t) => lines.push(t), readFile: () => { throw new Error('no files in the session'); } };
}

async function session(): Promise<void> {
  const double = await VaultDouble.start({ enterprise: false });
  try {
    const admin = new VaultAdmin(double.url, double.rootToken);
    const setup = await provisionAppRole(admin, { approleMount: 'approle', kvMount: 'secret' });
    await admin.putKv2('secret', 'crm', { api_key: 'sk_live_0123456789abcdef', subdomain: 'acme' });
    const env = { VAULT_ADDR: double.url, VAULT_ROLE_ID: '<role id>', VAULT_SECRET_ID: '<secret id>' };
    const real = { ...env, VAULT_ROLE_ID: setup.credentials.roleId, VAULT_SECRET_ID: setup.credentials.secretId };
    const commands: string[][] = [
      ['--version'],
      ['check', '--path', 'secret/data/crm/api_key'],
      ['resolve', 'secret/data/crm'],
      ['resolve', 'secret/data/crm/api_key'],
      ['check', '--namespace', 'team-a'],
      ['check', '--url', 'vault.example:8200'],
      ['check', '--url', `${double.url}/v1/`],
    ];
    const out: string[] = ['```console', `$ export VAULT_ADDR=${env.VAULT_ADDR} VAULT_ROLE_ID=${env.VAULT_ROLE_ID} VAULT_SECRET_ID=${env.VAULT_SECRET_ID}`];
    for (const argv of commands) {
      out.push(`$ ap-vault ${argv.join(' ')}`);
      const code = await main(argv, shellIo(real, out));
      out.push(`$ echo $?`, String(code));
    }
    out.push('```');
    process.stdout.write(`${out.join('\n').split(setup.approleMount).join('approle')}\n`);
  } finally {
    await double.stop();
  }
}

void session();
