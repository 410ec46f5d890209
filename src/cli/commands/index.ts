// Client commands (talk to a running server over HTTP).
import type { Command } from 'commander';

export function registerClientCommands(_program: Command, _policy: Command): void {}
