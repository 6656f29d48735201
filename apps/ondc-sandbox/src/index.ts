export { SandboxModule } from './sandbox.module';
export { SandboxNetwork, type SandboxParticipant, type SandboxPartner } from './network';
export { startSandbox, type RunningSandbox, type StandaloneSandboxOptions } from './start-sandbox';
export { sandboxOptionsFromEnv, SandboxConfigError } from './sandbox-config';
export * from './sandbox-options';
