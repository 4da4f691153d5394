/**
 * `ap-vault check` names the node the URL reaches (issue 12.5): sys/health with a distinct code per
 * state, answered at once (never retried), against a stand-in that answers as docs/vault-behaviour.md
 * §14.7 says; and a namespace on Community Edition is a ✗ (§14.9), against the double.
 */
import { ExitCode, main } from '../../src/cli';
import { editionOf } from '../../src/vault/edition';
import { HEALTH_PATH } from '../../src/vault/health';
import { provisionAppRole } from '../../src/testing/vault-admin';
import type { VaultDouble } from '../../src/testing/vault-double';
import { startDouble, type VaultTarget } from '../support/vault-target';
import { captureIo } from './capture-io';
import { startHealthServer, type HealthServer, type HealthState } from './health-server';

let server: HealthServer;
beforeAll(async () => {
  server = await startHealthServer('active');
});
afterAll(async () => server.stop());
beforeEach(() => {
  server.requests.length = 0;
  server.version = '1.21.0';
});

async function check(url: string, extra: string[] = []) {
  const io = captureIo({ VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' });
  const code = await main(['check', '--url', url, '--json', ...extra], io);
  const doc = JSON.parse(io.stdoutText()) as { steps: { id: string; status: string; detail: string }[] };
  return { code, steps: doc.steps, stderr: io.stderrText() };
}

const step = (steps: { id: string }[], id: string) => steps.find((s) => s.id === id) as { id: string; status: string; detail: string } | undefined;

describe('each node state is named from the first sys/health answer', () => {
  it.each<[HealthState, string, RegExp, number]>([
    ['dr-secondary', 'node', /is a disaster-recovery \(DR\) secondary: .*Point the URL at the primary cluster/, ExitCode.FAILED],
    ['ha-unhealthy', 'node', /is a standby that has lost contact with the active node \(HA unhealthy\)/, ExitCode.UNAVAILABLE],
    ['removed', 'node', /has been removed from its cluster and serves nothing\. Point the URL at a node that is still in the cluster/, ExitCode.UNAVAILABLE],
    ['sealed', 'unsealed', /is sealed\. Unseal it \(vault operator unseal\)/, ExitCode.UNAVAILABLE],
    ['uninitialised', 'unsealed', /is not initialised.*\(vault operator init\)/, ExitCode.UNAVAILABLE],
  ])('%s: ✗ with its fix, one request, nothing after it', async (state, id, message, exitCode) => {
    server.state = state;
    const { code, steps, stderr } = await check(server.url);
    expect(code).toBe(exitCode);
    expect(step(steps, id)).toEqual({ id, title: expect.any(String), status: 'fail', detail: expect.stringMatching(message) });
    expect(steps.at(-1)!.id).toBe(id);
    // Never retried: the defaults (472, 474, 503, 530…) would have been.
    expect(server.requests).toEqual([`/v1/${HEALTH_PATH}`]);
    expect(stderr).toBe('');
  });

  it.each<[HealthState, RegExp]>([
    ['active', /^active node$/],
    ['standby', /^standby node: it forwards requests to the active node/],
    ['performance-standby', /^performance standby node \(Enterprise\)/],
  ])('%s: ✓ named, and the walk goes on to the login', async (state, detail) => {
    server.state = state;
    const { steps } = await check(server.url);
    expect(step(steps, 'node')).toMatchObject({ status: 'ok', detail: expect.stringMatching(detail) });
    expect(step(steps, 'login')).toBeDefined();
    expect(server.requests[0]).toBe(`/v1/${HEALTH_PATH}`);
  });

  it('asks for every state by its own parameter, and never with standbyok/perfstandbyok', () => {
    const query = new URLSearchParams(HEALTH_PATH.split('?')[1]);
    const params = ['activecode', 'standbycode', 'performancestandbycode', 'drsecondarycode', 'haunhealthycode', 'removedcode', 'sealedcode', 'uninitcode'];
    expect([...query.keys()].sort()).toEqual([...params].sort());
    const codes = params.map((p) => Number(query.get(p)));
    expect(new Set(codes).size).toBe(params.length);
    for (const code of codes) expect(code >= 200 && code < 300 && code !== 204).toBe(true);
  });
});

describe('edition and namespace', () => {
  it('reads the edition from the version (and the enterprise flag)', () => {
    expect(editionOf({ version: '1.21.0+ent' })).toBe('enterprise');
    expect(editionOf({ version: '1.15.2+ent.hsm' })).toBe('enterprise');
    expect(editionOf({ version: '1.21.0', enterprise: true })).toBe('enterprise');
    expect(editionOf({ version: '1.21.0' })).toBe('community');
    // OpenBao reports no +ent, and honours namespaces since 2.3: no verdict.
    expect(editionOf({ version: '2.1.0' })).toBe('unknown');
    expect(editionOf({})).toBe('unknown');
  });

  it('an unknown edition with a namespace set: skipped with the reason, not a ✗', async () => {
    server.version = '2.1.0';
    const { steps } = await check(server.url, ['--namespace', 'team-a']);
    expect(step(steps, 'namespace')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/cannot tell from version 2\.1\.0/) });
  });

  describe('against the double as Community Edition', () => {
    let ce: VaultTarget & { double: VaultDouble };
    let setup: Awaited<ReturnType<typeof provisionAppRole>>;
    beforeAll(async () => {
      ce = await startDouble({ enterprise: false });
      setup = await provisionAppRole(ce.admin);
    });
    afterAll(async () => ce.stop());

    const flags = () => ['check', '--url', ce.url, '--role-id', setup.credentials.roleId, '--secret-id', setup.credentials.secretId, '--approle-mount', setup.approleMount];

    it('a namespace set: ✗ saying Community Edition ignores it, exit code 1; the rest still walked', async () => {
      const io = captureIo();
      const code = await main([...flags(), '--namespace', 'team-a'], io);
      expect(code).toBe(ExitCode.FAILED);
      const at = io.out.indexOf('✗ Namespace honoured');
      expect(at).toBeGreaterThan(0);
      expect(io.out[at + 1]).toBe(
        `    Vault 1.21.0 at ${ce.url} is Community Edition, which ignores namespaces: with namespace "team-a" set, every request would log in and read in the root namespace. `
          + 'Remove --namespace / --auth-namespace (and VAULT_NAMESPACE), or point the URL at Vault Enterprise or HCP Vault.',
      );
      expect(io.out.some((l) => l.startsWith('✓ AppRole login'))).toBe(true);
    });

    it('no namespace: no namespace step, all checks pass', async () => {
      const io = captureIo();
      expect(await main(flags(), io)).toBe(ExitCode.OK);
      expect(io.out.some((l) => l.includes('Namespace honoured'))).toBe(false);
      expect(io.out).toContain(`✓ Vault reachable: Vault 1.21.0 at ${ce.url}`);
    });
  });
});
