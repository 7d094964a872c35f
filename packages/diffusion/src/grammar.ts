/**
 * The caption grammar exported by the pre-training pipeline (grammar.json): makes prompts
 * for trials from a seed and parses a caption back into the attributes the caption
 * checker predicts, which is how the testbed scores text–image consistency.
 */
import { rngFor } from '@semaigc/channel';
import { TokenizerError } from './errors';

export interface CaptionGrammar {
  template_one: string;
  template_two: string;
  shapes: string[];
  colours: Record<string, unknown>;
  sizes: Record<string, unknown>;
  positions: Record<string, { phrase: string }>;
  two_object_pairs: [string, string][];
  attributes: Record<string, string[]>;
  none_label: string;
}

export type CaptionAttributes = Record<string, string>;

export interface PromptOptions {
  /** Probability of a two-object caption (default 0.3, as in training). */
  twoObjectProb?: number;
}

/** Deterministic prompts from a seed (the trial's "caption generator"). */
export function makePrompts(g: CaptionGrammar, seed: number, n: number, opts: PromptOptions = {}): string[] {
  const rng = rngFor(seed, 'prompts');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.nextFloat() * xs.length)]!;
  const colours = Object.keys(g.colours);
  const sizes = Object.keys(g.sizes);
  const single = Object.keys(g.positions);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const background = pick(colours);
    const objColours = colours.filter((c) => c !== background);
    const two = rng.nextFloat() < (opts.twoObjectProb ?? 0.3);
    const fill: Record<string, string> = { background };
    if (two) {
      const [p1, p2] = pick(g.two_object_pairs);
      Object.assign(fill, {
        size1: pick(sizes),
        colour1: pick(objColours),
        shape1: pick(g.shapes),
        position1: g.positions[p1]!.phrase,
        size2: pick(sizes),
        colour2: pick(objColours),
        shape2: pick(g.shapes),
        position2: g.positions[p2]!.phrase,
      });
    } else {
      Object.assign(fill, {
        size1: pick(sizes),
        colour1: pick(objColours),
        shape1: pick(g.shapes),
        position1: g.positions[pick(single)]!.phrase,
      });
    }
    out.push((two ? g.template_two : g.template_one).replace(/\{(\w+)\}/g, (_, k: string) => fill[k] ?? ''));
  }
  return out;
}

/** Parses a grammar caption into checker attributes; throws TokenizerError naming the problem. */
export function parseCaption(g: CaptionGrammar, caption: string): CaptionAttributes {
  const phraseToPos = new Map(Object.entries(g.positions).map(([k, v]) => [v.phrase, k]));
  const positionAlt = [...phraseToPos.keys()].map((p) => p.replace(/ /g, '\\s+')).join('|');
  const word = (xs: string[]): string => xs.join('|');
  const obj = `(${word(Object.keys(g.sizes))})\\s+(${word(Object.keys(g.colours))})\\s+(${word(g.shapes)})\\s+(${positionAlt})`;
  const bg = `on\\s+a\\s+(${word(Object.keys(g.colours))})\\s+background`;
  const text = caption.trim().toLowerCase();
  const two = new RegExp(`^a\\s+${obj}\\s+and\\s+a\\s+${obj}\\s+${bg}$`).exec(text);
  const one = two ? null : new RegExp(`^a\\s+${obj}\\s+${bg}$`).exec(text);
  const pos = (p: string): string => phraseToPos.get(p.replace(/\s+/g, ' '))!;
  const none = g.none_label;
  if (two) {
    return {
      count: 'two',
      size1: two[1]!,
      colour1: two[2]!,
      shape1: two[3]!,
      position1: pos(two[4]!),
      size2: two[5]!,
      colour2: two[6]!,
      shape2: two[7]!,
      position2: pos(two[8]!),
      background: two[9]!,
    };
  }
  if (one) {
    return {
      count: 'one',
      size1: one[1]!,
      colour1: one[2]!,
      shape1: one[3]!,
      position1: pos(one[4]!),
      size2: none,
      colour2: none,
      shape2: none,
      position2: none,
      background: one[5]!,
    };
  }
  throw new TokenizerError(`caption does not follow the bundle's grammar: '${caption}'`);
}
