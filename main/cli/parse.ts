import { parseArgs } from 'node:util';
import { CONFIG_FLAGS, type ConfigFlags } from './config.js';
import { UsageError, errorCode } from './errors.js';
import { errorMessage } from '../common/format.js';

type OptionSpec = { type: 'string' | 'boolean'; short?: string };
export type OptionSpecs = Record<string, OptionSpec>;
export type ParsedValues = Record<string, string | boolean | undefined>;

export const HELP_SPEC: OptionSpecs = { help: { type: 'boolean', short: 'h' } };

export function configSpecs(onlyPort = false): OptionSpecs {
  const specs: OptionSpecs = {};
  for (const { flag } of CONFIG_FLAGS) if (!onlyPort || flag === 'port') specs[flag] = { type: 'string' };
  return specs;
}

/** The config layer given by flags; values are validated later with the other layers. */
export function configFlagsFrom(values: ParsedValues): ConfigFlags {
  const flags: ConfigFlags = {};
  for (const { flag, key } of CONFIG_FLAGS) {
    const value = values[flag];
    if (typeof value === 'string') flags[key] = value;
  }
  return flags;
}

/** parseArgs in strict mode, with its errors turned into one-line usage errors naming the option. */
export function parseOptions(argv: readonly string[], specs: OptionSpecs, command: string): ParsedValues {
  return parseCommandLine(argv, specs, command, false).values;
}

/** parseOptions for commands that also take arguments (`cco route test MODEL`). */
export function parseCommandLine(
  argv: readonly string[],
  specs: OptionSpecs,
  command: string,
  allowPositionals = true,
): { values: ParsedValues; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: withNegativeValues(argv, specs), options: specs, strict: true, allowPositionals });
    return { values: parsed.values as ParsedValues, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

/**
 * `--cache-ttl -5`: parseArgs takes `-5` for an option and calls the value ambiguous. A number is
 * a value, so it is joined to its option and refused (or accepted) by the option's own check.
 */
function withNegativeValues(argv: readonly string[], specs: OptionSpecs): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (next !== undefined && /^-\d/.test(next) && takesValue(arg, specs)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function takesValue(arg: string, specs: OptionSpecs): boolean {
  if (arg.startsWith('--')) return specs[arg.slice(2)]?.type === 'string';
  if (!/^-[a-zA-Z]$/.test(arg)) return false;
  return Object.values(specs).some((spec) => spec.short === arg.slice(1) && spec.type === 'string');
}

function describeParseError(error: unknown): string {
  const message = errorMessage(error);
  const quoted = /'([^']+)'/.exec(message)?.[1];
  switch (errorCode(error)) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted ?? message}'`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted ?? message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.replace(/^Option /, 'option ');
    default:
      return message;
  }
}
