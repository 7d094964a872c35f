/**
 * Policy registry: a trial names its policy by `kind`; the factory registered under that
 * name builds it. Built-ins are registered at load; ROOT (or any experiment) is added with
 *
 *   registerPolicy('root', (cfg, trial) => myRootPolicy(cfg, trial), { schema: rootConfigSchema });
 *
 * `schema` (zod, optional) validates the policy's config section; its errors name the
 * field as `policy.<field>`.
 */
import type { z } from 'zod';
import { PluginError } from '../errors';
import {
  type PolicyTrialInfo,
  edgeAigcPolicy,
  edgeAigcPolicySchema,
  edgeOnlyPolicy,
  edgeOnlyPolicySchema,
  fixedPolicy,
  fixedPolicySchema,
  localOnlyPolicy,
  localOnlyPolicySchema,
  noFineTunePolicy,
  noFineTunePolicySchema,
} from './builtin';
import type { SplitPolicy } from './policy';
import { rootPolicy, rootPolicySchema } from './root-policy';

/** A policy section of a trial config: `kind` plus the policy's own fields. */
export type PolicyConfig = { kind: string } & Record<string, unknown>;

export type PolicyFactory<C = PolicyConfig> = (config: C, trial: PolicyTrialInfo) => SplitPolicy;

export interface PolicyRegistration {
  factory: PolicyFactory<never>;
  schema: z.ZodType | null;
  /** Whether requests may need an edge (false only for local-only). */
  needsEdge: boolean;
}

const policies = new Map<string, PolicyRegistration>();

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface RegisterPolicyOptions<C> {
  schema?: z.ZodType<C>;
  /** Default true; false tells the trial it need not wait for an edge. */
  needsEdge?: boolean;
  /** Replace an existing registration instead of throwing. */
  replace?: boolean;
}

export function registerPolicy<C extends PolicyConfig = PolicyConfig>(
  name: string,
  factory: PolicyFactory<C>,
  options: RegisterPolicyOptions<C> = {},
): void {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new TypeError(`registerPolicy: name must be 1-64 of a-z 0-9 . _ -, got ${JSON.stringify(name)}`);
  }
  if (typeof factory !== 'function') throw new TypeError('registerPolicy: factory must be a function');
  if (policies.has(name) && !options.replace) {
    throw new PluginError(`policy '${name}' is already registered (pass { replace: true } to replace it)`);
  }
  policies.set(name, {
    factory: factory,
    schema: options.schema ?? null,
    needsEdge: options.needsEdge ?? true,
  });
}

export function unregisterPolicy(name: string): boolean {
  return policies.delete(name);
}

export function policyNames(): string[] {
  return [...policies.keys()];
}

export function policyRegistration(name: string): PolicyRegistration | undefined {
  return policies.get(name);
}

/** Builds the policy of a validated config section. */
export function createPolicy(config: PolicyConfig, trial: PolicyTrialInfo): SplitPolicy {
  const reg = policies.get(config.kind);
  if (!reg) throw new PluginError(`unknown policy '${config.kind}' (known: ${policyNames().join(', ')})`);
  return reg.factory(config as never, trial);
}

registerPolicy('fixed', fixedPolicy, { schema: fixedPolicySchema });
registerPolicy('edge-only', edgeOnlyPolicy, { schema: edgeOnlyPolicySchema });
registerPolicy('local-only', localOnlyPolicy, { schema: localOnlyPolicySchema, needsEdge: false });
registerPolicy('no-fine-tune', noFineTunePolicy, { schema: noFineTunePolicySchema });
registerPolicy('edge-aigc', edgeAigcPolicy, { schema: edgeAigcPolicySchema });
registerPolicy('root', rootPolicy, { schema: rootPolicySchema });
