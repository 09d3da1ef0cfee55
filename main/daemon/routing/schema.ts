import type * as Z from 'zod';
import { loadZod, type Zod } from '../../common/zod.js';

/**
 * model-routing.json, declared once. The types (config.ts), the validation and its messages, and
 * the shipped assets/schema/model-routing.schema.json (`npm run schema`, a test checks it is
 * current) all derive from these schemas. What a schema cannot say, because it needs two fields
 * at once (a route's provider must exist), config.ts checks after parsing.
 *
 * Zod is loaded when a file is parsed, not at import (common/zod.ts).
 */

export const PROVIDER_TYPES = ['anthropic', 'openai', 'ollama'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** The built-in provider: the daemon's configured upstream, with the client's own credentials. */
export const BUILTIN_PROVIDER = 'anthropic';
export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434/v1';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const describeValue = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** A message that quotes what was given, as every message of this file does. */
const got = (message: string) => (issue: { input?: unknown }) => `${message}, got ${describeValue(issue.input)}`;

/** Known fields of a strict object; the unknown-field message lists them. */
const unknownField = (keys: readonly string[]) => `unknown field (expected one of ${keys.join(', ')})`;

function strict<T extends Z.ZodRawShape>(z: Zod, shape: T, notObject: string) {
  const keys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownField(keys) : notObject),
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Without trailing slashes, query or fragment: the path of each request is appended to it. */
function normalUrl(value: string): string {
  const url = new URL(value);
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function schemas(z: Zod) {
  const urlMessage = 'must be an http(s) URL';
  const baseUrl = z
    .string({ error: got(urlMessage) })
    .refine(isHttpUrl, { error: got(urlMessage) })
    .meta({
      description:
        'Base URL; /chat/completions (openai, ollama) or the request\'s /v1/messages path (anthropic) is appended. ' +
        `Required except for ollama (default ${OLLAMA_DEFAULT_URL}).`,
      pattern: '^https?://',
    });

  const provider = strict(
    z,
    {
      type: z.enum(PROVIDER_TYPES, { error: got(`must be one of ${PROVIDER_TYPES.join(', ')}`) }).meta({
        description:
          'anthropic: an Anthropic Messages endpoint; openai: any OpenAI-compatible Chat Completions endpoint; ' +
          "ollama: Ollama's OpenAI-compatible endpoint (free: priced 0).",
      }),
      baseUrl: baseUrl.optional(),
      apiKeyEnv: z
        .string({ error: got('must be the NAME of an environment variable (the key itself never goes in this file)') })
        .regex(ENV_NAME, {
          error: got('must be the NAME of an environment variable (the key itself never goes in this file)'),
        })
        .optional()
        .meta({
          description: "Name of the environment variable holding the provider's API key. Never the key itself.",
        }),
      headers: z
        .record(z.string(), z.string({ error: got('must be a string') }), {
          error: 'must be an object of header names to string values',
        })
        .optional()
        .meta({ description: 'Extra request headers sent to this provider.' }),
      timeoutMs: z
        .int({ error: got('must be a whole number of milliseconds >= 1') })
        .min(1, { error: got('must be a whole number of milliseconds >= 1') })
        .optional()
        .meta({ description: "Longest wait for the provider's response headers, in milliseconds." }),
    },
    'must be an object with "type" and "baseUrl"',
  )
    .transform((p, ctx) => {
      const url = p.baseUrl ?? (p.type === 'ollama' ? OLLAMA_DEFAULT_URL : undefined);
      if (url === undefined) {
        const message = `${urlMessage}, got undefined`;
        ctx.issues.push({ code: 'custom', path: ['baseUrl'], input: undefined, message });
        return z.NEVER;
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(p.headers ?? {})) headers[name.toLowerCase()] = value;
      return {
        type: p.type,
        baseUrl: normalUrl(url),
        headers,
        ...(p.apiKeyEnv === undefined ? {} : { apiKeyEnv: p.apiKeyEnv }),
        ...(p.timeoutMs === undefined ? {} : { timeoutMs: p.timeoutMs }),
      };
    })
    .meta({ id: 'provider' });

  const modelName = z
    .string({ error: got('must be a model name') })
    .refine((s) => s.trim() !== '', { error: got('must be a model name') })
    .meta({ minLength: 1 });

  const target = strict(
    z,
    { provider: z.string({ error: got('must name a provider') }), model: modelName.optional() },
    'must be a provider name or { "provider", "model" }',
  ).meta({ id: 'target' });

  const nonEmpty = got('must be a non-empty string');
  const pattern = z.string({ error: nonEmpty }).min(1, { error: nonEmpty });
  const match = z
    .union([pattern, z.array(pattern).min(1)], {
      error: got('must be a model name or glob, or a list of them'),
    })
    .transform((m) => (typeof m === 'string' ? [m] : m))
    .meta({
      description: 'Model name or glob (* any characters, ? one character; case-insensitive), or a list of them.',
    });

  const flag = (description: string) =>
    z.boolean({ error: got('must be true or false') }).optional().meta({ description });
  const when = strict(
    z,
    {
      stream: flag('Only streaming (true) or only non-streaming (false) requests.'),
      thinking: flag('Only requests that ask for extended thinking (true), or only those that do not (false).'),
      promptTokensOver: z
        .int({ error: got('must be a whole number of tokens >= 0') })
        .min(0, { error: got('must be a whole number of tokens >= 0') })
        .optional()
        .meta({ description: 'Only prompts estimated (about 4 bytes of request per token) over this many tokens.' }),
    },
    'must be an object (stream, thinking, promptTokensOver)',
  ).meta({ description: 'Extra conditions, all of which must hold.' });

  const fallbackItem = z
    .union([z.string(), target], { error: got('must be a provider name or { "provider", "model" }') })
    .transform((t) => (typeof t === 'string' ? { provider: t } : t));

  const route = strict(
    z,
    {
      match,
      when: when.optional().transform((w) => w ?? {}),
      provider: z
        .string({ error: got('must name a provider') })
        .meta({ description: 'A provider name (from providers, or anthropic).' }),
      model: modelName
        .optional()
        .meta({ description: 'Model name to ask the provider for; absent keeps the requested name.' }),
      fallback: z
        .array(fallbackItem, { error: 'must be a list of provider names (or { "provider", "model" })' })
        .optional()
        .transform((f) => f ?? [])
        .meta({
          description:
            'Providers tried in turn when the provider answers 429 or 5xx or cannot be reached. ' +
            'A name keeps the requested model.',
        }),
    },
    'must be an object with "match" and "provider"',
  ).meta({ id: 'route' });

  const file = strict(
    z,
    {
      $schema: z.string().optional(),
      providers: z
        .record(z.string(), provider, { error: 'must be an object of providers by name' })
        .optional()
        .transform((p) => p ?? {})
        .meta({
          description:
            `Providers by name. "${BUILTIN_PROVIDER}" is built in (the daemon's --upstream, with the client's ` +
            'own credentials) and cannot be redefined.',
        }),
      routes: z
        .array(route, { error: 'must be an array of routes (the first that matches wins)' })
        .optional()
        .transform((r) => r ?? [])
        .meta({ description: 'Tried in order; the first that matches wins.' }),
      default: z
        .string({ error: got('must name a provider') })
        .default(BUILTIN_PROVIDER)
        .meta({ description: 'Provider for models no route matches.' }),
    },
    'must be a JSON object with "providers", "routes" and "default"',
  ).meta({
    title: 'CCO model-routing.json',
    description: 'Which provider answers which model. Routes are tried in order; the first that matches wins; ' +
      'no match goes to "default".',
  });

  return { file, provider, route, when, target };
}

export type RoutingSchemas = ReturnType<typeof schemas>;
/** The file as parsed, before the built-in provider is added and provider names are checked. */
export type RoutingFile = Z.output<RoutingSchemas['file']>;

let compiled: RoutingSchemas | undefined;

export function routingSchemas(): RoutingSchemas {
  compiled ??= schemas(loadZod());
  return compiled;
}

/** The JSON Schema shipped for editors (assets/schema/model-routing.schema.json). */
export function routingJsonSchema(): Record<string, unknown> {
  const { file, provider } = routingSchemas();
  const schema = loadZod().toJSONSchema(file, {
    io: 'input',
    target: 'draft-2020-12',
    // Two rules config.ts checks in code, which JSON Schema can still tell an editor.
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === file) {
        const providers = jsonSchema.properties?.providers;
        if (typeof providers === 'object') providers.propertyNames = { not: { const: BUILTIN_PROVIDER } };
      }
      if (zodSchema === provider) {
        jsonSchema.if = { properties: { type: { enum: PROVIDER_TYPES.filter((t) => t !== 'ollama') } } };
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword; this object is never awaited
        jsonSchema.then = { required: ['type', 'baseUrl'] };
      }
    },
  });
  return {
    $schema: schema.$schema,
    $id: 'https://github.com/cco/cco/assets/schema/model-routing.schema.json',
    ...schema,
  };
}
