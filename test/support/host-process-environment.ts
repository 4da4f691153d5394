import NodeEnvironment from 'jest-environment-node';

/**
 * Jest's node environment, plus the worker's real `process` as the global `hostProcess`. Each test
 * file gets its own copy of `process` whose events never fire, while Node emits
 * 'unhandledRejection' on the real one: a suite that must count unhandled rejections listens there
 * (`@jest-environment ./test/support/host-process-environment.ts`).
 */
export default class HostProcessEnvironment extends NodeEnvironment {
  async setup(): Promise<void> {
    await super.setup();
    this.global.hostProcess = process;
  }
}

/** The real process inside a suite run in this environment. */
export function hostProcess(): NodeJS.Process {
  const host = (globalThis as { hostProcess?: NodeJS.Process }).hostProcess;
  if (!host) throw new Error('run this suite with @jest-environment ./test/support/host-process-environment.ts');
  return host;
}
