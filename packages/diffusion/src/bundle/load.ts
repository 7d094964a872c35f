/**
 * Loads a bundle: the project's own (manifest.json) or a standard Stable Diffusion ONNX
 * export (model_index.json, Optimum's layout; ../standard/ builds its manifest). Creates one
 * ONNX Runtime session per component (once, reused for every request). A manifest's io lists
 * are checked against each session (names, dtypes, static dims); a standard export's are
 * taken from the sessions and checked against each other. Errors name the file and tensor.
 */
import { BundleError } from '../errors';
import { DDIMScheduler, parseSchedulerConfig } from '../ddim-scheduler';
import type { InferenceSession, OrtModule } from '../ort';
import { MODEL_INDEX_FILE } from '../standard/configs';
import { checkStandardIo, sessionIo } from '../standard/io';
import { STANDARD_LAYOUT, readStandardManifest, type StandardOptions } from '../standard/manifest';
import { loadClipTokenizer } from '../standard/tokenizer';
import { WordTokenizer, type PromptTokenizer, type TokenizerConfig } from '../tokenizer';
import {
  COMPONENT_NAMES,
  MANIFEST_FILE,
  REQUIRED_COMPONENTS,
  parseManifest,
  type BundleManifest,
  type ComponentName,
  type ComponentSpec,
  type IoSpec,
} from './manifest';
import { readJson, type BundleSource } from './source';

export interface LoadOptions extends StandardOptions {
  /** Session options (threads, graph optimisation, execution providers). */
  sessionOptions?: InferenceSession.SessionOptions;
  /**
   * Components to load (default: every component in a manifest.json; a standard export's
   * text encoder, UNet and VAE decoder).
   */
  components?: readonly ComponentName[];
}

export interface LoadedBundle {
  manifest: BundleManifest;
  tokenizer: PromptTokenizer;
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

/** Bytes of an ONNX file and, for a >2 GB export, its `model.onnx_data` next to it. */
async function createFromSource(
  ort: OrtModule,
  source: BundleSource,
  file: string,
  version: string | undefined,
  options: InferenceSession.SessionOptions | undefined,
): Promise<InferenceSession> {
  const bytes = await source.readBytes(file, version);
  let failure: unknown;
  try {
    return await ort.InferenceSession.create(bytes, options);
  } catch (err) {
    failure = err;
  }
  // Optimum writes weights over protobuf's 2 GB limit (SD's fp32 UNet) to model.onnx_data.
  const dataFile = `${file}_data`;
  const data = await source.readBytes(dataFile, version).catch(() => null);
  if (data) {
    const path = dataFile.slice(dataFile.lastIndexOf('/') + 1);
    try {
      return await ort.InferenceSession.create(bytes, { ...options, externalData: [{ path, data }] });
    } catch (err) {
      failure = err;
    }
  }
  throw new BundleError(`${source.location}/${file}: ONNX Runtime cannot load it: ${String(failure)}`, {
    cause: failure,
  });
}

async function createSession(
  ort: OrtModule,
  source: BundleSource,
  manifest: BundleManifest,
  name: ComponentName,
  spec: ComponentSpec,
  options: InferenceSession.SessionOptions | undefined,
): Promise<{ session: InferenceSession; spec: ComponentSpec }> {
  const session = await createFromSource(
    ort,
    source,
    spec.file,
    // The content's identity for caching sources; a standard export's built manifest gives no
    // sizes, so its files are not cached (a different export at the same URL must not be stale).
    spec.bytes === undefined ? undefined : `${manifest.name}-${spec.bytes}`,
    options,
  );
  if (manifest.layout === STANDARD_LAYOUT) {
    // No manifest to check against: the session says what the file takes and gives.
    try {
      return {
        session,
        spec: { ...spec, ...sessionIo(session, `${source.location}/${spec.file} (${name})`) },
      };
    } catch (err) {
      await session.release();
      throw err;
    }
  }
  const problem =
    ioMismatch('input', spec.inputs, session.inputNames, session.inputMetadata) ??
    ioMismatch('output', spec.outputs, session.outputNames, session.outputMetadata);
  if (problem) {
    await session.release();
    throw new BundleError(`${source.location}/${spec.file} (${name}): ${problem}`);
  }
  return { session, spec };
}

/**
 * The bundle's manifest: `<source>/manifest.json` when there is one (validated; errors name the
 * file and the field), else one built from a standard export's model_index.json and configs.
 */
export async function readManifest(
  source: BundleSource,
  options: StandardOptions = {},
): Promise<BundleManifest> {
  const bytes = await source.readBytes(MANIFEST_FILE).catch(() => null);
  if (bytes) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    } catch (err) {
      throw new BundleError(`${source.location}/${MANIFEST_FILE}: not valid JSON`, { cause: err });
    }
    const m = parseManifest(json, `${source.location}/${MANIFEST_FILE}`);
    const size = options.imageSize;
    if (size && (size[0] !== m.image.height || size[1] !== m.image.width))
      throw new TypeError(
        `imageSize ${size.join('x')}: ${source.location}/${MANIFEST_FILE} fixes the image at ${m.image.height}x${m.image.width}`,
      );
    return m;
  }
  try {
    await source.readBytes(MODEL_INDEX_FILE);
  } catch (err) {
    throw new BundleError(
      `${source.location}: neither ${MANIFEST_FILE} (a project bundle) nor ${MODEL_INDEX_FILE} (a diffusers ONNX export) can be read`,
      { cause: err },
    );
  }
  return readStandardManifest(source, options);
}

async function loadTokenizer(source: BundleSource, manifest: BundleManifest): Promise<PromptTokenizer> {
  const spec = manifest.tokenizer;
  if (spec.type === 'clip-bpe') return loadClipTokenizer(source, spec);
  const vocab = (await readJson(source, spec.vocab)) as Record<string, number>;
  const tokConfig = (await readJson(source, spec.config)) as TokenizerConfig;
  return new WordTokenizer(vocab, tokConfig);
}

export async function loadBundle(
  source: BundleSource,
  ort: OrtModule,
  options: LoadOptions = {},
): Promise<LoadedBundle> {
  const read = await readManifest(source, options);
  const tokenizer = await loadTokenizer(source, read);
  const schedulerConfig = parseSchedulerConfig(await readJson(source, read.scheduler));
  const standard = read.layout === STANDARD_LAYOUT;
  const defaults: readonly ComponentName[] = standard ? REQUIRED_COMPONENTS : COMPONENT_NAMES;
  const wanted = options.components ?? defaults.filter((n) => read.components[n] !== undefined);
  const sessions: Partial<Record<ComponentName, InferenceSession>> = {};
  const components = { ...read.components };
  try {
    // Sequential on purpose: session creation is CPU-bound and parallel creation only
    // contends on small devices (phones).
    for (const name of wanted) {
      const spec = read.components[name];
      if (!spec) throw new BundleError(`${source.location}: manifest has no component '${name}'`);
      const made = await createSession(ort, source, read, name, spec, options.sessionOptions);
      sessions[name] = made.session;
      components[name] = made.spec;
    }
  } catch (err) {
    await Promise.all(Object.values(sessions).map((s) => s.release()));
    throw err;
  }
  const manifest: BundleManifest = { ...read, components };
  if (standard) {
    try {
      checkStandardIo(manifest, source.location);
    } catch (err) {
      await Promise.all(Object.values(sessions).map((s) => s.release()));
      throw err;
    }
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
