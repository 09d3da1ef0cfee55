import { parseArgs } from 'node:util';
import { CONFIG_FLAGS, type ConfigFlags } from './config.js';
import { UsageError, errorCode } from './errors.js';

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
  try {
    return parseArgs({ args: [...argv], options: specs, strict: true, allowPositionals: false }).values as ParsedValues;
  } catch (error) {
    throw new UsageError(describeParseError(error), command);
  }
}

function describeParseError(error: unknown): string {
  const message = (error as Error).message;
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
