/**
 * The one object apps use: load a bundle once, then edge steps, receiver steps, decode and
 * consistency checks, all on sessions created once and reused.
 */
import { loadBundle, type LoadedBundle, type LoadOptions } from './bundle/load';
import { readJson, type BundleSource } from './bundle/source';
import { captionConsistency, type ConsistencyResult } from './checker';
import { decodeLatent, type DecodedImage } from './decode';
import type { CaptionGrammar } from './grammar';
import type { OrtModule } from './ort';
import { SplitSampler } from './sampler';

export class SplitPipeline extends SplitSampler {
  constructor(
    bundle: LoadedBundle,
    ort: OrtModule,
    readonly grammar: CaptionGrammar | null,
  ) {
    super(bundle, ort);
  }

  static async load(source: BundleSource, ort: OrtModule, options: LoadOptions = {}): Promise<SplitPipeline> {
    const bundle = await loadBundle(source, ort, options);
    const g = bundle.manifest.grammar
      ? ((await readJson(source, bundle.manifest.grammar)) as CaptionGrammar)
      : null;
    return new SplitPipeline(bundle, ort, g);
  }

  decode(z0: Float32Array): Promise<DecodedImage> {
    return decodeLatent(this.bundle, this.ort, z0);
  }

  /** Caption consistency of a decoded image against its prompt (needs the checker and grammar). */
  consistency(prompt: string, image: DecodedImage): Promise<ConsistencyResult> {
    if (!this.grammar) throw new TypeError('consistency: the bundle has no caption grammar');
    return captionConsistency(this.bundle, this.ort, this.grammar, prompt, image.raw);
  }

  release(): Promise<void> {
    return this.bundle.release();
  }
}
