import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configToFlags } from '../../main/cli/config.js';
import { configOptionHelp } from '../../main/cli/help.js';
import { configFlagsFrom, configSpecs, parseOptions } from '../../main/cli/parse.js';
import { ConfigError, configFromEnv, defaultConfig, resolveConfig } from '../../main/common/config.js';
import { settingsConfigLayer, validateSettings } from '../../main/common/settings.js';

const KEYS = [
  ['upstream-timeout', 'CCO_UPSTREAM_TIMEOUT', 'upstreamTimeoutSeconds'],
  ['upstream-idle-timeout', 'CCO_UPSTREAM_IDLE_TIMEOUT', 'upstreamIdleTimeoutSeconds'],
  ['queue-timeout', 'CCO_QUEUE_TIMEOUT', 'queueTimeoutSeconds'],
  ['drain-timeout', 'CCO_DRAIN_TIMEOUT', 'drainTimeoutSeconds'],
] as const;

test('defaults suit long model calls: 64+ workers, minutes of thinking, a drain of seconds', () => {
  const c = defaultConfig();
  assert.ok(c.workers >= 64);
  assert.equal(c.upstreamTimeoutSeconds, 600);
  assert.equal(c.upstreamIdleTimeoutSeconds, 300);
  assert.equal(c.queueTimeoutSeconds, 120);
  assert.equal(c.drainTimeoutSeconds, 10);
});

test('timeouts and the drain are set by flag, environment or settings.json, flags winning', () => {
  for (const [flag, env, key] of KEYS) {
    const file = settingsConfigLayer(validateSettings({ [key]: 7 }, 'settings.json'));
    assert.equal(resolveConfig({ file })[key], 7, `${key} from settings.json`);
    assert.equal(resolveConfig({ file, env: configFromEnv({ [env]: '8' }) })[key], 8, `${key} from ${env}`);
    const values = parseOptions([`--${flag}`, '2.5'], configSpecs(), 'cco daemon start');
    const flags = configFlagsFrom(values);
    assert.equal(resolveConfig({ file, env: configFromEnv({ [env]: '8' }), flags })[key], 2.5, `${key} from --${flag}`);
    assert.ok(configOptionHelp().some((o) => o.names.startsWith(`--${flag} `) && o.help.includes(env)));
  }
});

test('a spawned daemon gets the same timeouts (the flags round-trip)', () => {
  const config = resolveConfig({ flags: { upstreamTimeoutSeconds: '42', drainTimeoutSeconds: '0.5' } });
  const again = resolveConfig({ flags: configFlagsFrom(parseOptions(configToFlags(config), configSpecs(), 'x')) });
  assert.deepEqual(again, config);
});

test('a timeout that is not a positive number of seconds is refused with the reason', () => {
  assert.throws(() => resolveConfig({ env: configFromEnv({ CCO_UPSTREAM_TIMEOUT: 'soon' }) }), ConfigError);
  assert.throws(() => resolveConfig({ flags: { queueTimeoutSeconds: '0' } }), /queue timeout must be a number of seconds/);
  assert.throws(() => validateSettings({ drainTimeoutSeconds: -1 }, 'settings.json'), /drain timeout/);
});
