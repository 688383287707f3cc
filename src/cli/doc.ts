/**
 * docs/CLI.md, printed from the command definitions themselves (the same
 * that `--help` prints), so the reference cannot drift from the program.
 */
import type { Command } from 'commander';
import { buildProgram } from './program.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function usage(c: Command): string {
  const args = c.registeredArguments
    .map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`))
    .join(' ');
  return `concept-ebm ${c.name()}${args ? ` ${args}` : ''}`;
}

export function cliMarkdown(): string {
  const program = buildProgram(
    { stdout: () => undefined, stderr: () => undefined },
    () => undefined,
  );
  const lines = [
    '# Command line',
    '',
    '<!-- Generated from src/cli/program.ts by `npm run docs:cli`; a test fails when it is stale. -->',
    '',
    'Run `npx concept-ebm <command>` (or `node dist/cli/main.js <command>` after `npm run build`). Every command',
    'also prints this with `--help`. Errors are one line on stderr. Exit codes: 0 ran; 1 bad input or file;',
    '2 usage error; 3 training diverged (a non-finite loss or gradient); 4 the model died (energies beyond',
    '1e6, weights beyond 1e6, or no gradient for 20 steps); 130 interrupted.',
    '',
    '| command | what it does |',
    '| --- | --- |',
    ...program.commands.map(
      (c) => `| [\`${c.name()}\`](#${c.name()}) | ${cell(c.description())} |`,
    ),
  ];
  for (const c of program.commands) {
    lines.push('', `## ${c.name()}`, '', cell(c.description()), '', '```', usage(c), '```', '');
    for (const a of c.registeredArguments) lines.push(`- \`${a.name()}\`: ${cell(a.description)}`);
    const options = c.options.filter((o) => !o.hidden);
    if (options.length > 0) {
      lines.push('', '| option | meaning | default |', '| --- | --- | --- |');
      for (const o of options) {
        const def =
          o.defaultValue === undefined || o.negate ? '' : `\`${JSON.stringify(o.defaultValue)}\``;
        lines.push(
          `| \`${cell(o.flags)}\` | ${cell(o.description)}${o.mandatory ? ' (required)' : ''} | ${def} |`,
        );
      }
    }
  }
  return lines.join('\n') + '\n';
}
