import { resolveCliConfig } from './config.js';
import type { CliContext } from './context.js';
import { dashboardLink } from './dashboard-link.js';
import { EXIT } from './errors.js';
import { dashboardHelp } from './help.js';
import { HELP_SPEC, configFlagsFrom, configSpecs, parseOptions } from './parse.js';

/** `cco dashboard [--print]`: open the dashboard (starting the daemon if needed), or just print its URL. */
export async function dashboardCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseOptions(argv, { ...configSpecs(true), print: { type: 'boolean' }, ...HELP_SPEC }, 'cco dashboard');
  if (values.help) {
    ctx.out(dashboardHelp());
    return EXIT.ok;
  }
  const resolved = resolveCliConfig(ctx, configFlagsFrom(values));
  if (values.print) {
    ctx.out(dashboardLink(resolved));
    return EXIT.ok;
  }
  const { ensureDaemon } = await import('./ensure.js');
  const daemon = await ensureDaemon(resolved, { spinner: ctx.stderrIsTTY });
  const link = dashboardLink(resolved, daemon.url);
  const { openUrl, openerFor } = await import('./open-url.js');
  const opener = openerFor(link, ctx.env);
  const failure = await openUrl(opener);
  if (failure) {
    ctx.err(`Could not open a browser (${opener.command}: ${failure.message}); open this address yourself:`);
    ctx.out(link);
    return EXIT.ok;
  }
  ctx.out(`Opening the dashboard: ${link}`);
  return EXIT.ok;
}
