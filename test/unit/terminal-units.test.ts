import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseCommand } from '../../main/daemon/terminal/command.js';
import { parseClientMessage } from '../../main/daemon/terminal/messages.js';
import { Scrollback } from '../../main/daemon/terminal/scrollback.js';

describe('terminal scrollback', () => {
  test('keeps the most recent output within its bound, dropping whole chunks first', () => {
    const ring = new Scrollback(10);
    ring.push('aaaa');
    ring.push('bbbb');
    ring.push('cccc');
    assert.equal(ring.text(), 'bbbbcccc');
    assert.equal(ring.size, 8);
  });

  test('trims a chunk larger than the bound without cutting a character', () => {
    const ring = new Scrollback(5);
    ring.push('x€€'); // 1 + 3 + 3 bytes: the 5-byte tail would start inside the first "€"
    assert.equal(ring.text(), '€');
    const emoji = new Scrollback(6);
    emoji.push('a😀😀'); // 1 + 4 + 4 bytes
    assert.equal(emoji.text(), '😀');
  });
});

describe('terminal messages', () => {
  test('accepts the protocol and rejects anything malformed', () => {
    assert.deepEqual(parseClientMessage('{"type":"open","cols":80,"rows":24,"cwd":"~/p"}'), { type: 'open', cols: 80, rows: 24, cwd: '~/p' });
    assert.deepEqual(parseClientMessage('{"type":"ack","bytes":10}'), { type: 'ack', bytes: 10 });
    for (const bad of ['nope', '[]', '{"type":"open","cols":0,"rows":24}', '{"type":"open","cols":80.5,"rows":24}', '{"type":"resize","cols":80,"rows":99999}', '{"type":"ack","bytes":-1}', '{"type":"input","data":1}', '{"type":"attach","cols":80,"rows":24}', '{"type":"exec"}']) {
      assert.equal(parseClientMessage(bad), null, bad);
    }
  });
});

describe('terminal command', () => {
  test('runs Claude Code when found, else the user\'s shell with the reason', () => {
    assert.deepEqual(chooseCommand({ CCO_CLAUDE_PATH: process.execPath }, 'linux'), { kind: 'claude', file: process.execPath, args: [] });
    const shell = chooseCommand({ PATH: '', SHELL: '/bin/zsh' }, 'linux');
    assert.equal(shell.kind, 'shell');
    assert.equal(shell.file, '/bin/zsh');
    assert.match(shell.notice ?? '', /not installed.*npm install -g @anthropic-ai\/claude-code/);
    const override = chooseCommand({ CCO_CLAUDE_PATH: '/nope/claude', PATH: '' }, 'linux');
    assert.match(override.notice ?? '', /CCO_CLAUDE_PATH \(\/nope\/claude\) is not an executable file/);
    assert.equal(chooseCommand({ PATH: '', COMSPEC: 'C:\\Windows\\cmd.exe' }, 'win32').file, 'C:\\Windows\\cmd.exe');
  });
});
