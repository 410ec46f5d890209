// The GitHub Actions example for teams without the App (examples/github/deploy.yml) must call the CLI as
// it is: every `changeproof` command it runs exists, with every flag it passes, and the gate's step can
// stop the job.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { parse } from 'yaml';
import { registerClientCommands } from '../../src/cli/commands/index.ts';

interface Step {
  name?: string;
  run?: string;
  if?: string;
  'continue-on-error'?: unknown;
}
const workflow = parse(
  readFileSync(new URL('../../examples/github/deploy.yml', import.meta.url), 'utf8'),
) as {
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);

function cli(): Command {
  const program = new Command('changeproof');
  registerClientCommands(program, program.command('policy'));
  return program;
}

/** Each `changeproof …` invocation in a step's script, continuation lines joined. */
function invocations(script: string): string[] {
  const joined = script.replace(/\\\n\s*/g, ' ').replace(/\n(?=\s*--)/g, ' ');
  return [...joined.matchAll(/changeproof ([^\n>|]+)/g)].map((m) => m[1]!);
}

describe('the GitHub Actions workflow example', () => {
  it('runs only commands and flags the CLI has', () => {
    const program = cli();
    const seen: string[] = [];
    for (const step of steps)
      for (const call of invocations(step.run ?? '')) {
        let command = program;
        const words = call.split(/\s+/).filter(Boolean);
        while (words[0] && !words[0].startsWith('-')) {
          const next = command.commands.find((c) => c.name() === words[0]);
          if (!next) break;
          command = next;
          words.shift();
        }
        const path = `${command.parent?.name() === 'changeproof' ? '' : `${command.parent?.name()} `}${command.name()}`;
        seen.push(path);
        const known = command.options.map((o) => o.long);
        for (const flag of words.filter((w) => w.startsWith('--')))
          assert.ok(known.includes(flag), `changeproof ${path} has no ${flag} (it has ${known.join(', ')})`);
      }
    assert.deepEqual(seen, ['gate', 'deploy start', 'deploy finish']);
  });

  it('stops the job when the gate denies: the gate step may not fail softly', () => {
    const gate = steps.find((s) => /changeproof gate/.test(s.run ?? ''))!;
    assert.equal(gate['continue-on-error'], undefined);
    assert.equal(gate.if, undefined);
    assert.match(gate.run!, /exit 1/);
  });
});
