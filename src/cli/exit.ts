// Stable exit codes: 0 ok, 1 refused / denied / failed check, 2 usage or connection error.
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;
  readonly body: unknown;
  constructor(message: string, exitCode: number, body: unknown = null) {
    super(message);
    this.exitCode = exitCode;
    this.body = body;
  }
}
