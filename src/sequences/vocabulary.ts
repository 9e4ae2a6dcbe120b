/**
 * A vocabulary maps tokens to integer ids. Two ids are reserved: 0 for padding (`<pad>`) and 1
 * for any token not in the vocabulary (`<unk>`). The other tokens get ids 2, 3, … in order of
 * decreasing training count, ties broken by code-point order, so the same corpus always gives the
 * same ids whatever the order of its documents.
 */
import { checkIdSequences, checkInteger, checkNonEmptyArray, describeValue } from "../checks";
import { tokenize } from "./tokenizer";

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;
export const PAD_TOKEN = "<pad>";
export const UNKNOWN_TOKEN = "<unk>";

export interface VocabularyOptions {
  /** Keep tokens seen at least this many times (default 1). */
  minCount?: number;
  /** At most this many ids in all, the two reserved ids included (default: no limit). */
  maxSize?: number;
}

/** The JSON form of a vocabulary: `tokens[id]` and `counts[id]` (reserved ids count 0). */
export interface VocabularyJSON {
  format: "seqlab-vocabulary";
  version: 1;
  tokens: string[];
  counts: number[];
}

function byCountThenToken(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return b[1] - a[1];
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

/**
 * The `limit` most frequent tokens with count ≥ minCount, by decreasing count then code-point
 * order. Sorting every distinct token is slow for n-gram vocabularies (hundreds of thousands of
 * strings), so when a limit applies it first finds the count of the limit-th token from a
 * histogram of counts and sorts only the tokens at or above it.
 */
function mostFrequent(counts: Map<string, number>, minCount: number, limit: number): [string, number][] {
  let threshold = minCount;
  if (Number.isFinite(limit)) {
    const tokensWithCount = new Map<number, number>();
    for (const count of counts.values()) tokensWithCount.set(count, (tokensWithCount.get(count) ?? 0) + 1);
    let taken = 0;
    for (const count of [...tokensWithCount.keys()].sort((a, b) => b - a)) {
      if (count < minCount) break;
      taken += tokensWithCount.get(count) as number;
      threshold = count;
      if (taken >= limit) break;
    }
  }
  const candidates: [string, number][] = [];
  for (const entry of counts) if (entry[1] >= threshold) candidates.push(entry);
  return candidates.sort(byCountThenToken).slice(0, limit);
}

export class Vocabulary {
  private readonly ids: Map<string, number>;

  private constructor(
    /** `tokens[id]`: the token each id stands for; tokens[0] = "<pad>", tokens[1] = "<unk>". */
    readonly tokens: readonly string[],
    /** `counts[id]`: how often the token occurred in the documents it was built from. */
    readonly counts: readonly number[],
  ) {
    this.ids = new Map(tokens.map((token, id) => [token, id]));
  }

  /**
   * Builds a vocabulary from tokenized documents (each an array of tokens). Tokens seen fewer
   * than `minCount` times are left out, and only the `maxSize − 2` most frequent are kept.
   */
  static build(documents: readonly (readonly string[])[], options: VocabularyOptions = {}): Vocabulary {
    checkNonEmptyArray(documents, "documents");
    const minCount = checkInteger(options.minCount ?? 1, "minCount", 1);
    const maxSize = options.maxSize === undefined ? Infinity : checkInteger(options.maxSize, "maxSize", 2);
    const counts = new Map<string, number>();
    documents.forEach((document, row) => {
      if (!Array.isArray(document)) throw new Error(`documents[${row}] must be an array of tokens, got ${describeValue(document)}`);
      for (const token of document) {
        if (typeof token !== "string" || token === "") {
          throw new Error(`documents[${row}] holds ${describeValue(token)}; tokens must be non-empty strings`);
        }
        counts.set(token, (counts.get(token) ?? 0) + 1);
      }
    });
    if (counts.size === 0) throw new Error("documents holds no tokens: the corpus is empty");
    counts.delete(PAD_TOKEN);
    counts.delete(UNKNOWN_TOKEN);
    const kept = mostFrequent(counts, minCount, maxSize - 2);
    return new Vocabulary([PAD_TOKEN, UNKNOWN_TOKEN, ...kept.map(([token]) => token)], [0, 0, ...kept.map(([, count]) => count)]);
  }

  /** Builds a vocabulary from raw texts with `tokenize` (lower-cased, TOKEN_PATTERN). */
  static fromTexts(texts: readonly string[], options: VocabularyOptions = {}): Vocabulary {
    checkNonEmptyArray(texts, "texts");
    return Vocabulary.build(texts.map((text) => tokenize(text)), options);
  }

  /** Number of ids, reserved ones included: valid ids are 0 … size − 1. */
  get size(): number {
    return this.tokens.length;
  }

  /** The id of a token, UNKNOWN_ID (1) if it is not in the vocabulary. */
  idOf(token: string): number {
    return this.ids.get(token) ?? UNKNOWN_ID;
  }

  /** Whether the token has its own id. */
  has(token: string): boolean {
    return this.ids.has(token) && token !== PAD_TOKEN && token !== UNKNOWN_TOKEN;
  }

  /** Tokens to ids; tokens outside the vocabulary become UNKNOWN_ID. */
  encode(tokens: readonly string[]): number[] {
    if (!Array.isArray(tokens)) throw new Error(`tokens must be an array of strings, got ${describeValue(tokens)}`);
    return tokens.map((token) => this.idOf(token));
  }

  /** Tokenizes a text (see `tokenize`) and encodes it. */
  encodeText(text: string): number[] {
    return this.encode(tokenize(text));
  }

  /** Ids to tokens ("<pad>" and "<unk>" for the reserved ids, dropped with `skipPadding`). */
  decode(ids: readonly number[], options: { skipPadding?: boolean } = {}): string[] {
    const [checked] = checkIdSequences([ids], "ids", { vocabSize: this.size });
    return checked.filter((id) => !(options.skipPadding && id === PAD_ID)).map((id) => this.tokens[id]);
  }

  /** The share of tokens that encode to UNKNOWN_ID in these documents. */
  unknownRate(documents: readonly (readonly string[])[]): number {
    checkNonEmptyArray(documents, "documents");
    let total = 0;
    let unknown = 0;
    for (const document of documents) {
      for (const token of document) {
        total++;
        if (!this.has(token)) unknown++;
      }
    }
    if (total === 0) throw new Error("documents holds no tokens: the unknown rate is undefined");
    return unknown / total;
  }

  toJSON(): VocabularyJSON {
    return { format: "seqlab-vocabulary", version: 1, tokens: [...this.tokens], counts: [...this.counts] };
  }

  /** Rebuilds a vocabulary from `toJSON()` output (an object or its JSON text), checking it. */
  static fromJSON(json: VocabularyJSON | string): Vocabulary {
    const data = (typeof json === "string" ? JSON.parse(json) : json) as Partial<VocabularyJSON>;
    if (!data || data.format !== "seqlab-vocabulary" || data.version !== 1) {
      throw new Error(`json must be a seqlab-vocabulary version 1 object, got format ${describeValue(data?.format)} version ${describeValue(data?.version)}`);
    }
    const { tokens, counts } = data;
    if (!Array.isArray(tokens) || !Array.isArray(counts) || tokens.length !== counts.length || tokens.length < 2) {
      throw new Error("json.tokens and json.counts must be arrays of the same length (at least the two reserved ids)");
    }
    if (tokens[PAD_ID] !== PAD_TOKEN || tokens[UNKNOWN_ID] !== UNKNOWN_TOKEN) {
      throw new Error(`json.tokens must start with "${PAD_TOKEN}", "${UNKNOWN_TOKEN}", got ${describeValue(tokens[0])}, ${describeValue(tokens[1])}`);
    }
    const seen = new Set<string>();
    tokens.forEach((token, id) => {
      if (typeof token !== "string" || token === "" || seen.has(token)) {
        throw new Error(`json.tokens[${id}] must be a new non-empty string, got ${describeValue(token)}`);
      }
      seen.add(token);
      const count = counts[id];
      if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
        throw new Error(`json.counts[${id}] must be an integer ≥ 0, got ${describeValue(count)}`);
      }
    });
    return new Vocabulary(tokens, counts);
  }
}
