import type { ServiceSpec } from './spec.js';

export function windowsTaskName(port: number): string {
  return `CCO\\Daemon ${port}`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One argument for a Windows command line (CommandLineToArgvW rules). */
export function windowsQuote(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/**
 * The per-user Scheduled Task `cco daemon install` registers on Windows (`schtasks /Create /XML`):
 * started at the user's logon, restarted after a failure, no time limit. Task Scheduler cannot set
 * environment variables, so the data directory and settings go through `cmd /c set ... &&`.
 */
export function windowsTaskXml(spec: ServiceSpec, userId: string): string {
  const sets = Object.entries(spec.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `set "${key}=${value}"`);
  const command = [...sets, [spec.program, ...spec.args].map(windowsQuote).join(' ')].join(' && ');
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo>',
    `    <Description>CCO daemon on port ${spec.port}; remove with: cco daemon uninstall --port ${spec.port}</Description>`,
    '  </RegistrationInfo>',
    '  <Triggers>',
    '    <LogonTrigger>',
    '      <Enabled>true</Enabled>',
    `      <UserId>${xml(userId)}</UserId>`,
    '    </LogonTrigger>',
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    `      <UserId>${xml(userId)}</UserId>`,
    '      <LogonType>InteractiveToken</LogonType>',
    '      <RunLevel>LeastPrivilege</RunLevel>',
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '    <RestartOnFailure>',
    '      <Interval>PT1M</Interval>',
    '      <Count>10</Count>',
    '    </RestartOnFailure>',
    '    <Hidden>true</Hidden>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    '      <Command>cmd.exe</Command>',
    `      <Arguments>${xml(`/d /c ${command}`)}</Arguments>`,
    `      <WorkingDirectory>${xml(spec.dataDir)}</WorkingDirectory>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\n');
}
