export type ModelFamily = 'opus' | 'sonnet' | 'haiku';

export interface ModelGeneration {
  family: ModelFamily;
  major: number;
  minor: number;
}

// `claude-sonnet-4-5-20250929`, `claude-opus-4`, `claude-haiku-4-5`.
const CURRENT = /^claude-(opus|sonnet|haiku)-(\d+)(?:-(\d{1,2}))?(?:-(\d{8}|latest))?$/;
// `claude-3-5-haiku-20241022`, `claude-3-haiku-20240307`, `claude-3-7-sonnet-latest`.
const LEGACY = /^claude-(\d+)(?:-(\d{1,2}))?-(opus|sonnet|haiku)(?:-(\d{8}|latest))?$/;

/**
 * The plain Anthropic id inside the spellings other routes use: Bedrock
 * (`us.anthropic.claude-sonnet-4-5-20250929-v1:0`), Vertex (`claude-sonnet-4-5@20250929`) and
 * Claude Code's context-window suffix (`claude-sonnet-4-5[1m]`).
 */
export function normalizeModelId(id: string): string {
  return id
    .trim()
    .toLowerCase()
    .replace(/^.*anthropic[./]/, '')
    .replace(/\[[^\]]*\]$/, '')
    .replace(/@.*$/, '')
    .replace(/-v\d+(?::\d+)?$/, '');
}

export function parseModelId(id: string): ModelGeneration | null {
  const plain = normalizeModelId(id);
  const current = CURRENT.exec(plain);
  if (current) {
    return { family: current[1] as ModelFamily, major: Number(current[2]), minor: Number(current[3] ?? 0) };
  }
  const legacy = LEGACY.exec(plain);
  if (legacy) {
    return { family: legacy[3] as ModelFamily, major: Number(legacy[1]), minor: Number(legacy[2] ?? 0) };
  }
  return null;
}

/** Orders generations of one family: 4.5 after 4.1 after 4. */
export function generationRank(g: ModelGeneration): number {
  return g.major * 1000 + g.minor;
}
