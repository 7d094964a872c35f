/**
 * Loads a bundle: reads and validates manifest.json, creates one ONNX Runtime session per
 * component (once, reused for every request), and checks each session's input/output
 * names, dtypes and static dimensions against the manifest, failing with an error that
 * names the file and the mismatch.
 */
import { BundleError } from '../errors';
import { DDIMScheduler, parseSchedulerConfig } from '../ddim-scheduler';
import type { InferenceSession, OrtModule } from '../ort';
import { WordTokenizer, type TokenizerConfig } from '../tokenizer';
import {
  COMPONENT_NAMES,
  MANIFEST_FILE,
  parseManifest,
  type BundleManifest,
  type ComponentName,
  type ComponentSpec,
  type IoSpec,
} from './manifest';
import { readJson, type BundleSource } from './source';

export interface LoadOptions {
  /** Session options (threads, graph optimisation, execution providers). */
  sessionOptions?: InferenceSession.SessionOptions;
  /** Components to load (default: every component in the manifest). */
  components?: readonly ComponentName[];
}

export interface LoadedBundle {
  manifest: BundleManifest;
  tokenizer: WordTokenizer;
  schedulerConfig: ReturnType<typeof parseSchedulerConfig>;
  newScheduler(): DDIMScheduler;
  sessions: Partial<Record<ComponentName, InferenceSession>>;
  session(name: ComponentName): InferenceSession;
  source: BundleSource;
  /** Releases every session. */
  release(): Promise<void>;
}

/** Compares a session's metadata with the manifest's spec; returns the first mismatch. */
export function ioMismatch(
  kind: 'input' | 'output',
  specs: IoSpec[],
  names: readonly string[],
  meta: readonly InferenceSession.ValueMetadata[] | undefined,
): string | null {
  const want = specs.map((s) => s.name);
  if (want.join(',') !== names.join(',')) {
    return `${kind} names [${names.join(', ')}] differ from the manifest's [${want.join(', ')}]`;
  }
  if (!meta) return null; // older runtimes expose no metadata: names are all we can check
  for (const spec of specs) {
    const m = meta.find((x) => x.name === spec.name);
    if (!m?.isTensor) continue;
    if (m.type !== spec.dtype)
      return `${kind} '${spec.name}' has dtype ${m.type}, manifest says ${spec.dtype}`;
    if (m.shape.length > 0 && m.shape.length !== spec.shape.length) {
      return `${kind} '${spec.name}' has rank ${m.shape.length}, manifest says ${spec.shape.length}`;
    }
    for (let i = 0; i < m.shape.length; i++) {
      const a = m.shape[i];
      const b = spec.shape[i];
      if (typeof a === 'number' && typeof b === 'number' && a !== b) {
        return `${kind} '${spec.name}' dim ${i} is ${a}, manifest says ${b}`;
      }
    }
  }
  return null;
}

async function createSession(
  ort: OrtModule,
  source: BundleSource,
  manifest: BundleManifest,
  name: ComponentName,
  spec: ComponentSpec,
  options: InferenceSession.SessionOptions | undefined,
): Promise<InferenceSession> {
  const bytes = await source.readBytes(spec.file, `${manifest.name}-${spec.bytes ?? 'x'}`);
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, options);
  } catch (err) {
    throw new BundleError(`${source.location}/${spec.file}: ONNX Runtime cannot load it: ${String(err)}`, {
      cause: err,
    });
  }
  const problem =
    ioMismatch('input', spec.inputs, session.inputNames, session.inputMetadata) ??
    ioMismatch('output', spec.outputs, session.outputNames, session.outputMetadata);
  if (problem) {
    await session.release();
    throw new BundleError(`${source.location}/${spec.file} (${name}): ${problem}`);
  }
  return session;
}

/** Reads and validates `<source>/manifest.json`; errors name the file and the field. */
export async function readManifest(source: BundleSource): Promise<BundleManifest> {
  return parseManifest(await readJson(source, MANIFEST_FILE), `${source.location}/${MANIFEST_FILE}`);
}

export async function loadBundle(
  source: BundleSource,
  ort: OrtModule,
  options: LoadOptions = {},
): Promise<LoadedBundle> {
  const manifest = await readManifest(source);
  const vocab = (await readJson(source, manifest.tokenizer.vocab)) as Record<string, number>;
  const tokConfig = (await readJson(source, manifest.tokenizer.config)) as TokenizerConfig;
  const tokenizer = new WordTokenizer(vocab, tokConfig);
  const schedulerConfig = parseSchedulerConfig(await readJson(source, manifest.scheduler));
  const wanted = options.components ?? COMPONENT_NAMES.filter((n) => manifest.components[n] !== undefined);
  const sessions: Partial<Record<ComponentName, InferenceSession>> = {};
  try {
    // Sequential on purpose: session creation is CPU-bound and parallel creation only
    // contends on small devices (phones).
    for (const name of wanted) {
      const spec = manifest.components[name];
      if (!spec) throw new BundleError(`${source.location}: manifest has no component '${name}'`);
      sessions[name] = await createSession(ort, source, manifest, name, spec, options.sessionOptions);
    }
  } catch (err) {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
    throw err;
  }
  return {
    manifest,
    tokenizer,
    schedulerConfig,
    newScheduler: () => new DDIMScheduler(schedulerConfig),
    sessions,
    source,
    session(name: ComponentName): InferenceSession {
      const s = sessions[name];
      if (!s) throw new BundleError(`component '${name}' is not loaded from ${source.location}`);
      return s;
    },
    async release(): Promise<void> {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
    },
  };
}
